resource "aws_iam_role" "this" {
  name        = var.function_name
  description = "Execution role of the ${var.function_name} Lambda function."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

# What every function needs to run: its own log group, X-Ray, its env vars' key, its DLQ.
resource "aws_iam_role_policy" "runtime" {
  name = "runtime"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this.arn}:*"
      },
      {
        # X-Ray's write actions support no resource-level permissions.
        Sid      = "WriteTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
      {
        # Decrypting the env vars (Lambda) and writing to the encrypted DLQ (SQS/SNS), only
        # through those services, never as a raw decrypt oracle for the function's code.
        Sid      = "UsePlatformKeyViaServices"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.kms_key_arn
        Condition = {
          StringEquals = {
            "kms:ViaService" = [
              "lambda.${var.region}.amazonaws.com",
              "sqs.${var.region}.amazonaws.com",
              "sns.${var.region}.amazonaws.com",
            ]
          }
        }
      },
      {
        Sid      = "SendToDeadLetterTarget"
        Effect   = "Allow"
        Action   = local.dead_letter_is_topic ? ["sns:Publish"] : ["sqs:SendMessage"]
        Resource = local.dead_letter_target_arn
      },
    ]
  })
}

resource "aws_iam_role_policy" "function" {
  count = length(var.policy_statements) > 0 ? 1 : 0

  name = "function"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.caller_statements
  })
}
