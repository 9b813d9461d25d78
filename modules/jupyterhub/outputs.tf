output "instance_id" {
  description = "Id of the JupyterHub EC2 instance (operators: aws ssm start-session --target <id>)."
  value       = aws_instance.this.id
}

output "instance_arn" {
  description = "ARN of the JupyterHub EC2 instance."
  value       = aws_instance.this.arn
}

output "public_ip" {
  description = "Elastic IP of the host: point jupyter_domain's A record here when route53_zone_id is not set."
  value       = aws_eip.this.public_ip
}

output "url" {
  description = "URL data scientists open to reach JupyterHub."
  value       = local.url
}

output "oauth_callback_url" {
  description = "Callback URL the Cognito JupyterHub client must allow."
  value       = "${local.url}/hub/oauth_callback"
}

output "logout_url" {
  description = "Sign-out URL the Cognito JupyterHub client must allow (JupyterHub's logout returns here through Cognito)."
  value       = local.url
}

output "security_group_id" {
  description = "Security group of the host."
  value       = aws_security_group.this.id
}

output "role_arn" {
  description = "ARN of the host's instance role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the host's instance role."
  value       = aws_iam_role.this.name
}

output "client_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the OAuth client secret (the ARN only, never the value)."
  value       = aws_secretsmanager_secret.oauth_client.arn
}

output "ami_id" {
  description = "AMI the host was launched from."
  value       = aws_instance.this.ami
}

output "data_volume_id" {
  description = "Id of the EBS volume mounted at /srv/data on the host (the sample and tutorial copies)."
  value       = aws_ebs_volume.data.id
}
