locals {
  # Only the local env talks to the emulator; a null endpoint means "the real AWS endpoint".
  emulated = var.aws_endpoint_url != null
  endpoint = var.aws_endpoint_url
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

  endpoints {
    acm             = local.endpoint
    amplify         = local.endpoint
    apigatewayv2    = local.endpoint
    cloudwatch      = local.endpoint
    cloudwatchlogs  = local.endpoint
    cognitoidentity = local.endpoint
    cognitoidp      = local.endpoint
    dynamodb        = local.endpoint
    ec2             = local.endpoint
    ecr             = local.endpoint
    ecs             = local.endpoint
    elbv2           = local.endpoint
    events          = local.endpoint
    iam             = local.endpoint
    kms             = local.endpoint
    lambda          = local.endpoint
    rds             = local.endpoint
    route53         = local.endpoint
    s3              = local.endpoint
    secretsmanager  = local.endpoint
    sns             = local.endpoint
    sqs             = local.endpoint
    ssm             = local.endpoint
    sts             = local.endpoint
    wafv2           = local.endpoint
  }

  default_tags {
    tags = local.tags
  }
}
