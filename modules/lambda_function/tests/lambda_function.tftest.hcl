mock_provider "aws" {
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/artificien-test-sample_data"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:111122223333:artificien-test-sample_data-dlq"
      id  = "https://sqs.us-east-1.amazonaws.com/111122223333/artificien-test-sample_data-dlq"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/artificien-test-sample_data"
    }
  }
}

variables {
  region        = "us-east-1"
  function_name = "artificien-test-sample_data"
  description   = "Writes sample datasets"
  handler       = "sample_data.handler.handler"
  package = {
    filename         = "build/lambda/sample_data.zip"
    source_code_hash = "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc="
  }
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  environment_variables = {
    DATASET_TABLE = "test-dataset_table"
  }
  tags = { project = "artificien", environment = "test" }
}

run "defaults_are_hardened" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.12" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "default runtime/architecture must be python3.12 on arm64"
  }
  assert {
    condition     = aws_lambda_function.this.handler == "sample_data.handler.handler"
    error_message = "handler not passed through"
  }
  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "X-Ray tracing must be active"
  }
  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == null && aws_lambda_function.this.memory_size == 256 && aws_lambda_function.this.timeout == 30
    error_message = "default concurrency/memory/timeout wrong: nothing is reserved unless the caller asks (a new account's quota has no room for it)"
  }
  assert {
    condition     = aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "environment variables must be encrypted with the platform key"
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["DATASET_TABLE"] == "test-dataset_table"
    error_message = "environment variables not set"
  }
  assert {
    condition     = aws_lambda_function.this.source_code_hash == var.package.source_code_hash && aws_lambda_function.this.filename == var.package.filename
    error_message = "package not wired"
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/artificien-test-sample_data"
    error_message = "log group must be the function's default log group"
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
    error_message = "log group must keep a year and be encrypted with the platform key"
  }
  assert {
    condition     = length(aws_sqs_queue.dead_letter) == 1 && aws_sqs_queue.dead_letter[0].kms_master_key_id == var.kms_key_arn
    error_message = "the module must create an encrypted DLQ when none is given"
  }
  assert {
    condition     = aws_lambda_function.this.dead_letter_config[0].target_arn == aws_sqs_queue.dead_letter[0].arn
    error_message = "the function must use the module's DLQ"
  }
  assert {
    condition     = output.dead_letter_target_arn == aws_sqs_queue.dead_letter[0].arn
    error_message = "dead_letter_target_arn output wrong"
  }
  assert {
    condition     = jsondecode(aws_sqs_queue_policy.dead_letter[0].policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" && jsondecode(aws_sqs_queue_policy.dead_letter[0].policy).Statement[0].Effect == "Deny"
    error_message = "DLQ must deny non-TLS access"
  }
  assert {
    condition     = length(aws_iam_role_policy.function) == 0
    error_message = "no function policy may exist when no statements are passed"
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    error_message = "only Lambda may assume the role"
  }
  assert {
    condition     = length(coalesce(aws_lambda_function.this.layers, [])) == 0
    error_message = "no layer unless one is asked for"
  }
  assert {
    condition     = aws_lambda_function.this.tags["environment"] == "test" && aws_iam_role.this.tags["project"] == "artificien" && aws_cloudwatch_log_group.this.tags["environment"] == "test"
    error_message = "tags not applied"
  }
}

run "runtime_policy_is_scoped" {
  command = apply

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.runtime.policy).Statement : s.Sid] == [
      "WriteOwnLogs", "WriteTraces", "UsePlatformKeyViaServices", "SendToDeadLetterTarget",
    ]
    error_message = "runtime policy must hold exactly logs, X-Ray, KMS and DLQ statements"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.runtime.policy).Statement[0].Resource == "${aws_cloudwatch_log_group.this.arn}:*"
    error_message = "logs must be scoped to the function's own log group"
  }
  assert {
    condition     = toset(jsondecode(aws_iam_role_policy.runtime.policy).Statement[0].Action) == toset(["logs:CreateLogStream", "logs:PutLogEvents"])
    error_message = "log actions wrong"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.runtime.policy).Statement[2].Resource == var.kms_key_arn
    error_message = "KMS must be scoped to the platform key"
  }
  assert {
    condition     = contains(jsondecode(aws_iam_role_policy.runtime.policy).Statement[2].Condition.StringEquals["kms:ViaService"], "lambda.us-east-1.amazonaws.com")
    error_message = "KMS use must be limited to AWS services in the key's region"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.runtime.policy).Statement[3].Action == ["sqs:SendMessage"] && jsondecode(aws_iam_role_policy.runtime.policy).Statement[3].Resource == aws_sqs_queue.dead_letter[0].arn
    error_message = "DLQ permission must be SendMessage on the module's queue"
  }
}

run "caller_statements_are_added_exactly" {
  command = apply

  variables {
    policy_statements = [
      {
        sid       = "ReadStream"
        actions   = ["dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        resources = ["arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/stream/2024"]
      },
      {
        sid       = "WriteSamples"
        actions   = ["s3:PutObject"]
        resources = ["arn:aws:s3:::artificien-test-sample-data/*"]
        conditions = [
          { test = "StringEquals", variable = "s3:x-amz-server-side-encryption", values = ["aws:kms"] },
          { test = "StringEquals", variable = "aws:ResourceAccount", values = ["111122223333"] },
          { test = "Bool", variable = "aws:SecureTransport", values = ["true"] },
        ]
      },
    ]
  }

  assert {
    condition     = length(jsondecode(aws_iam_role_policy.function[0].policy).Statement) == 2
    error_message = "exactly the caller's statements must be added"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.function[0].policy).Statement[0].Effect == "Allow" && !contains(keys(jsondecode(aws_iam_role_policy.function[0].policy).Statement[0]), "Condition")
    error_message = "effect defaults to Allow and an empty condition list leaves Condition out"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.function[0].policy).Statement[0].Resource == ["arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/stream/2024"]
    error_message = "resources not passed through"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.function[0].policy).Statement[1].Condition == {
      StringEquals = {
        "s3:x-amz-server-side-encryption" = ["aws:kms"]
        "aws:ResourceAccount"             = ["111122223333"]
      }
      Bool = { "aws:SecureTransport" = ["true"] }
    }
    error_message = "conditions sharing an operator must be merged into one block"
  }
}

run "external_topic_as_dead_letter_target" {
  command = apply

  variables {
    dead_letter_target_arn = "arn:aws:sns:us-east-1:111122223333:failures"
    environment_variables  = {}
  }

  assert {
    condition     = length(aws_sqs_queue.dead_letter) == 0 && length(aws_sqs_queue_policy.dead_letter) == 0
    error_message = "no queue may be created when a target is given"
  }
  assert {
    condition     = aws_lambda_function.this.dead_letter_config[0].target_arn == "arn:aws:sns:us-east-1:111122223333:failures"
    error_message = "the given target must be used"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.runtime.policy).Statement[3].Action == ["sns:Publish"]
    error_message = "an SNS target needs sns:Publish, not sqs:SendMessage"
  }
  assert {
    condition     = length(aws_lambda_function.this.environment) == 0
    error_message = "no environment block when there are no variables"
  }
}

run "rejects_bad_function_name" {
  command = plan

  variables {
    function_name = "artificien test/fn"
  }

  expect_failures = [var.function_name]
}

run "rejects_unknown_architecture" {
  command = plan

  variables {
    architecture = "i386"
  }

  expect_failures = [var.architecture]
}

run "rejects_wildcard_action_and_duplicate_sids" {
  command = plan

  variables {
    policy_statements = [
      { sid = "Everything", actions = ["*"], resources = ["arn:aws:s3:::b"] },
      { sid = "Everything", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::b/*"] },
    ]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_alias_as_key" {
  command = plan

  variables {
    kms_key_arn = "alias/artificien"
  }

  expect_failures = [var.kms_key_arn]
}

run "layers_are_attached_in_order" {
  command = apply

  variables {
    layers = [
      "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27",
      "arn:aws:lambda:us-east-1:111122223333:layer:own-helpers:3",
    ]
  }

  assert {
    condition     = aws_lambda_function.this.layers == tolist(var.layers)
    error_message = "layers must be attached exactly as given, in order"
  }
}

run "rejects_a_layer_name_without_version" {
  command = plan

  variables {
    layers = ["arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64"]
  }

  expect_failures = [var.layers]
}

run "rejects_more_than_five_or_repeated_layers" {
  command = plan

  variables {
    layers = [for v in [1, 1] : "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:${v}"]
  }

  expect_failures = [var.layers]
}

run "reserves_concurrency_when_asked" {
  command = apply

  variables {
    reserved_concurrent_executions = 10
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 10
    error_message = "an explicit reservation must reach the function"
  }
}

run "rejects_a_zero_reservation" {
  command = plan

  variables {
    reserved_concurrent_executions = 0
  }

  expect_failures = [var.reserved_concurrent_executions]
}

run "rejects_a_fractional_reservation" {
  command = plan

  variables {
    reserved_concurrent_executions = 2.5
  }

  expect_failures = [var.reserved_concurrent_executions]
}
