# S3 tells this queue about every object created, overwritten or deleted in the sample-data and
# tutorials buckets; the notebook sync agent (agents/notebook_sync) long-polls it and copies the
# objects into the notebook folders within seconds.
#
# The bucket notifications live here, next to the queue they feed, rather than in the storage
# module: the queue policy must name the buckets and the notifications must name the queue, so
# keeping both in one module avoids a cycle, and the storage module stays unaware of its readers.
# A bucket has exactly one notification configuration: a future reader of these buckets' events
# is added here (or the events fan out through SNS), never in a second configuration elsewhere.

locals {
  # Encrypted with SQS-managed keys (SSE-SQS), not the platform key: S3 can only publish to a
  # queue encrypted with a customer key when that key's policy lets s3.amazonaws.com use it, and
  # the platform key's policy names no such service (modules/kms). The messages hold object keys
  # (dataset names, which the public catalogue lists anyway) and no data.
  # https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
  queue_name = "${var.name}-notebook-sync"
}

resource "aws_sqs_queue" "this" {
  name                    = local.queue_name
  sqs_managed_sse_enabled = true
  # Long polling by default: a receive waits up to 20 s for a message instead of returning empty.
  receive_wait_time_seconds = 20
  # Longer than the agent needs to download and rename one object; a message it could not apply
  # comes back after this and is retried.
  visibility_timeout_seconds = var.visibility_timeout_seconds
  # The hourly reconcile covers anything older, so a day is plenty.
  message_retention_seconds = var.message_retention_seconds

  tags = var.tags
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "S3NotificationsFromTheSharedBuckets"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.this.arn
        Condition = {
          ArnEquals    = { "aws:SourceArn" = [for bucket in var.buckets : bucket.arn] }
          StringEquals = { "aws:SourceAccount" = var.account_id }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = aws_sqs_queue.this.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_s3_bucket_notification" "this" {
  for_each = var.buckets

  bucket = each.value.name

  queue {
    id        = "notebook-sync"
    queue_arn = aws_sqs_queue.this.arn
    # Every way an object appears, changes or goes: Put/Post/Copy/CompleteMultipartUpload, and
    # Delete/DeleteMarkerCreated (the buckets are versioned).
    events = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
  }

  # S3 checks that it may send to the queue when the configuration is written.
  depends_on = [aws_sqs_queue_policy.this]
}
