data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  oidc_host = "token.actions.githubusercontent.com"
  audience  = "sts.amazonaws.com"

  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.this[0].arn : var.oidc_provider_arn

  # GitHub's default sub claim (https://docs.github.com/actions/reference/openid-connect-reference):
  # a pull request's jobs say `repo:<owner>/<repo>:pull_request`, a push to a branch
  # `repo:<owner>/<repo>:ref:refs/heads/<branch>`, and any job that names an environment
  # `repo:<owner>/<repo>:environment:<name>` whatever its branch. Exact values, StringEquals: no
  # wildcard can widen them to another repository, branch or environment.
  plan_subjects = [
    "repo:${var.repository}:pull_request",
    "repo:${var.repository}:ref:refs/heads/${var.main_branch}",
  ]
  apply_subjects = ["repo:${var.repository}:environment:${var.github_environment}"]

  # One trust document, two uses (Terraform has no user-defined functions): rendered by name.
  trust_policies = {
    for role, subjects in { plan = local.plan_subjects, apply = local.apply_subjects } :
    role => {
      Version = "2012-10-17"
      Statement = [{
        Sid       = role == "plan" ? "GitHubPullRequestsAndMainMayPlan" : "GitHubEnvironmentMayApply"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.oidc_host}:aud" = local.audience
            "${local.oidc_host}:sub" = subjects
          }
        }
      }]
    }
  }
}

# One per account: envs that share an account reuse it (create_oidc_provider = false).
resource "aws_iam_openid_connect_provider" "this" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.oidc_host}"
  client_id_list = [local.audience]
  # No thumbprint_list: IAM checks this host's certificate against its own trusted CAs and
  # ignores thumbprints for it, so pinning one would only go stale.
  tags = var.tags
}

resource "aws_iam_role" "plan" {
  name                 = "${var.name}-github-plan"
  description          = "GitHub Actions plans of ${var.repository} (pull requests and ${var.main_branch}): read-only, plus this env's state lock."
  assume_role_policy   = jsonencode(local.trust_policies["plan"])
  max_session_duration = var.plan_session_seconds
  tags                 = var.tags
}

resource "aws_iam_role" "apply" {
  name                 = "${var.name}-github-apply"
  description          = "GitHub Actions applies of ${var.repository}, only from its ${var.github_environment} environment; capped by ${aws_iam_policy.apply_boundary.name}."
  assume_role_policy   = jsonencode(local.trust_policies["apply"])
  max_session_duration = var.apply_session_seconds
  permissions_boundary = aws_iam_policy.apply_boundary.arn
  tags                 = var.tags
}
