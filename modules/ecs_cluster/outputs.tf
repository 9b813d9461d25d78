output "cluster_name" {
  description = "Name of the ECS cluster (orchestration service and PyGrid nodes)."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "database_endpoint" {
  description = "Writer endpoint (host name) of the PyGrid database."
  value       = aws_rds_cluster.this.endpoint
}

output "database_reader_endpoint" {
  description = "Reader endpoint (host name) of the PyGrid database."
  value       = aws_rds_cluster.this.reader_endpoint
}

output "database_port" {
  description = "PostgreSQL port of the PyGrid database."
  value       = aws_rds_cluster.this.port
}

output "database_name" {
  description = "Name of the PyGrid database."
  value       = aws_rds_cluster.this.database_name
}

output "database_master_username" {
  description = "Master user name (not a secret; the password lives only in the managed secret)."
  value       = aws_rds_cluster.this.master_username
}

output "database_master_secret_arn" {
  description = "ARN of the AWS-managed Secrets Manager secret holding the master user's credentials (username and password keys)."
  value       = aws_rds_cluster.this.master_user_secret[0].secret_arn
}

output "database_security_group_id" {
  description = "Security group of the database; modules/pygrid_node adds the only ingress rule."
  value       = aws_security_group.database.id
}

output "database_cluster_identifier" {
  description = "Identifier of the Aurora cluster."
  value       = aws_rds_cluster.this.cluster_identifier
}

output "database_cluster_resource_id" {
  description = "Resource ID of the Aurora cluster, for rds-db:connect (IAM authentication) policies."
  value       = aws_rds_cluster.this.cluster_resource_id
}

output "exec_log_group_name" {
  description = "Log group auditing ECS Exec sessions."
  value       = aws_cloudwatch_log_group.exec.name
}
