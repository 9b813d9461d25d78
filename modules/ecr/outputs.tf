output "repository_urls" {
  description = "Repository short name => URL to push to and pull from (<account>.dkr.ecr.<region>.amazonaws.com/<name>/<repository>)."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "repository_arns" {
  description = "Repository short name => ARN, for the execution roles' pull permissions."
  value       = { for k, r in aws_ecr_repository.this : k => r.arn }
}

output "repository_names" {
  description = "Repository short name => full repository name (<name>/<repository>)."
  value       = { for k, r in aws_ecr_repository.this : k => r.name }
}
