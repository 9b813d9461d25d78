output "app_id" {
  description = "Id of the Amplify app."
  value       = aws_amplify_app.this.id
}

output "app_arn" {
  description = "ARN of the Amplify app."
  value       = aws_amplify_app.this.arn
}

output "default_domain" {
  description = "The app's amplifyapp.com domain; a branch is served at https://<branch>.<default_domain>."
  value       = aws_amplify_app.this.default_domain
}

output "branch_urls" {
  description = "Branch name => its default https URL."
  value       = { for branch, b in aws_amplify_branch.this : branch => "https://${replace(b.branch_name, "/", "-")}.${aws_amplify_app.this.default_domain}" }
}

output "service_role_arn" {
  description = "ARN of the app's service role."
  value       = aws_iam_role.this.arn
}

output "custom_domain_certificate_verification_dns_record" {
  description = "DNS record proving ownership of the custom domain (null without one)."
  value       = try(aws_amplify_domain_association.this[0].certificate_verification_dns_record, null)
}

output "build_spec" {
  description = "The build specification the app runs. An amplify.yml at the repository's root takes precedence over it: commit this as that file, or delete the file."
  value       = aws_amplify_app.this.build_spec
}
