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
