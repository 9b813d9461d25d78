output "user_pool_id" {
  description = "Id of the user pool."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool."
  value       = aws_cognito_user_pool.this.arn
}

output "user_pool_endpoint" {
  description = "Issuer endpoint of the user pool (cognito-idp.<region>.amazonaws.com/<pool id>), for JWT authorizers."
  value       = aws_cognito_user_pool.this.endpoint
}

output "web_client_id" {
  description = "Client id of the marketplace website (public client, no secret)."
  value       = aws_cognito_user_pool_client.web.id
}

output "native_client_id" {
  description = "Client id of the native (confidential) client."
  value       = aws_cognito_user_pool_client.native.id
}

output "native_client_secret" {
  description = "Secret of the native client."
  value       = aws_cognito_user_pool_client.native.client_secret
  sensitive   = true
}

output "jupyterhub_client_id" {
  description = "Client id JupyterHub uses for the OAuth code flow."
  value       = aws_cognito_user_pool_client.jupyterhub.id
}

output "jupyterhub_client_secret" {
  description = "Secret of the JupyterHub OAuth client."
  value       = aws_cognito_user_pool_client.jupyterhub.client_secret
  sensitive   = true
}

output "domain" {
  description = "Prefix of the hosted-UI domain."
  value       = aws_cognito_user_pool_domain.this.domain
}

output "hosted_ui_base_url" {
  description = "Base URL of the hosted UI (its /oauth2/authorize, /oauth2/token and /logout endpoints)."
  value       = "https://${aws_cognito_user_pool_domain.this.domain}.auth.${var.region}.amazoncognito.com"
}

output "identity_pool_id" {
  description = "Id of the website's identity pool."
  value       = aws_cognito_identity_pool.this.id
}

output "authenticated_role_arn" {
  description = "Role signed-in website users assume through the identity pool."
  value       = aws_iam_role.authenticated.arn
}

output "post_confirmation_function_name" {
  description = "Name of the post-confirmation Lambda function."
  value       = module.post_confirmation.function_name
}

output "post_confirmation_function_arn" {
  description = "ARN of the post-confirmation Lambda function."
  value       = module.post_confirmation.function_arn
}

output "post_confirmation_log_group_name" {
  description = "Log group of the post-confirmation function."
  value       = module.post_confirmation.log_group_name
}

output "data_scientists_group_name" {
  description = "Name of the group whose members may sign in to JupyterHub."
  value       = aws_cognito_user_group.data_scientists.name
}
