data "aws_caller_identity" "current" {}

locals {
  name = "${var.project}-${var.environment}"

  tags = {
    project     = var.project
    environment = var.environment
    managed_by  = "terraform"
  }

  is_prod = var.environment == "prod"
}

# The workspace is chosen from --env by the wrapper; a mismatch would write one env's resources
# into another env's state, so the plan fails outright (a `check` block would only warn).
resource "terraform_data" "workspace_guard" {
  input = var.environment

  lifecycle {
    precondition {
      condition     = terraform.workspace == var.environment
      error_message = "Workspace '${terraform.workspace}' does not match environment '${var.environment}': run through artificien-infra --env."
    }
  }
}

module "kms" {
  source = "../modules/kms"

  name       = local.name
  account_id = data.aws_caller_identity.current.account_id
  region     = var.aws_region
  tags       = local.tags
}

module "dynamodb" {
  source = "../modules/dynamodb"

  name_prefix         = "${var.environment}-"
  kms_key_arn         = module.kms.key_arn
  deletion_protection = local.is_prod
  tags                = local.tags
}

module "cognito" {
  source = "../modules/cognito"

  name        = local.name
  account_id  = data.aws_caller_identity.current.account_id
  region      = var.aws_region
  kms_key_arn = module.kms.key_arn

  user_table_name = module.dynamodb.user_table_name
  user_table_arn  = module.dynamodb.user_table_arn
  table_arns      = module.dynamodb.table_arns
  index_arns      = values(module.dynamodb.index_arns)

  post_confirmation_package = var.lambda_packages["post_confirmation"]
  default_datasets          = var.default_datasets
  log_retention_days        = var.log_retention_days

  password_minimum_length  = var.password_minimum_length
  deletion_protection      = local.is_prod
  domain_prefix            = var.cognito_domain_prefix
  jupyterhub_callback_urls = var.jupyterhub_callback_urls
  jupyterhub_logout_urls   = var.jupyterhub_logout_urls

  tags = local.tags
}
