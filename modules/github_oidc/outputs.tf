output "oidc_provider_arn" {
  description = "ARN of the account's GitHub OIDC provider (created here or reused)."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "ARN of the plan role: the role-to-assume of the workflows' plan jobs."
  value       = aws_iam_role.plan.arn
}

output "plan_role_name" {
  description = "Name of the plan role (<name>-github-plan)."
  value       = aws_iam_role.plan.name
}

output "apply_role_arn" {
  description = "ARN of the apply role: the role-to-assume of the apply job in the env's GitHub environment."
  value       = aws_iam_role.apply.arn
}

output "apply_role_name" {
  description = "Name of the apply role (<name>-github-apply)."
  value       = aws_iam_role.apply.name
}

output "apply_permissions_boundary_arn" {
  description = "ARN of the apply role's permissions boundary."
  value       = aws_iam_policy.apply_boundary.arn
}

output "plan_role_trust_policy" {
  description = "The plan role's trust policy (JSON): this repository's pull requests and main branch."
  value       = jsonencode(local.trust_policies["plan"])
}

output "apply_role_trust_policy" {
  description = "The apply role's trust policy (JSON): only jobs of this repository's GitHub environment."
  value       = jsonencode(local.trust_policies["apply"])
}
