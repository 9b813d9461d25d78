# The access-log bucket. S3 server access logs and ALB access logs can only be delivered to a
# bucket whose default encryption is SSE-S3 (neither service can use a customer KMS key), so this
# one bucket is AES256-encrypted; it holds request metadata, never platform data.
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html

# The region's Elastic Load Balancing account (regions opened before August 2022 deliver as it).
data "aws_elb_service_account" "this" {
  region = var.region
}

resource "aws_s3_bucket" "logs" {
  # checkov:skip=CKV_AWS_145: ALB and S3 server access log delivery only work with SSE-S3 (AES256) default encryption, not a customer KMS key (see the links above).
  # checkov:skip=CKV_AWS_18: this is the access-log target; logging it into itself would log every log delivery, and into another bucket would need a second, equally unlogged bucket.
  # checkov:skip=CKV_AWS_144: access logs are kept for investigation, not recovery; a second-region copy adds cost and no protection the versioning does not give.
  # checkov:skip=CKV2_AWS_62: nothing reacts to log deliveries; logs are read on demand.
  bucket        = "${var.name}-logs-${var.account_id}"
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-logs"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }

    expiration {
      days = var.log_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }

  depends_on = [aws_s3_bucket_versioning.logs]
}

locals {
  # One statement per source bucket: each may write its logs only under s3/<its name>/.
  # These come first: moto's PutBucketLogging check (5.2) walks the statements in order and
  # fails on a string Principal such as the Deny's "*" before reaching a matching statement.
  server_access_log_statements = [
    for key, bucket in aws_s3_bucket.this : {
      Sid       = "S3ServerAccessLogs${replace(title(replace(key, "_", " ")), " ", "")}"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.logs.arn}/s3/${bucket.id}/*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnLike      = { "aws:SourceArn" = bucket.arn }
      }
    }
  ]
}

locals {
  # A load balancer writes <prefix>/AWSLogs/<account>/...: under alb/ itself, or under one
  # sub-prefix per balancer (alb/orchestration, alb/nodes).
  alb_log_objects = [
    "${aws_s3_bucket.logs.arn}/alb/AWSLogs/${var.account_id}/*",
    "${aws_s3_bucket.logs.arn}/alb/*/AWSLogs/${var.account_id}/*",
  ]
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(local.server_access_log_statements, [
      {
        Sid       = "AlbAccessLogsRegionalAccount"
        Effect    = "Allow"
        Principal = { AWS = data.aws_elb_service_account.this.arn }
        Action    = "s3:PutObject"
        Resource  = local.alb_log_objects
      },
      {
        Sid       = "AlbAccessLogsDeliveryService"
        Effect    = "Allow"
        Principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = local.alb_log_objects
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ])
  })

  depends_on = [aws_s3_bucket_public_access_block.logs]
}
