# The sample-data generator: a Lambda on the dataset table's stream that writes one sample CSV
# per newly registered app. Records that keep failing land in an encrypted SQS queue instead of
# blocking the shard.

locals {
  partition     = split(":", var.kms_key_arn)[1]
  function_name = "${var.name}-sample_data"
  # Spelled out rather than read from the queue: modules/lambda_function decides at plan time
  # whether to create its own DLQ from whether this ARN is null, which an unknown value breaks.
  failure_queue_name = "${local.function_name}-failures"
  failure_queue_arn  = "arn:${local.partition}:sqs:${var.region}:${var.account_id}:${local.failure_queue_name}"
  # Everything the function's stream permissions may touch: the dataset table's streams.
  stream_arns = "${split("/stream/", var.dataset_table_stream_arn)[0]}/stream/*"

  environment_variables = {
    DATASET_TABLE       = var.dataset_table_name
    SAMPLE_DATA_BUCKET  = var.sample_data_bucket_name
    DEFAULT_SAMPLE_ROWS = tostring(var.default_sample_rows)
    MAX_SAMPLE_ROWS     = tostring(var.max_sample_rows)
    # The same limits the registration API holds a registration to; here they also cover items
    # an operator writes directly.
    MAX_ATTRIBUTES   = tostring(var.max_attributes)
    MAX_SAMPLE_BYTES = tostring(var.max_sample_bytes)
  }

  # Read the dataset stream, write only samples into the sample-data bucket, use the key through
  # those services; logs, X-Ray and the failure queue come from modules/lambda_function.
  policy_statements = [
    {
      sid       = "ReadDatasetStream"
      actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
      resources = [var.dataset_table_stream_arn, local.stream_arns]
    },
    {
      # Samples are <dataset_id>.csv at the top of the bucket; AbortMultipartUpload lets a failed
      # upload be cleaned up at once.
      sid       = "WriteSamples"
      actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
      resources = ["${var.sample_data_bucket_arn}/*.csv"]
    },
    {
      # SSE-KMS uploads need a data key (multipart ones also decrypt it); reading the stream of
      # the KMS-encrypted table needs decrypt. Only through those two services.
      sid       = "UsePlatformKeyForSamplesAndStream"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [var.kms_key_arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${var.region}.amazonaws.com", "dynamodb.${var.region}.amazonaws.com"]
      }]
    },
  ]

  # Only new datasets make a sample; the function ignores anything else too, but filtering here
  # means MODIFY/REMOVE records never even invoke it.
  event_filter_pattern = jsonencode({ eventName = ["INSERT"] })
}

# Receives the stream records that exhausted their retries (and failed async invocations).
resource "aws_sqs_queue" "failures" {
  name                              = local.failure_queue_name
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600

  tags = var.tags
}

resource "aws_sqs_queue_policy" "failures" {
  queue_url = aws_sqs_queue.failures.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.failures.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

module "function" {
  source = "../lambda_function"

  function_name                  = local.function_name
  description                    = "Writes the sample CSV of every new dataset to the sample-data bucket."
  handler                        = "sample_data.handler.handler"
  package                        = var.package
  layers                         = var.layers
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  environment_variables          = local.environment_variables
  region                         = var.region
  kms_key_arn                    = var.kms_key_arn
  log_retention_days             = var.log_retention_days
  reserved_concurrent_executions = var.reserved_concurrent_executions
  # The module grants the role sqs:SendMessage on this queue, which the stream mapping's
  # on-failure destination needs too.
  dead_letter_target_arn = local.failure_queue_arn

  policy_statements = local.policy_statements

  tags = var.tags

  # Lambda checks at creation that the role may send to the queue, so the queue must exist.
  depends_on = [aws_sqs_queue.failures]
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn  = var.dataset_table_stream_arn
  function_name     = module.function.function_arn
  starting_position = "TRIM_HORIZON"
  batch_size        = var.batch_size
  # One bad dataset fails alone: the function reports it, Lambda bisects a failing batch, retries a
  # few times, then sends the record's metadata to the queue and moves on.
  function_response_types        = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = var.maximum_retry_attempts
  maximum_record_age_in_seconds  = var.maximum_record_age_in_seconds

  filter_criteria {
    filter {
      pattern = local.event_filter_pattern
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failures.arn
    }
  }

  tags = var.tags
}
