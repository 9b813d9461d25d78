module "post_confirmation" {
  source = "../lambda_function"

  function_name = "${var.name}-post_confirmation"
  description   = "Writes a new account's row (with a fresh API key) to the user table after sign-up is confirmed."
  handler       = "post_confirmation.handler.handler"
  package       = var.post_confirmation_package
  layers        = var.post_confirmation_layers
  architecture  = var.lambda_architecture
  # Cognito waits at most 5 s for a trigger; the function's client timeouts fit in that.
  timeout            = 5
  memory_size        = 256
  region             = var.region
  kms_key_arn        = var.kms_key_arn
  log_retention_days = var.log_retention_days

  reserved_concurrent_executions = var.post_confirmation_reserved_concurrency

  environment_variables = local.post_confirmation_environment
  policy_statements     = local.post_confirmation_statements

  tags = var.tags
}

locals {
  post_confirmation_environment = {
    USER_TABLE       = var.user_table_name
    DEFAULT_DATASETS = jsonencode(var.default_datasets)
  }

  # A conditional put is all it does: never read, overwrite or delete an account.
  post_confirmation_statements = [
    {
      sid       = "CreateAccountRow"
      actions   = ["dynamodb:PutItem"]
      resources = [var.user_table_arn]
    },
    {
      sid       = "UseTableKeyViaDynamoDB"
      actions   = local.dynamodb_key_actions
      resources = [var.kms_key_arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${var.region}.amazonaws.com"]
      }]
    },
  ]
}

resource "aws_lambda_permission" "post_confirmation" {
  statement_id   = "AllowCognitoPostConfirmation"
  action         = "lambda:InvokeFunction"
  function_name  = module.post_confirmation.function_name
  principal      = "cognito-idp.amazonaws.com"
  source_arn     = aws_cognito_user_pool.this.arn
  source_account = var.account_id
}
