# The Cognito client secret is owned by Cognito: it changes only when the identity module replaces
# the JupyterHub client, and Terraform then writes the new value here. The host re-reads it at boot.
resource "aws_secretsmanager_secret" "oauth_client" {
  # checkov:skip=CKV2_AWS_57: the value is a Cognito app client secret that Cognito issues; a Secrets Manager rotation function cannot change it. It is replaced with the client, through Terraform.
  name                    = "${var.name}/jupyterhub/oauth-client-secret"
  description             = "Secret of the JupyterHub Cognito OAuth client; read by the JupyterHub host at boot"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "oauth_client" {
  secret_id     = aws_secretsmanager_secret.oauth_client.id
  secret_string = var.cognito_client_secret
}
