resource "aws_apigatewayv2_integration" "this" {
  api_id                 = var.api.id
  description            = "The registration API function."
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = module.function.function_invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 12000
}

# Both routes need the Cognito JWT: the owner of a registration and the buyer of a purchase are
# the token's user, never a field of the request.
resource "aws_apigatewayv2_route" "this" {
  for_each = local.routes

  api_id             = var.api.id
  route_key          = each.key
  authorization_type = "JWT"
  authorizer_id      = var.api.authorizer_id
  target             = "integrations/${aws_apigatewayv2_integration.this.id}"
}

# API Gateway may invoke the function only for these two routes.
resource "aws_lambda_permission" "api" {
  for_each = local.routes

  statement_id  = each.value.statement_id
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${var.api.execution_arn}/*/${each.value.source_path}"
}
