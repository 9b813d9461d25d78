output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Base URL of the API: the custom domain when one is set, else the execute-api endpoint. Routes: GET /models, GET /models/{model_id}/download."
  value       = var.custom_domain != null ? "https://${var.custom_domain.domain_name}" : aws_apigatewayv2_api.this.api_endpoint
}

output "api_execution_arn" {
  description = "Execution ARN of the API (prefix of its invoke permissions)."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "authorizer_id" {
  description = "ID of the Cognito JWT authorizer."
  value       = aws_apigatewayv2_authorizer.this.id
}

output "access_log_group_name" {
  description = "CloudWatch log group of the API's access logs."
  value       = aws_cloudwatch_log_group.access.name
}

output "function_name" {
  description = "Name of the model API Lambda function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the model API Lambda function."
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

output "custom_domain_target" {
  description = "Where to point the custom domain's DNS alias (regional domain name and hosted zone id); null without a custom domain."
  value = var.custom_domain != null ? {
    domain_name    = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    hosted_zone_id = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
  } : null
}
