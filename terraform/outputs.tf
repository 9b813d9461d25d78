output "environment" {
  description = "Environment of this state."
  value       = var.environment
}

output "region" {
  description = "AWS region of the environment."
  value       = var.aws_region
}

output "kms_key_arn" {
  description = "The platform's customer-managed KMS key."
  value       = module.kms.key_arn
}

# Data layer -----------------------------------------------------------------------------------

output "user_table_name" {
  description = "Name of the user table."
  value       = module.dynamodb.user_table_name
}

output "model_table_name" {
  description = "Name of the model table."
  value       = module.dynamodb.model_table_name
}

output "dataset_table_name" {
  description = "Name of the dataset table."
  value       = module.dynamodb.dataset_table_name
}

output "dataset_table_stream_arn" {
  description = "Stream of the dataset table (new images)."
  value       = module.dynamodb.dataset_table_stream_arn
}
