# The model API: an HTTP API whose every route needs a Cognito JWT, in front of one Lambda that
# lists a data scientist's models and signs short-lived download links for their trained weights.
# Trained models stay private in the models bucket; nothing here makes an object public.

locals {
  api_name      = "${var.name}-model-api"
  function_name = "${var.name}-model_api"

  owner_index_arn = "${var.model_table.arn}/index/${var.model_table.owner_index}"

  # Route key => the invoke permission's id and the execute-api ARN path it allows.
  routes = {
    "GET /models" = {
      statement_id = "AllowApiListModels"
      source_path  = "GET/models"
    }
    "GET /models/{model_id}/download" = {
      statement_id = "AllowApiDownloadModel"
      source_path  = "GET/models/*/download"
    }
  }

  environment_variables = {
    MODEL_TABLE  = var.model_table.name
    MODEL_BUCKET = var.models_bucket.name
    OWNER_INDEX  = var.model_table.owner_index
    URL_TTL      = tostring(var.url_ttl_seconds)
  }

  # Exactly what the function does: read one item, query the owner index, check an artifact
  # exists and sign a GET for it. The presigned URL is used with the function's own permissions,
  # so they must also cover reading (and decrypting) the object.
  policy_statements = [
    {
      sid       = "ReadModelItems"
      actions   = ["dynamodb:GetItem"]
      resources = [var.model_table.arn]
    },
    {
      sid       = "ListModelsOfOwner"
      actions   = ["dynamodb:Query"]
      resources = [local.owner_index_arn]
    },
    {
      sid       = "ReadModelArtifacts"
      actions   = ["s3:GetObject"]
      resources = ["${var.models_bucket.arn}/*"]
    },
    {
      # Without ListBucket, HeadObject on a missing key answers 403 instead of 404, and a model
      # that has no artifact yet could not be told from an access problem. The function never
      # lists; the permission only makes "not found" visible.
      sid       = "TellMissingArtifacts"
      actions   = ["s3:ListBucket"]
      resources = [var.models_bucket.arn]
    },
    {
      # The table and the bucket are encrypted with the platform key: reads go through those
      # services only, never as a raw decrypt call from the function's code.
      sid       = "DecryptThroughTableAndBucket"
      actions   = ["kms:Decrypt"]
      resources = [var.kms_key_arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${var.region}.amazonaws.com", "s3.${var.region}.amazonaws.com"]
      }]
    },
  ]
}

module "function" {
  source = "../lambda_function"

  function_name                  = local.function_name
  description                    = "Lists a data scientist's models and signs download links for their trained weights."
  handler                        = "model_api.handler.handler"
  package                        = var.lambda_package
  layers                         = var.lambda_layers
  timeout                        = 10
  environment_variables          = local.environment_variables
  policy_statements              = local.policy_statements
  region                         = var.region
  kms_key_arn                    = var.kms_key_arn
  log_retention_days             = var.log_retention_days
  reserved_concurrent_executions = var.reserved_concurrent_executions
  tags                           = var.tags
}
