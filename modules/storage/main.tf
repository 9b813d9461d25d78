# Four private buckets: sample data (generated per dataset), tutorials, trained models, and the
# access logs of the other three and of the platform's load balancers. Consumers grant their own
# read/write access, scoped to prefixes; nothing here is public.

locals {
  # The data buckets share one configuration; the logs bucket differs (see logs.tf).
  buckets = {
    sample_data = "${var.name}-sample-data-${var.account_id}"
    tutorials   = "${var.name}-tutorials-${var.account_id}"
    models      = "${var.name}-models-${var.account_id}"
  }
}

resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_144: sample data is rebuilt from the dataset table and tutorials from their repository; trained models could only be rebuilt by training again on users' devices, an accepted risk for now: versioning covers overwrites and deletions, and a second-region copy of the models bucket is the follow-up when a region outage must not lose them.
  # checkov:skip=CKV2_AWS_62: the sample-data and tutorials buckets' event notifications are configured by modules/notebook_sync, next to the queue they feed (a per-module scan cannot see them); nothing reacts to the models bucket's events: models are fetched through presigned links.
  for_each = local.buckets

  bucket        = each.value
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = aws_s3_bucket.this

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # One data key per bucket instead of a KMS call per object.
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  rule {
    id     = "abort-incomplete-uploads-and-expire-old-versions"
    status = "Enabled"

    filter {}

    # The sample-data Lambda aborts a failed upload itself; this removes the parts of one whose
    # abort could not run (a timeout).
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  for_each = aws_s3_bucket.this

  bucket        = each.value.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3/${each.value.id}/"

  # S3 checks the logs bucket's policy when logging is switched on.
  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_s3_bucket_policy" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [each.value.arn, "${each.value.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutdatedTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [each.value.arn, "${each.value.arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
    ]
  })

  # A bucket policy written before the public access block could be refused as public.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
