output "function_name" {
  description = "Name of the node-manager function (what `artificien-infra nodes --remote` and the orchestration node invoke)."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the node-manager function: the one resource the orchestration role may invoke."
  value       = module.function.function_arn
}

output "role_arn" {
  description = "ARN of the function's execution role (the node-manager permissions)."
  value       = module.function.role_arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = module.function.role_name
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = module.function.log_group_name
}

output "config" {
  description = "The manager's configuration, every name prefix included: the function's NODE_MANAGER_CONFIG, and what the CLI reads in-process (root output pygrid_node_manager)."
  value       = local.config
}

output "environment_variables" {
  description = "The function's environment (no secrets)."
  value       = local.environment_variables
}
