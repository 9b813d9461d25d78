mock_provider "aws" {
  mock_data "aws_elb_service_account" {
    defaults = {
      arn = "arn:aws:iam::127311923021:root"
    }
  }
}

variables {
  name        = "artificien-test"
  account_id  = "111122223333"
  region      = "us-east-1"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  tags        = { project = "artificien", environment = "test" }
}

run "buckets_are_named_per_env_and_account" {
  command = plan

  assert {
    condition = { for k, b in aws_s3_bucket.this : k => b.bucket } == {
      sample_data = "artificien-test-sample-data-111122223333"
      tutorials   = "artificien-test-tutorials-111122223333"
      models      = "artificien-test-models-111122223333"
    }
    error_message = "data bucket names must be <name>-<purpose>-<account>"
  }
  assert {
    condition     = aws_s3_bucket.logs.bucket == "artificien-test-logs-111122223333"
    error_message = "logs bucket name wrong"
  }
  assert {
    condition     = alltrue([for b in aws_s3_bucket.this : !b.force_destroy]) && !aws_s3_bucket.logs.force_destroy
    error_message = "force_destroy must default to false"
  }
  assert {
    condition     = alltrue([for b in concat(values(aws_s3_bucket.this), [aws_s3_bucket.logs]) : b.tags["environment"] == "test"])
    error_message = "tags must be applied to every bucket"
  }
}

run "buckets_are_private_encrypted_and_versioned" {
  command = plan

  assert {
    condition = alltrue([
      for p in concat(values(aws_s3_bucket_public_access_block.this), [aws_s3_bucket_public_access_block.logs]) :
      p.block_public_acls && p.block_public_policy && p.ignore_public_acls && p.restrict_public_buckets
    ])
    error_message = "every bucket must block all public access"
  }
  assert {
    condition = alltrue([
      for o in concat(values(aws_s3_bucket_ownership_controls.this), [aws_s3_bucket_ownership_controls.logs]) :
      one(o.rule).object_ownership == "BucketOwnerEnforced"
    ])
    error_message = "ACLs must be disabled (BucketOwnerEnforced) on every bucket"
  }
  assert {
    condition = alltrue([
      for e in aws_s3_bucket_server_side_encryption_configuration.this : (
        one(one(e.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
        one(one(e.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn &&
        one(e.rule).bucket_key_enabled
      )
    ])
    error_message = "data buckets must be encrypted with the platform KMS key"
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.logs.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "the logs bucket must use SSE-S3 (ALB and S3 log delivery cannot use a KMS key)"
  }
  assert {
    condition = alltrue([
      for v in concat(values(aws_s3_bucket_versioning.this), [aws_s3_bucket_versioning.logs]) :
      one(v.versioning_configuration).status == "Enabled"
    ])
    error_message = "every bucket must be versioned"
  }
}

run "lifecycle_aborts_uploads_and_expires_versions" {
  command = plan

  variables {
    noncurrent_version_expiration_days = 45
    log_expiration_days                = 90
  }

  assert {
    condition = alltrue([
      for l in aws_s3_bucket_lifecycle_configuration.this : (
        one(l.rule).status == "Enabled" &&
        one(one(l.rule).abort_incomplete_multipart_upload).days_after_initiation == 1 &&
        one(one(l.rule).noncurrent_version_expiration).noncurrent_days == 45
      )
    ])
    error_message = "data buckets must abort stale multipart uploads and expire old versions"
  }
  assert {
    condition = (
      one(one(aws_s3_bucket_lifecycle_configuration.logs.rule).expiration).days == 90 &&
      one(one(aws_s3_bucket_lifecycle_configuration.logs.rule).abort_incomplete_multipart_upload).days_after_initiation == 1
    )
    error_message = "logs must expire after log_expiration_days"
  }
}

run "policies_enforce_tls_and_scope_log_delivery" {
  command = apply

  assert {
    condition = alltrue([
      for k, p in aws_s3_bucket_policy.this : (
        one([for s in jsondecode(p.policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Effect == "Deny" &&
        one([for s in jsondecode(p.policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Principal == "*" &&
        one([for s in jsondecode(p.policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Action == "s3:*" &&
        one([for s in jsondecode(p.policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Condition.Bool["aws:SecureTransport"] == "false" &&
        toset(one([for s in jsondecode(p.policy).Statement : s if s.Sid == "DenyInsecureTransport"]).Resource) == toset([aws_s3_bucket.this[k].arn, "${aws_s3_bucket.this[k].arn}/*"])
      )
    ])
    error_message = "every data bucket must deny requests without TLS"
  }
  assert {
    condition = alltrue([
      for p in aws_s3_bucket_policy.this : alltrue([for s in jsondecode(p.policy).Statement : s.Effect == "Deny"])
    ])
    error_message = "data bucket policies must grant nothing: consumers grant their own access"
  }
  assert {
    condition = length([
      for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s if startswith(s.Sid, "S3ServerAccessLogs")
      ]) == 3 && alltrue([
      for k, b in aws_s3_bucket.this : length([
        for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s
        if startswith(s.Sid, "S3ServerAccessLogs") &&
        try(s.Condition.ArnLike["aws:SourceArn"], "") == b.arn &&
        try(s.Condition.StringEquals["aws:SourceAccount"], "") == "111122223333" &&
        s.Resource == "${aws_s3_bucket.logs.arn}/s3/${b.id}/*" &&
        s.Action == "s3:PutObject" &&
        try(s.Principal.Service, "") == "logging.s3.amazonaws.com"
      ]) == 1
    ])
    error_message = "each bucket may only write its access logs under s3/<its name>/, from this account"
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement :
      s.Resource == ["${aws_s3_bucket.logs.arn}/alb/AWSLogs/111122223333/*", "${aws_s3_bucket.logs.arn}/alb/*/AWSLogs/111122223333/*"] && s.Action == "s3:PutObject"
      if startswith(s.Sid, "AlbAccessLogs")
    ]) && length([for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s if startswith(s.Sid, "AlbAccessLogs")]) == 2
    error_message = "ALB log delivery must be limited to PutObject under alb/[<balancer>/]AWSLogs/<account>/"
  }
  assert {
    condition = alltrue([
      for k, l in aws_s3_bucket_logging.this :
      l.target_bucket == aws_s3_bucket.logs.id && l.target_prefix == "s3/${aws_s3_bucket.this[k].id}/"
    ])
    error_message = "every data bucket must log its access to the logs bucket under s3/<bucket>/"
  }
  assert {
    condition     = output.sample_data_bucket_name == aws_s3_bucket.this["sample_data"].id && output.logs_bucket_arn == aws_s3_bucket.logs.arn
    error_message = "outputs must expose the bucket names and ARNs"
  }
}

run "force_destroy_for_throwaway_envs" {
  command = plan

  variables {
    force_destroy = true
  }

  assert {
    condition     = alltrue([for b in aws_s3_bucket.this : b.force_destroy]) && aws_s3_bucket.logs.force_destroy
    error_message = "force_destroy must reach every bucket"
  }
}

run "rejects_bad_names" {
  command = plan

  variables {
    name       = "Artificien_Test"
    account_id = "12345"
    region     = "us-east-1a"
  }

  expect_failures = [var.name, var.account_id, var.region]
}
