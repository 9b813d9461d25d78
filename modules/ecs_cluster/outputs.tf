output "cluster_name" {
  description = "Name of the ECS cluster (orchestration service and PyGrid nodes)."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "exec_log_group_name" {
  description = "Log group auditing ECS Exec sessions."
  value       = aws_cloudwatch_log_group.exec.name
}
