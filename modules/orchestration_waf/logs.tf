# WAF requires the aws-waf-logs- prefix on its log groups.
resource "aws_cloudwatch_log_group" "this" {
  count = var.enabled ? 1 : 0

  name              = "aws-waf-logs-${var.name}-orchestration"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# Log delivery writes the WAF logs; without a policy of our own, enabling logging makes WAF add
# its statement to a shared account-wide policy (AWSWAF-LOGS), which no plan shows and a destroy
# leaves behind. This one names only this group, for deliveries from this account and region.
resource "aws_cloudwatch_log_resource_policy" "this" {
  count = var.enabled ? 1 : 0

  policy_name = "${var.name}-orchestration-waf-logs"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "WafLogDelivery"
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = ["${aws_cloudwatch_log_group.this[0].arn}:log-stream:*"]
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnLike      = { "aws:SourceArn" = "${local.waf_logs_arn}:*" }
      }
    }]
  })
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  count = var.enabled ? 1 : 0

  resource_arn            = aws_wafv2_web_acl.this[0].arn
  log_destination_configs = [aws_cloudwatch_log_group.this[0].arn]

  # Never log the bearer tokens and API keys clients send (the iOS library and /info send the
  # app's key in an api_key header).
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  redacted_fields {
    single_header {
      name = "api_key"
    }
  }

  depends_on = [aws_cloudwatch_log_resource_policy.this]
}
