# The registration API (lambdas/marketplace_api): a developer registers an app, a user purchases
# one. Its routes live on the model API's HTTP API, behind the same Cognito JWT authorizer, so the
# website has one API to call; this module owns the routes, their integration and the function.
#
# The function is the only writer of new catalogue items and of purchases: the website role has
# no write on the dataset table and none on datasets_purchased (modules/cognito).

locals {
  partition     = split(":", var.kms_key_arn)[1]
  function_name = "${var.name}-marketplace_api"

  owner_index_arn = "${var.dataset_table.arn}/index/${var.dataset_table.owner_index}"
  # The node manager names a node's service <service_prefix><slug> in the nodes' cluster; the
  # squatting check describes exactly that one name, so this pattern is all it may read.
  node_services = "arn:${local.partition}:ecs:${var.region}:${var.account_id}:service/${var.node_cluster.name}/${var.node_service_prefix}*"

  # Route key => the invoke permission's id and the execute-api ARN path it allows.
  routes = {
    "POST /datasets" = {
      statement_id = "AllowApiRegisterDataset"
      source_path  = "POST/datasets"
    }
    "POST /datasets/{dataset_id}/purchase" = {
      statement_id = "AllowApiPurchaseDataset"
      source_path  = "POST/datasets/*/purchase"
    }
  }

  environment_variables = {
    DATASET_TABLE       = var.dataset_table.name
    USER_TABLE          = var.user_table.name
    OWNER_INDEX         = var.dataset_table.owner_index
    NODE_CLUSTER        = var.node_cluster.arn
    NODE_SERVICE_PREFIX = var.node_service_prefix
    MAX_ATTRIBUTES      = tostring(var.limits.max_attributes)
    MAX_SAMPLE_BYTES    = tostring(var.limits.max_sample_bytes)
    MAX_APPS_PER_OWNER  = tostring(var.limits.max_apps_per_owner)
  }

  # Every attribute a registration stores (lambdas/marketplace_api/logic.py STORED_FIELDS; a unit
  # test holds the two lists equal). nodeURL, num_devices and anything else stay out of reach.
  registration_attributes = [
    "dataset_id", "app", "placeholder", "category", "appURL", "logo_image_url", "owner_username",
    "attributes", "attributeTypes", "attributeRangeMins", "attributeRangeMaxes",
    "attributeDescriptions", "predictable_attributes", "numPurchases", "hasNode", "properlySetUp",
  ]

  # Exactly what the function does: a conditional put of a new app, a COUNT query of the owner's
  # apps, the purchase transaction's two conditional updates (and a condition check telling "no
  # account row" from "already bought"), one DescribeServices. AWS requires the key attribute in
  # every dynamodb:Attributes list.
  policy_statements = [
    {
      # attribute_not_exists(dataset_id) in the code: a registration never replaces an app.
      sid       = "RegisterNewDataset"
      actions   = ["dynamodb:PutItem"]
      resources = [var.dataset_table.arn]
      conditions = [{
        test     = "ForAllValues:StringEquals"
        variable = "dynamodb:Attributes"
        values   = local.registration_attributes
      }]
    },
    {
      # ADD numPurchases :one on an existing app, nothing else of the item.
      sid       = "CountDatasetPurchase"
      actions   = ["dynamodb:UpdateItem"]
      resources = [var.dataset_table.arn]
      conditions = [{
        test     = "ForAllValues:StringEquals"
        variable = "dynamodb:Attributes"
        values   = ["dataset_id", "numPurchases"]
      }]
    },
    {
      sid        = "CountAppsOfOwner"
      actions    = ["dynamodb:Query"]
      resources  = [local.owner_index_arn]
      conditions = []
    },
    {
      # The caller's row, chosen by the token's email in the code (a server-side role cannot tie
      # dynamodb:LeadingKeys to its caller, so the table ARN is the scope). Only the purchase
      # list is written; the condition check only tests that the row exists, reading nothing.
      sid       = "AddPurchaseToUser"
      actions   = ["dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]
      resources = [var.user_table.arn]
      conditions = [{
        test     = "ForAllValues:StringEquals"
        variable = "dynamodb:Attributes"
        values   = ["user_id", "datasets_purchased"]
      }]
    },
    {
      sid       = "UsePlatformKeyForTheTables"
      actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${var.region}.amazonaws.com"]
      }]
    },
    {
      # No squatting: does a node of this slug run? Only the nodes' services of the one cluster.
      sid       = "FindRunningNodeByName"
      actions   = ["ecs:DescribeServices"]
      resources = [local.node_services]
      conditions = [{
        test     = "ArnEquals"
        variable = "ecs:cluster"
        values   = [var.node_cluster.arn]
      }]
    },
  ]
}

module "function" {
  source = "../lambda_function"

  function_name                  = local.function_name
  description                    = "Registers apps (datasets) and records purchases for the marketplace website."
  handler                        = "marketplace_api.handler.handler"
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
