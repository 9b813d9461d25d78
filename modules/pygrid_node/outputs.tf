output "task_definition_family" {
  description = "Terraform-owned template family; the node manager derives <family>-<app-slug> from its latest revision."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  description = "ARN of the template task definition's current revision."
  value       = aws_ecs_task_definition.this.arn
}

output "task_role_arn" {
  description = "Role of the node containers (no AWS permissions); the node manager passes it on."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "Role the ECS agent uses for node tasks; the node manager passes it on."
  value       = aws_iam_role.execution.arn
}

output "security_group_id" {
  description = "Security group of the node tasks (reachable from the load balancer only)."
  value       = aws_security_group.this.id
}

output "load_balancer_security_group_id" {
  description = "Security group of the shared nodes load balancer."
  value       = module.public_alb.security_group_id
}

output "load_balancer_arn" {
  description = "ARN of the shared nodes load balancer."
  value       = module.public_alb.load_balancer_arn
}

output "load_balancer_dns_name" {
  description = "DNS name of the shared nodes load balancer (target of *.<nodes_domain>)."
  value       = module.public_alb.load_balancer_dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone of the load balancer, for an alias record managed elsewhere."
  value       = module.public_alb.load_balancer_zone_id
}

output "listener_arn" {
  description = "Listener the node manager adds host-header rules to (HTTPS, or HTTP on the local emulator)."
  value       = module.public_alb.listener_arn
}

output "url_scheme" {
  description = "Scheme of the node URLs: https, or http on the local emulator."
  value       = module.public_alb.url_scheme
}

output "nodes_domain" {
  description = "Domain of the node host names <app-slug>.<nodes_domain>."
  value       = var.nodes_domain
}

output "container_name" {
  description = "Name of the node container in the task definition (target of the services' load balancer mapping)."
  value       = local.container_name
}

output "container_port" {
  description = "Port of the node container."
  value       = var.container_port
}

output "log_group_name" {
  description = "Log group of the node containers."
  value       = aws_cloudwatch_log_group.this.name
}
