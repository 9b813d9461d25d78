mock_provider "aws" {
  mock_resource "aws_apigatewayv2_integration" {
    defaults = { id = "integ9" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:111122223333:function:artificien-test-marketplace_api"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111122223333:function:artificien-test-marketplace_api/invocations"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/artificien-test-marketplace_api"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:111122223333:artificien-test-marketplace_api-dlq"
      id  = "https://sqs.us-east-1.amazonaws.com/111122223333/artificien-test-marketplace_api-dlq"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/artificien-test-marketplace_api"
    }
  }
}

variables {
  name        = "artificien-test"
  account_id  = "111122223333"
  region      = "us-east-1"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  lambda_package = {
    filename         = "build/lambda/marketplace_api.zip"
    source_code_hash = "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc="
  }
  api = {
    id            = "a1b2c3d4e5"
    execution_arn = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5"
    authorizer_id = "auth42"
  }
  dataset_table = {
    name = "test-dataset_table"
    arn  = "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table"
  }
  user_table = {
    name = "test-user_table"
    arn  = "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table"
  }
  node_cluster = {
    name = "artificien-test"
    arn  = "arn:aws:ecs:us-east-1:111122223333:cluster/artificien-test"
  }
  node_service_prefix = "pygrid-"
  tags                = { project = "artificien", environment = "test" }
}

run "every_route_needs_the_jwt_and_reaches_the_function" {
  command = apply

  assert {
    condition     = output.routes == tolist(["POST /datasets", "POST /datasets/{dataset_id}/purchase"])
    error_message = "exactly the two documented routes are expected"
  }
  assert {
    condition     = alltrue([for r in aws_apigatewayv2_route.this : r.api_id == "a1b2c3d4e5" && r.authorization_type == "JWT" && r.authorizer_id == "auth42"])
    error_message = "every route must be on the given API and use its Cognito JWT authorizer"
  }
  assert {
    condition     = alltrue([for r in aws_apigatewayv2_route.this : r.target == "integrations/integ9"])
    error_message = "every route must target the function's integration"
  }
  assert {
    condition = (
      aws_apigatewayv2_integration.this.api_id == "a1b2c3d4e5" &&
      aws_apigatewayv2_integration.this.integration_type == "AWS_PROXY" &&
      aws_apigatewayv2_integration.this.payload_format_version == "2.0" &&
      aws_apigatewayv2_integration.this.integration_uri == module.function.function_invoke_arn
    )
    error_message = "the integration must be a payload-2.0 Lambda proxy to the registration function"
  }
}

run "only_these_routes_may_invoke_the_function" {
  command = apply

  assert {
    condition     = length(aws_lambda_permission.api) == 2 && alltrue([for p in aws_lambda_permission.api : p.principal == "apigateway.amazonaws.com" && p.action == "lambda:InvokeFunction"])
    error_message = "one invoke permission per route for API Gateway is expected"
  }
  assert {
    condition = toset([for p in aws_lambda_permission.api : p.source_arn]) == toset([
      "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/*/POST/datasets",
      "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/*/POST/datasets/*/purchase",
    ])
    error_message = "invoke permissions must be scoped to the two routes"
  }
}

run "function_permissions_are_exactly_the_writes_it_makes" {
  command = plan

  assert {
    condition = [for s in local.policy_statements : s.sid] == [
      "RegisterNewDataset", "CountDatasetPurchase", "CountAppsOfOwner", "AddPurchaseToUser",
      "UsePlatformKeyForTheTables", "FindRunningNodeByName",
    ]
    error_message = "the statement list is pinned: a new permission needs a new reviewed Sid"
  }
  assert {
    condition = {
      for s in local.policy_statements : s.sid => { actions = s.actions, resources = s.resources }
      } == {
      RegisterNewDataset         = { actions = ["dynamodb:PutItem"], resources = ["arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table"] }
      CountDatasetPurchase       = { actions = ["dynamodb:UpdateItem"], resources = ["arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table"] }
      CountAppsOfOwner           = { actions = ["dynamodb:Query"], resources = ["arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/index/owner_username-index"] }
      AddPurchaseToUser          = { actions = ["dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"], resources = ["arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table"] }
      UsePlatformKeyForTheTables = { actions = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], resources = ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"] }
      FindRunningNodeByName      = { actions = ["ecs:DescribeServices"], resources = ["arn:aws:ecs:us-east-1:111122223333:service/artificien-test/pygrid-*"] }
    }
    error_message = "the function must get exactly: PutItem and UpdateItem on the dataset table, Query on its owner index, UpdateItem/ConditionCheckItem on the user table, the key via DynamoDB, DescribeServices of the nodes' services"
  }
  assert {
    condition = one([for s in local.policy_statements : s.conditions if s.sid == "CountDatasetPurchase"]) == [{
      test = "ForAllValues:StringEquals", variable = "dynamodb:Attributes", values = ["dataset_id", "numPurchases"]
    }]
    error_message = "a purchase may update only the app's numPurchases"
  }
  assert {
    condition = one([for s in local.policy_statements : s.conditions if s.sid == "AddPurchaseToUser"]) == [{
      test = "ForAllValues:StringEquals", variable = "dynamodb:Attributes", values = ["user_id", "datasets_purchased"]
    }]
    error_message = "a purchase may touch only the user's datasets_purchased (never api_key)"
  }
  assert {
    condition = (
      !contains(one([for s in local.policy_statements : s.conditions if s.sid == "RegisterNewDataset"])[0].values, "nodeURL") &&
      !contains(one([for s in local.policy_statements : s.conditions if s.sid == "RegisterNewDataset"])[0].values, "num_devices") &&
      contains(one([for s in local.policy_statements : s.conditions if s.sid == "RegisterNewDataset"])[0].values, "dataset_id")
    )
    error_message = "a registration may not write nodeURL or num_devices, and must name the key"
  }
  assert {
    condition = one([for s in local.policy_statements : s.conditions if s.sid == "UsePlatformKeyForTheTables"]) == [{
      test = "StringEquals", variable = "kms:ViaService", values = ["dynamodb.us-east-1.amazonaws.com"]
    }]
    error_message = "the key may be used only through DynamoDB"
  }
  assert {
    condition     = !anytrue(flatten([for s in local.policy_statements : [for a in s.actions : strcontains(a, "*") || contains(["dynamodb:Scan", "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "ecs:CreateService", "ecs:UpdateService"], a)]]))
    error_message = "no wildcard action, read of whole items, scan, delete or node change may be granted"
  }
  assert {
    condition     = alltrue(flatten([for s in local.policy_statements : [for r in s.resources : r != "*"]]))
    error_message = "every statement must name its resources"
  }
}

run "function_is_configured_from_the_inputs" {
  command = apply

  variables {
    limits = { max_attributes = 12, max_sample_bytes = 2097152, max_apps_per_owner = 3 }
  }

  assert {
    condition = output.environment_variables == {
      DATASET_TABLE       = "test-dataset_table"
      USER_TABLE          = "test-user_table"
      OWNER_INDEX         = "owner_username-index"
      NODE_CLUSTER        = "arn:aws:ecs:us-east-1:111122223333:cluster/artificien-test"
      NODE_SERVICE_PREFIX = "pygrid-"
      MAX_ATTRIBUTES      = "12"
      MAX_SAMPLE_BYTES    = "2097152"
      MAX_APPS_PER_OWNER  = "3"
    }
    error_message = "the function's environment must carry the tables, the nodes' names and the limits"
  }
  assert {
    condition     = output.function_name == "artificien-test-marketplace_api" && module.function.function_name == output.function_name
    error_message = "the function must be named <name>-marketplace_api"
  }
}

run "limits_default_to_the_platforms" {
  command = plan

  assert {
    condition = (
      local.environment_variables.MAX_ATTRIBUTES == "100" &&
      local.environment_variables.MAX_SAMPLE_BYTES == "104857600" &&
      local.environment_variables.MAX_APPS_PER_OWNER == "20"
    )
    error_message = "defaults: 100 attributes, 100 MiB samples, 20 apps per owner"
  }
}

run "limits_out_of_range_are_rejected" {
  command = plan

  variables {
    limits = { max_attributes = 0, max_sample_bytes = 1024, max_apps_per_owner = 2.5 }
  }

  expect_failures = [var.limits]
}

run "an_execution_arn_of_another_api_is_rejected" {
  command = plan

  variables {
    api = {
      id            = "a1b2c3d4e5"
      execution_arn = "arn:aws:execute-api:us-east-1:111122223333:zzzzzzzzzz"
      authorizer_id = "auth42"
    }
  }

  expect_failures = [var.api]
}

run "table_arns_must_match_their_names" {
  command = plan

  variables {
    dataset_table = {
      name = "test-dataset_table"
      arn  = "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table"
    }
    user_table = {
      name = "test-user_table"
      arn  = "arn:aws:s3:::test-user_table"
    }
  }

  expect_failures = [var.dataset_table, var.user_table]
}

run "node_names_must_be_the_node_managers" {
  command = plan

  variables {
    node_cluster = {
      name = "artificien-test"
      arn  = "arn:aws:ecs:us-east-1:111122223333:cluster/another"
    }
    node_service_prefix = "*"
  }

  expect_failures = [var.node_cluster, var.node_service_prefix]
}

run "account_and_region_are_validated" {
  command = plan

  variables {
    account_id = "1234"
    region     = "mars"
  }

  expect_failures = [var.account_id, var.region]
}
