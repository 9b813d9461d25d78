output "function_name" {
  description = "Name of the sample-data Lambda function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the sample-data Lambda function."
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

output "event_source_mapping_uuid" {
  description = "UUID of the mapping from the dataset stream to the function."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "event_filter_pattern" {
  description = "The mapping's filter pattern (JSON); the local trigger runner applies the same filter."
  value       = local.event_filter_pattern
}

output "failure_queue_url" {
  description = "URL of the queue that receives records that exhausted their retries."
  value       = aws_sqs_queue.failures.url
}

output "failure_queue_arn" {
  description = "ARN of the failure queue."
  value       = aws_sqs_queue.failures.arn
}

output "environment_variables" {
  description = "The function's environment (no secrets): lets the local trigger runner call the handler in-process exactly as configured."
  value       = local.environment_variables
}
