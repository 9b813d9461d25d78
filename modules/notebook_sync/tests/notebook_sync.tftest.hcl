mock_provider "aws" {
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:111122223333:artificien-test-notebook-sync"
      id  = "https://sqs.us-east-1.amazonaws.com/111122223333/artificien-test-notebook-sync"
    }
  }
}

variables {
  name       = "artificien-test"
  account_id = "111122223333"
  buckets = {
    sample_data = {
      name = "artificien-test-sample-data-111122223333"
      arn  = "arn:aws:s3:::artificien-test-sample-data-111122223333"
    }
    tutorials = {
      name = "artificien-test-tutorials-111122223333"
      arn  = "arn:aws:s3:::artificien-test-tutorials-111122223333"
    }
  }
  tags = { project = "artificien", environment = "test" }
}

run "queue_is_encrypted_and_long_polled" {
  command = apply

  assert {
    condition     = aws_sqs_queue.this.name == "artificien-test-notebook-sync" && aws_sqs_queue.this.sqs_managed_sse_enabled
    error_message = "The queue is <name>-notebook-sync, encrypted at rest (SSE-SQS)."
  }

  assert {
    condition     = aws_sqs_queue.this.receive_wait_time_seconds == 20 && aws_sqs_queue.this.visibility_timeout_seconds == 60 && aws_sqs_queue.this.message_retention_seconds == 86400
    error_message = "Long polling (20 s), a 60 s retry delay and one day of retention by default."
  }

  assert {
    condition     = aws_sqs_queue.this.tags["environment"] == "test"
    error_message = "The queue carries the module's tags."
  }

  assert {
    condition     = output.queue_url == aws_sqs_queue.this.id && output.queue_arn == aws_sqs_queue.this.arn
    error_message = "The outputs name the queue."
  }
}

run "only_s3_of_this_account_and_these_buckets_may_send" {
  command = apply

  assert {
    condition     = [for s in jsondecode(aws_sqs_queue_policy.this.policy).Statement : s.Sid] == ["S3NotificationsFromTheSharedBuckets", "DenyInsecureTransport"]
    error_message = "The queue policy has exactly the S3 grant and the TLS deny."
  }

  assert {
    condition = one([for s in jsondecode(aws_sqs_queue_policy.this.policy).Statement : s if s.Sid == "S3NotificationsFromTheSharedBuckets"]) == {
      Sid       = "S3NotificationsFromTheSharedBuckets"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:us-east-1:111122223333:artificien-test-notebook-sync"
      Condition = {
        ArnEquals    = { "aws:SourceArn" = ["arn:aws:s3:::artificien-test-sample-data-111122223333", "arn:aws:s3:::artificien-test-tutorials-111122223333"] }
        StringEquals = { "aws:SourceAccount" = "111122223333" }
      }
    }
    error_message = "Only S3, for the two buckets of this account, may send; nothing but SendMessage."
  }

  assert {
    condition     = one([for s in jsondecode(aws_sqs_queue_policy.this.policy).Statement : s.Condition.Bool["aws:SecureTransport"] if s.Sid == "DenyInsecureTransport"]) == "false" && one([for s in jsondecode(aws_sqs_queue_policy.this.policy).Statement : s.Effect if s.Sid == "DenyInsecureTransport"]) == "Deny"
    error_message = "Requests without TLS are denied."
  }
}

run "both_buckets_notify_every_create_and_remove" {
  command = apply

  assert {
    condition     = keys(aws_s3_bucket_notification.this) == ["sample_data", "tutorials"]
    error_message = "Each bucket gets one notification configuration."
  }

  assert {
    condition = alltrue([
      for key, n in aws_s3_bucket_notification.this :
      n.bucket == var.buckets[key].name && length(n.queue) == 1 && one(n.queue).queue_arn == aws_sqs_queue.this.arn && toset(one(n.queue).events) == toset(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]) && one(n.queue).filter_prefix == null && one(n.queue).filter_suffix == null
    ])
    error_message = "Every object created, overwritten or removed (no prefix or suffix filter) must reach the queue."
  }

  assert {
    condition     = length(aws_s3_bucket_notification.this["tutorials"].lambda_function) == 0 && length(aws_s3_bucket_notification.this["tutorials"].topic) == 0
    error_message = "The queue is the only destination."
  }

  assert {
    condition     = output.notified_buckets == tolist(["artificien-test-sample-data-111122223333", "artificien-test-tutorials-111122223333"])
    error_message = "The output lists the notified buckets."
  }
}

run "rejects_a_bucket_arn_of_another_bucket" {
  command = plan

  variables {
    buckets = {
      sample_data = {
        name = "artificien-test-sample-data-111122223333"
        arn  = "arn:aws:s3:::someone-elses-bucket"
      }
    }
  }

  expect_failures = [var.buckets]
}

run "rejects_no_bucket" {
  command = plan

  variables {
    buckets = {}
  }

  expect_failures = [var.buckets]
}

run "rejects_a_retention_shorter_than_the_reconcile" {
  command = plan

  variables {
    message_retention_seconds = 600
  }

  expect_failures = [var.message_retention_seconds]
}

run "rejects_a_bad_account" {
  command = plan

  variables {
    account_id = "12345"
  }

  expect_failures = [var.account_id]
}
