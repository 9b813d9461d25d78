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

# Identity ----------------------------------------------------------------------------------------

output "user_pool_id" {
  description = "Cognito user pool id."
  value       = module.cognito.user_pool_id
}

output "user_pool_arn" {
  description = "Cognito user pool ARN."
  value       = module.cognito.user_pool_arn
}

output "user_pool_endpoint" {
  description = "Cognito user pool endpoint (the JWT issuer without https://)."
  value       = module.cognito.user_pool_endpoint
}

output "web_client_id" {
  description = "App client of the marketplace website (no secret)."
  value       = module.cognito.web_client_id
}

output "native_client_id" {
  description = "App client of native apps (with a secret)."
  value       = module.cognito.native_client_id
}

output "native_client_secret" {
  description = "Secret of the native app client."
  value       = module.cognito.native_client_secret
  sensitive   = true
}

output "jupyterhub_client_id" {
  description = "OAuth client of JupyterHub."
  value       = module.cognito.jupyterhub_client_id
}

output "jupyterhub_client_secret" {
  description = "Secret of JupyterHub's OAuth client."
  value       = module.cognito.jupyterhub_client_secret
  sensitive   = true
}

output "cognito_domain" {
  description = "Prefix of the hosted-UI domain."
  value       = module.cognito.domain
}

output "hosted_ui_base_url" {
  description = "Base URL of the Cognito hosted UI."
  value       = module.cognito.hosted_ui_base_url
}

output "identity_pool_id" {
  description = "Identity pool through which the website reaches DynamoDB."
  value       = module.cognito.identity_pool_id
}

output "authenticated_role_arn" {
  description = "Role of signed-in website users (item access on the three tables)."
  value       = module.cognito.authenticated_role_arn
}

output "post_confirmation_function_name" {
  description = "Lambda that writes a new user's row after sign-up."
  value       = module.cognito.post_confirmation_function_name
}
