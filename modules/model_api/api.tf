resource "aws_apigatewayv2_api" "this" {
  name          = local.api_name
  description   = "Artificien model API: list your models, download trained weights."
  protocol_type = "HTTP"

  # With a custom domain, the default execute-api URL would be a second, unmonitored way in.
  disable_execute_api_endpoint = var.custom_domain != null

  dynamic "cors_configuration" {
    for_each = length(var.cors_allowed_origins) > 0 ? [var.cors_allowed_origins] : []

    content {
      allow_origins = cors_configuration.value
      allow_methods = var.cors_allowed_methods
      allow_headers = ["authorization", "content-type"]
      max_age       = 3600
    }
  }

  tags = var.tags
}

# Tokens must be issued by the platform's user pool to one of the given clients (aud of an ID
# token, client_id of an access token); API Gateway checks signature, expiry, issuer, audience.
resource "aws_apigatewayv2_authorizer" "this" {
  api_id           = aws_apigatewayv2_api.this.id
  name             = "cognito"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = "https://${var.cognito.user_pool_endpoint}"
    audience = var.cognito.client_ids
  }
}

resource "aws_apigatewayv2_integration" "this" {
  api_id                 = aws_apigatewayv2_api.this.id
  description            = "The model API function."
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = module.function.function_invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 12000
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.this.id
  target             = "integrations/${aws_apigatewayv2_integration.this.id}"
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${local.api_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit    = var.throttling_rate_limit
    throttling_burst_limit   = var.throttling_burst_limit
    detailed_metrics_enabled = true
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    # No Authorization header or token in the log: only who (sub), what and the outcome.
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      sourceIp           = "$context.identity.sourceIp"
      httpMethod         = "$context.httpMethod"
      routeKey           = "$context.routeKey"
      path               = "$context.path"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      integrationStatus  = "$context.integrationStatus"
      integrationError   = "$context.integrationErrorMessage"
      authorizerError    = "$context.authorizer.error"
      user               = "$context.authorizer.claims.sub"
      integrationLatency = "$context.integrationLatency"
    })
  }

  tags = var.tags
}

# API Gateway may invoke the function only for this API's two routes.
resource "aws_lambda_permission" "api" {
  for_each = local.routes

  statement_id  = each.value.statement_id
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/${each.value.source_path}"
}

resource "aws_apigatewayv2_domain_name" "this" {
  count = var.custom_domain != null ? 1 : 0

  domain_name = var.custom_domain.domain_name

  domain_name_configuration {
    certificate_arn = var.custom_domain.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = var.tags
}

resource "aws_apigatewayv2_api_mapping" "this" {
  count = var.custom_domain != null ? 1 : 0

  api_id      = aws_apigatewayv2_api.this.id
  domain_name = aws_apigatewayv2_domain_name.this[0].id
  stage       = aws_apigatewayv2_stage.this.id
}

# api.<domain> -> the regional domain name API Gateway gives the custom domain.
resource "aws_route53_record" "this" {
  count = var.custom_domain == null ? 0 : (
    var.custom_domain.dns_record_enabled != null ? var.custom_domain.dns_record_enabled : var.custom_domain.route53_zone_id != null
  ) ? 1 : 0

  zone_id = var.custom_domain.route53_zone_id
  name    = aws_apigatewayv2_domain_name.this[0].domain_name
  type    = "A"

  alias {
    name                   = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    zone_id                = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
    evaluate_target_health = false
  }
}
