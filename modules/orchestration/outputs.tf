output "service_url" {
  description = "Base URL of the orchestration node: https://<public_host_name> when one is given (the certificate's name), else the load balancer's URL (http in the local emulator)."
  value       = var.public_host_name == null ? module.public_alb.url : "${module.public_alb.url_scheme}://${var.public_host_name}"
}

output "service_name" {
  description = "Name of the orchestration ECS service."
  value       = aws_ecs_service.this.name
}

output "cluster_name" {
  description = "ECS cluster the service runs in."
  value       = var.cluster.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster the service runs in."
  value       = var.cluster.arn
}

output "load_balancer_arn" {
  description = "ARN of the orchestration load balancer."
  value       = module.public_alb.load_balancer_arn
}

output "load_balancer_dns_name" {
  description = "DNS name of the orchestration load balancer (point a CNAME/alias here)."
  value       = module.public_alb.load_balancer_dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone of the load balancer, for a Route 53 alias."
  value       = module.public_alb.load_balancer_zone_id
}

output "listener_arn" {
  description = "Listener that forwards to the service: HTTPS with a certificate, HTTP without."
  value       = module.public_alb.listener_arn
}

output "target_group_arn" {
  description = "Target group of the orchestration tasks."
  value       = aws_lb_target_group.this.arn
}

output "load_balancer_security_group_id" {
  description = "Security group of the load balancer."
  value       = module.public_alb.security_group_id
}

output "service_security_group_id" {
  description = "Security group of the orchestration tasks."
  value       = aws_security_group.service.id
}

output "task_definition_arn" {
  description = "ARN (with revision) of the orchestration task definition."
  value       = aws_ecs_task_definition.this.arn
}

output "task_role_arn" {
  description = "Role the orchestration container runs as."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "Role ECS uses to start the orchestration container."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "Log group of the orchestration container."
  value       = aws_cloudwatch_log_group.this.name
}

output "master_node_url" {
  description = "The service's public name as host[:port] without a scheme (MASTER_NODE_URL): public_host_name, or the load balancer's DNS name without one. The PyGrid nodes get the same value."
  value       = local.master_node_url
}
