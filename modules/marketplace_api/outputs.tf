output "routes" {
  description = "Route keys the module adds to the HTTP API."
  value       = sort([for route in aws_apigatewayv2_route.this : route.route_key])
}

output "integration_id" {
  description = "ID of the API's integration with the function (the routes' target)."
  value       = aws_apigatewayv2_integration.this.id
}

output "function_name" {
  description = "Name of the registration API Lambda function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the registration API Lambda function."
  value       = module.function.function_arn
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = module.function.role_arn
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = module.function.log_group_name
}

output "environment_variables" {
  description = "The function's environment (no secrets): table names, limits and where the nodes run."
  value       = local.environment_variables
}
