locals {
  # Amplify's own stage names for the platform's environments.
  amplify_stage = {
    dev     = "DEVELOPMENT"
    staging = "BETA"
    prod    = "PRODUCTION"
  }

  # Read by name at plan time; the value never appears in code or tfvars.
  repository_token = (var.repository_token.ssm_parameter_name != null
    ? data.aws_ssm_parameter.repository_token[0].value
    : data.aws_secretsmanager_secret_version.repository_token[0].secret_string
  )

  oauth_domain_variable = var.cognito.oauth_domain == null ? {} : {
    (var.cognito_variable_names.oauth_domain) = var.cognito.oauth_domain
  }

  environment_variables = merge(var.environment_variables, local.oauth_domain_variable, {
    (var.cognito_variable_names.region)           = var.region
    (var.cognito_variable_names.user_pool_id)     = var.cognito.user_pool_id
    (var.cognito_variable_names.web_client_id)    = var.cognito.web_client_id
    (var.cognito_variable_names.identity_pool_id) = var.cognito.identity_pool_id
  })

  # The real site's src/aws-exports.js (what Amplify.configure reads), key by key, as the names of
  # the environment variables that carry the values: the build resolves them.
  aws_exports = merge(
    {
      aws_project_region           = var.cognito_variable_names.region
      aws_cognito_region           = var.cognito_variable_names.region
      aws_cognito_identity_pool_id = var.cognito_variable_names.identity_pool_id
      aws_user_pools_id            = var.cognito_variable_names.user_pool_id
      aws_user_pools_web_client_id = var.cognito_variable_names.web_client_id
    },
    var.cognito.oauth_domain == null ? {} : { oauth = { domain = var.cognito_variable_names.oauth_domain } },
  )

  # scripts/write_aws_exports.js after its header comment, on one line (node -e '<script>').
  aws_exports_source  = split("*/", file("${path.module}/scripts/write_aws_exports.js"))
  aws_exports_body    = join("*/", slice(local.aws_exports_source, 1, length(local.aws_exports_source)))
  aws_exports_script  = join(" ", [for line in split("\n", local.aws_exports_body) : trimspace(line) if trimspace(line) != ""])
  aws_exports_command = "node -e '${local.aws_exports_script}' ${var.build.aws_exports_path} '${jsonencode(local.aws_exports)}'"

  build_spec = coalesce(var.build_spec, templatefile("${path.module}/templates/build_spec.yml.tftpl", {
    install_command     = var.build.install_command
    aws_exports_command = local.aws_exports_command
    build_command       = var.build.build_command
    artifacts_directory = var.build.artifacts_directory
    cache_paths         = var.build.cache_paths
  }))
}

data "aws_ssm_parameter" "repository_token" {
  count = var.repository_token.ssm_parameter_name != null ? 1 : 0

  name            = var.repository_token.ssm_parameter_name
  with_decryption = true
}

data "aws_secretsmanager_secret_version" "repository_token" {
  count = var.repository_token.secrets_manager_secret_name != null ? 1 : 0

  secret_id = var.repository_token.secrets_manager_secret_name
}

resource "aws_amplify_app" "this" {
  name                     = "${var.name}-website"
  description              = "Artificien marketplace website"
  repository               = var.repository_url
  access_token             = local.repository_token
  platform                 = var.platform
  build_spec               = local.build_spec
  iam_service_role_arn     = aws_iam_role.this.arn
  environment_variables    = local.environment_variables
  enable_branch_auto_build = true

  # A single-page app: every path that is not a file is served by index.html.
  custom_rule {
    source = "</^[^.]+$|\\.(?!(css|gif|ico|jpg|jpeg|js|json|map|png|svg|txt|webp|woff|woff2|ttf)$)([^.]+$)/>"
    status = "200"
    target = "/index.html"
  }

  tags = var.tags
}

resource "aws_amplify_branch" "this" {
  for_each = var.branches

  app_id                = aws_amplify_app.this.id
  branch_name           = each.key
  description           = "Deploys the ${each.value} stage"
  stage                 = local.amplify_stage[each.value]
  enable_auto_build     = true
  environment_variables = { STAGE = each.value }

  tags = var.tags
}

resource "aws_amplify_domain_association" "this" {
  count = var.custom_domain != null ? 1 : 0

  app_id                = aws_amplify_app.this.id
  domain_name           = var.custom_domain.domain_name
  wait_for_verification = false

  dynamic "sub_domain" {
    for_each = var.custom_domain.sub_domains

    content {
      branch_name = aws_amplify_branch.this[sub_domain.key].branch_name
      prefix      = sub_domain.value
    }
  }

  lifecycle {
    precondition {
      condition     = alltrue([for branch in keys(var.custom_domain.sub_domains) : contains(keys(var.branches), branch)])
      error_message = "Every custom_domain.sub_domains key must be a branch in var.branches."
    }
  }
}
