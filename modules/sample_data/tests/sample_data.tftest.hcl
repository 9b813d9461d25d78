mock_provider "aws" {
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:111122223333:artificien-test-sample_data-failures"
      id  = "https://sqs.us-east-1.amazonaws.com/111122223333/artificien-test-sample_data-failures"
      url = "https://sqs.us-east-1.amazonaws.com/111122223333/artificien-test-sample_data-failures"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-east-1:111122223333:function:artificien-test-sample_data"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/artificien-test-sample_data"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/artificien-test-sample_data"
    }
  }
}

variables {
  region     = "us-east-1"
  account_id = "111122223333"
  name       = "artificien-test"
  package = {
    filename         = "build/lambdas/sample_data.zip"
    source_code_hash = "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc="
  }
  kms_key_arn              = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  dataset_table_name       = "test-dataset_table"
  dataset_table_stream_arn = "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/stream/2024-01-01T00:00:00.000"
  sample_data_bucket_name  = "artificien-test-sample-data-111122223333"
  sample_data_bucket_arn   = "arn:aws:s3:::artificien-test-sample-data-111122223333"
  tags                     = { project = "artificien", environment = "test" }
}

run "mapping_filters_inserts_and_isolates_failures" {
  command = apply

  assert {
    condition     = aws_lambda_event_source_mapping.this.event_source_arn == var.dataset_table_stream_arn
    error_message = "the mapping must read the dataset table's stream"
  }
  assert {
    condition     = jsondecode(one(one(aws_lambda_event_source_mapping.this.filter_criteria).filter).pattern) == { eventName = ["INSERT"] }
    error_message = "only INSERT records may invoke the function"
  }
  assert {
    condition     = output.event_filter_pattern == one(one(aws_lambda_event_source_mapping.this.filter_criteria).filter).pattern
    error_message = "the filter output must be the mapping's own pattern (the trigger runner applies it)"
  }
  assert {
    condition = (
      aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.this.bisect_batch_on_function_error &&
      aws_lambda_event_source_mapping.this.maximum_retry_attempts == 2 &&
      aws_lambda_event_source_mapping.this.maximum_record_age_in_seconds == 3600
    )
    error_message = "partial batch responses, bisect, few retries and a maximum record age are required"
  }
  assert {
    condition     = one(one(aws_lambda_event_source_mapping.this.destination_config).on_failure).destination_arn == aws_sqs_queue.failures.arn
    error_message = "records that keep failing must go to the failure queue"
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this.function_name == module.function.function_arn
    error_message = "the mapping must invoke the sample-data function"
  }
}

run "failure_queue_is_encrypted_and_tls_only" {
  command = apply

  assert {
    condition     = aws_sqs_queue.failures.kms_master_key_id == var.kms_key_arn
    error_message = "the failure queue must be encrypted with the platform key"
  }
  assert {
    condition     = local.failure_queue_arn == aws_sqs_queue.failures.arn && output.failure_queue_arn == aws_sqs_queue.failures.arn
    error_message = "the ARN given to the function as its dead-letter target must be the failure queue's"
  }
  assert {
    condition = (
      jsondecode(aws_sqs_queue_policy.failures.policy).Statement[0].Effect == "Deny" &&
      jsondecode(aws_sqs_queue_policy.failures.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    )
    error_message = "the failure queue must refuse requests without TLS"
  }
}

run "function_permissions_are_least_privilege" {
  command = plan

  assert {
    condition = (
      toset(one([for s in local.policy_statements : s if s.sid == "ReadDatasetStream"]).actions) ==
      toset(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"])
    )
    error_message = "stream statement must be read-only"
  }
  assert {
    condition = alltrue([
      for r in one([for s in local.policy_statements : s if s.sid == "ReadDatasetStream"]).resources :
      startswith(r, "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/stream/")
    ])
    error_message = "stream permissions must be limited to the dataset table's streams"
  }
  assert {
    condition = (
      one([for s in local.policy_statements : s if s.sid == "WriteSamples"]).resources == ["arn:aws:s3:::artificien-test-sample-data-111122223333/*.csv"] &&
      toset(one([for s in local.policy_statements : s if s.sid == "WriteSamples"]).actions) == toset(["s3:PutObject", "s3:AbortMultipartUpload"])
    )
    error_message = "the function may only write CSV objects in the sample-data bucket"
  }
  assert {
    condition = (
      one([for s in local.policy_statements : s if startswith(s.sid, "UsePlatformKey")]).resources == [var.kms_key_arn] &&
      toset(one(one([for s in local.policy_statements : s if startswith(s.sid, "UsePlatformKey")]).conditions).values) ==
      toset(["s3.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"])
    )
    error_message = "the key may only be used through S3 and DynamoDB"
  }
  assert {
    condition = alltrue(flatten([
      for s in local.policy_statements : [for r in s.resources : r != "*" && !strcontains(r, ":*:")]
    ]))
    error_message = "no statement may use a wildcard resource"
  }
  assert {
    condition     = length(flatten([for s in local.policy_statements : [for a in s.actions : a if endswith(a, "*")]])) == 0
    error_message = "no wildcard actions"
  }
}

run "function_environment_matches_the_contract" {
  command = apply

  variables {
    default_sample_rows = 500
    max_sample_rows     = 20000
    max_attributes      = 40
    max_sample_bytes    = 2097152
  }

  assert {
    condition = output.environment_variables == {
      DATASET_TABLE       = "test-dataset_table"
      SAMPLE_DATA_BUCKET  = "artificien-test-sample-data-111122223333"
      DEFAULT_SAMPLE_ROWS = "500"
      MAX_SAMPLE_ROWS     = "20000"
      MAX_ATTRIBUTES      = "40"
      MAX_SAMPLE_BYTES    = "2097152"
    }
    error_message = "the function's environment must carry the table, bucket, row and size limits"
  }
  assert {
    condition     = output.function_name == "artificien-test-sample_data"
    error_message = "function name must be <name>-sample_data"
  }
}

run "rejects_bad_inputs" {
  command = plan

  variables {
    dataset_table_stream_arn = "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table"
    max_sample_rows          = 0
    batch_size               = 1000
  }

  expect_failures = [var.dataset_table_stream_arn, var.max_sample_rows, var.batch_size]
}

run "limits_default_to_100_attributes_and_100_mib" {
  command = plan

  assert {
    condition     = local.environment_variables.MAX_ATTRIBUTES == "100" && local.environment_variables.MAX_SAMPLE_BYTES == "104857600"
    error_message = "the generator's defaults must be 100 attributes and 100 MiB per sample"
  }
}

run "rejects_limits_out_of_range" {
  command = plan

  variables {
    max_attributes   = 0
    max_sample_bytes = 1000
  }

  expect_failures = [var.max_attributes, var.max_sample_bytes]
}
