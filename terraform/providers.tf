locals {
  # Only the local env (and a rehearsal) talks to the emulator; null means the real AWS.
  emulated = var.aws_endpoint_url != null
}

provider "aws" {
  region = var.aws_region

  # Against the emulator: no real credentials or account to check, path-style S3, and fail fast:
  # with the default retries an API the emulator lacks makes apply hang for many minutes.
  # The account id is still requested (the emulator answers STS): without it the provider
  # prefixes referenced security-group ids and every local re-plan shows a diff.
  skip_credentials_validation = local.emulated
  skip_metadata_api_check     = local.emulated
  skip_region_validation      = local.emulated
  s3_use_path_style           = local.emulated
  # A few retries ride out a dropped loopback connection without hanging on a missing API.
  max_retries = local.emulated ? 3 : null

  # Where the emulator is, the wrapper tells the provider through the SDK's own AWS_ENDPOINT_URL,
  # for every service (Terraform.environment in core/terraform.py), not through an endpoints {}
  # block: the block alone, even holding nulls, cost 2.6 s of CPU in each provider process that
  # validates this configuration (a plan of the local env: 24.5 s of CPU with it, 17.9 s without).

  default_tags {
    tags = local.tags
  }
}
