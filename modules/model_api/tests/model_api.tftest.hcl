mock_provider "aws" {
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      execution_arn = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5"
      api_endpoint  = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    }
  }
  mock_resource "aws_apigatewayv2_authorizer" {
    defaults = { id = "auth42" }
  }
  mock_resource "aws_apigatewayv2_integration" {
    defaults = { id = "integ7" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:111122223333:function:artificien-test-model_api"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111122223333:function:artificien-test-model_api/invocations"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/apigateway/artificien-test-model-api"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:111122223333:artificien-test-model_api-dlq"
      id  = "https://sqs.us-east-1.amazonaws.com/111122223333/artificien-test-model_api-dlq"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/artificien-test-model_api"
    }
  }
}

variables {
  region      = "us-east-1"
  name        = "artificien-test"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  lambda_package = {
    filename         = "build/lambda/model_api.zip"
    source_code_hash = "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc="
  }
  model_table = {
    name = "test-model_table"
    arn  = "arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table"
  }
  models_bucket = {
    name = "artificien-test-models-111122223333"
    arn  = "arn:aws:s3:::artificien-test-models-111122223333"
  }
  cognito = {
    user_pool_endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
    client_ids         = ["4h5j6k7l8m9n0p1q2r3s4t5u6v"]
  }
  tags = { project = "artificien", environment = "test" }
}

run "authorizer_trusts_only_the_user_pool_and_web_client" {
  command = apply

  assert {
    condition     = aws_apigatewayv2_authorizer.this.authorizer_type == "JWT"
    error_message = "the authorizer must be a JWT authorizer"
  }
  assert {
    condition     = aws_apigatewayv2_authorizer.this.jwt_configuration[0].issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
    error_message = "issuer must be the user pool's https endpoint"
  }
  assert {
    condition     = toset(aws_apigatewayv2_authorizer.this.jwt_configuration[0].audience) == toset(["4h5j6k7l8m9n0p1q2r3s4t5u6v"])
    error_message = "audience must be exactly the web client"
  }
  assert {
    condition     = aws_apigatewayv2_authorizer.this.identity_sources == toset(["$request.header.Authorization"])
    error_message = "the token must come from the Authorization header"
  }
  assert {
    condition     = aws_apigatewayv2_api.this.protocol_type == "HTTP" && aws_apigatewayv2_api.this.name == "artificien-test-model-api"
    error_message = "an HTTP API named <name>-model-api is expected"
  }
}

run "every_route_needs_the_jwt_and_reaches_the_function" {
  command = apply

  assert {
    condition     = toset([for r in aws_apigatewayv2_route.this : r.route_key]) == toset(["GET /models", "GET /models/{model_id}/download"])
    error_message = "exactly the two documented routes are expected"
  }
  assert {
    condition     = alltrue([for r in aws_apigatewayv2_route.this : r.authorization_type == "JWT" && r.authorizer_id == "auth42"])
    error_message = "every route must use the Cognito JWT authorizer"
  }
  assert {
    condition     = alltrue([for r in aws_apigatewayv2_route.this : r.target == "integrations/integ7"])
    error_message = "every route must target the function's integration"
  }
  assert {
    condition     = aws_apigatewayv2_integration.this.integration_type == "AWS_PROXY" && aws_apigatewayv2_integration.this.payload_format_version == "2.0"
    error_message = "the integration must be a Lambda proxy with payload format 2.0 (the handler parses v2 events)"
  }
  assert {
    condition     = aws_apigatewayv2_integration.this.integration_uri == module.function.function_invoke_arn
    error_message = "the integration must invoke the model API function"
  }
}

run "only_this_api_routes_may_invoke_the_function" {
  command = apply

  assert {
    condition     = length(aws_lambda_permission.api) == 2 && alltrue([for p in aws_lambda_permission.api : p.principal == "apigateway.amazonaws.com" && p.action == "lambda:InvokeFunction"])
    error_message = "one invoke permission per route for API Gateway is expected"
  }
  assert {
    condition = toset([for p in aws_lambda_permission.api : p.source_arn]) == toset([
      "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/*/GET/models",
      "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/*/GET/models/*/download",
    ])
    error_message = "invoke permissions must be scoped to this API's two routes"
  }
}

run "function_permissions_are_scoped_to_the_table_index_bucket_and_key" {
  command = plan

  assert {
    condition = {
      for s in local.policy_statements : s.sid => { actions = s.actions, resources = s.resources }
      } == {
      ReadModelItems               = { actions = ["dynamodb:GetItem"], resources = ["arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table"] }
      ListModelsOfOwner            = { actions = ["dynamodb:Query"], resources = ["arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table/index/owner-active-index"] }
      ReadModelArtifacts           = { actions = ["s3:GetObject"], resources = ["arn:aws:s3:::artificien-test-models-111122223333/*"] }
      TellMissingArtifacts         = { actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::artificien-test-models-111122223333"] }
      DecryptThroughTableAndBucket = { actions = ["kms:Decrypt"], resources = ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"] }
    }
    error_message = "the function must get exactly: GetItem on the table, Query on the owner index, GetObject under the bucket, ListBucket on it, Decrypt on the platform key"
  }
  assert {
    condition = one([for s in local.policy_statements : s.conditions if s.sid == "DecryptThroughTableAndBucket"]) == [{
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"]
    }]
    error_message = "decrypt must only be allowed through DynamoDB and S3"
  }
  assert {
    condition     = !anytrue(flatten([for s in local.policy_statements : [for a in s.actions : strcontains(a, "*") || contains(["s3:PutObject", "dynamodb:PutItem", "dynamodb:Scan"], a)]]))
    error_message = "no wildcard, write or scan action may be granted"
  }
}

run "function_is_configured_from_the_inputs" {
  command = apply

  assert {
    condition = local.environment_variables == {
      MODEL_TABLE  = "test-model_table"
      MODEL_BUCKET = "artificien-test-models-111122223333"
      OWNER_INDEX  = "owner-active-index"
      URL_TTL      = "900"
    }
    error_message = "the function's environment must name the table, bucket, index and link lifetime"
  }
  assert {
    condition     = module.function.function_name == "artificien-test-model_api"
    error_message = "the function must be named <name>-model_api"
  }
}

run "stage_logs_access_encrypted_and_throttles" {
  command = apply

  variables {
    throttling_rate_limit  = 5
    throttling_burst_limit = 10
    log_retention_days     = 400
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.name == "$default" && aws_apigatewayv2_stage.this.auto_deploy
    error_message = "a single auto-deployed $default stage is expected"
  }
  assert {
    condition     = aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == 5 && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_burst_limit == 10
    error_message = "throttling must come from the variables"
  }
  assert {
    condition     = aws_apigatewayv2_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access.arn
    error_message = "access logs must go to the module's log group"
  }
  assert {
    condition     = jsondecode(aws_apigatewayv2_stage.this.access_log_settings[0].format).requestId == "$context.requestId" && !strcontains(lower(aws_apigatewayv2_stage.this.access_log_settings[0].format), "authorization")
    error_message = "access logs must be JSON with the request id and must not carry the Authorization header"
  }
  assert {
    condition     = aws_cloudwatch_log_group.access.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.access.retention_in_days == 400
    error_message = "the access log group must be encrypted with the platform key and keep the given retention"
  }
}

run "no_cors_and_no_custom_domain_by_default" {
  command = plan

  assert {
    condition     = length(aws_apigatewayv2_api.this.cors_configuration) == 0
    error_message = "without origins, no CORS configuration"
  }
  assert {
    condition     = length(aws_apigatewayv2_domain_name.this) == 0 && length(aws_apigatewayv2_api_mapping.this) == 0 && !aws_apigatewayv2_api.this.disable_execute_api_endpoint
    error_message = "without a custom domain, the execute-api endpoint is the way in"
  }
}

run "cors_allows_only_the_website_origin" {
  command = plan

  variables {
    cors_allowed_origins = ["https://main.d1abc.amplifyapp.com"]
  }

  assert {
    condition     = aws_apigatewayv2_api.this.cors_configuration[0].allow_origins == toset(["https://main.d1abc.amplifyapp.com"])
    error_message = "CORS must allow only the website's origin"
  }
  assert {
    condition     = aws_apigatewayv2_api.this.cors_configuration[0].allow_methods == toset(["GET", "OPTIONS"])
    error_message = "CORS must allow only GET (and the preflight)"
  }
}

run "cors_allows_the_registration_routes_posts_when_asked" {
  command = apply

  variables {
    cors_allowed_origins = ["https://main.d1abc.amplifyapp.com"]
    cors_allowed_methods = ["GET", "POST", "OPTIONS"]
  }

  assert {
    condition     = aws_apigatewayv2_api.this.cors_configuration[0].allow_methods == toset(["GET", "POST", "OPTIONS"])
    error_message = "the methods must come from cors_allowed_methods"
  }
}

run "cors_methods_outside_the_routes_are_rejected" {
  command = plan

  variables {
    cors_allowed_methods = ["GET", "DELETE"]
  }

  expect_failures = [var.cors_allowed_methods]
}

run "custom_domain_uses_tls_1_2_and_replaces_the_default_endpoint" {
  command = apply

  variables {
    custom_domain = {
      domain_name     = "api.artificien.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    }
  }

  assert {
    condition     = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].security_policy == "TLS_1_2" && aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].endpoint_type == "REGIONAL"
    error_message = "the custom domain must be regional with TLS 1.2"
  }
  assert {
    condition     = aws_apigatewayv2_api.this.disable_execute_api_endpoint
    error_message = "with a custom domain the default endpoint must be disabled"
  }
  assert {
    condition     = output.api_endpoint == "https://api.artificien.example.com"
    error_message = "api_endpoint must be the custom domain"
  }
}

run "custom_domain_alias_record_in_the_given_zone" {
  command = apply

  variables {
    custom_domain = {
      domain_name     = "api.artificien.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
      route53_zone_id = "Z0ZONE0000000001"
    }
  }

  assert {
    condition     = aws_route53_record.this[0].zone_id == "Z0ZONE0000000001" && aws_route53_record.this[0].name == "api.artificien.example.com" && aws_route53_record.this[0].type == "A"
    error_message = "api.<domain> must be an A alias in the given zone"
  }
  assert {
    condition     = one(aws_route53_record.this[0].alias).name == aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    error_message = "the alias must target the custom domain's regional name"
  }
}

run "custom_domain_without_a_zone_writes_no_record" {
  command = plan

  variables {
    custom_domain = {
      domain_name     = "api.artificien.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    }
  }

  assert {
    condition     = length(aws_route53_record.this) == 0
    error_message = "without a zone the DNS is managed elsewhere: no record"
  }
}

run "url_ttl_is_bounded" {
  command = plan

  variables {
    url_ttl_seconds = 30
  }

  expect_failures = [var.url_ttl_seconds]
}

run "issuer_must_be_a_cognito_user_pool" {
  command = plan

  variables {
    cognito = {
      user_pool_endpoint = "evil.example.com/us-east-1_AbCdEfGhI"
      client_ids         = ["4h5j6k7l8m9n0p1q2r3s4t5u6v"]
    }
  }

  expect_failures = [var.cognito]
}

run "audience_is_required" {
  command = plan

  variables {
    cognito = {
      user_pool_endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
      client_ids         = []
    }
  }

  expect_failures = [var.cognito]
}

run "wildcard_or_plain_http_origins_are_rejected" {
  command = plan

  variables {
    cors_allowed_origins = ["*", "http://artificien.example.com"]
  }

  expect_failures = [var.cors_allowed_origins]
}

run "bucket_arn_must_match_its_name" {
  command = plan

  variables {
    models_bucket = {
      name = "artificien-test-models-111122223333"
      arn  = "arn:aws:s3:::someone-elses-bucket"
    }
  }

  expect_failures = [var.models_bucket]
}
