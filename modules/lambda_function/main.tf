locals {
  create_dead_letter_queue = var.dead_letter_target_arn == null
  dead_letter_target_arn   = local.create_dead_letter_queue ? aws_sqs_queue.dead_letter[0].arn : var.dead_letter_target_arn
  dead_letter_is_topic     = !local.create_dead_letter_queue && startswith(split(":", coalesce(var.dead_letter_target_arn, "arn:aws:sqs"))[2], "sns")

  # IAM JSON wants one Condition object keyed by operator, then by context key; several
  # entries with the same operator are merged. An empty Condition is left out altogether.
  caller_statements = [
    for s in var.policy_statements : merge(
      {
        Sid      = s.sid
        Effect   = s.effect
        Action   = s.actions
        Resource = s.resources
      },
      [
        for _ in range(length(s.conditions) > 0 ? 1 : 0) : {
          Condition = {
            for test in distinct([for c in s.conditions : c.test]) : test => {
              for c in s.conditions : c.variable => c.values if c.test == test
            }
          }
        }
      ]...
    )
  ]
}

resource "aws_lambda_function" "this" {
  # checkov:skip=CKV_AWS_117: the platform's functions only call regional AWS APIs (DynamoDB, S3) over TLS and reach nothing inside the VPC; attaching them would need NAT or one interface endpoint per service for no isolation gain.
  # checkov:skip=CKV_AWS_115: a reservation is the env's choice (root lambda_reserved_concurrency): a new account's Lambda quota can be as low as 10 and Lambda keeps 100 unreserved, so a reservation by default fails the first apply; each function is still bounded by its trigger (stream shards, the API stage's throttling, Cognito's sign-ups).
  # checkov:skip=CKV_AWS_272: packages are built reproducibly by `artificien-infra package` and pinned by source_code_hash in the plan; AWS Signer is not available in the local emulator every change is tested against.
  function_name                  = var.function_name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  filename                       = var.package.filename
  source_code_hash               = var.package.source_code_hash
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn
  layers                         = var.layers

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [var.environment_variables] : []

    content {
      variables = environment.value
    }
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = local.dead_letter_target_arn
  }

  tags = var.tags

  # Lambda checks at creation that the role may write to the DLQ, and the first invocation
  # must find the encrypted log group (not an unencrypted one Lambda would create itself).
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.runtime,
  ]
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_sqs_queue" "dead_letter" {
  count = local.create_dead_letter_queue ? 1 : 0

  name                              = "${var.function_name}-dlq"
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600

  tags = var.tags
}

# TLS only: a DLQ message holds the whole invocation event.
resource "aws_sqs_queue_policy" "dead_letter" {
  count = local.create_dead_letter_queue ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.dead_letter[0].arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
