# The AWS provider as every test file of this module sees it.
mock_data "aws_ssm_parameter" {
  defaults = {
    value = "ghp_token-from-ssm"
  }
}

mock_data "aws_secretsmanager_secret_version" {
  defaults = {
    secret_string = "ghp_token-from-secrets-manager"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/artificien-dev-amplify"
  }
}

mock_resource "aws_amplify_app" {
  defaults = {
    id             = "d1a2b3c4d5e6f7"
    arn            = "arn:aws:amplify:us-east-1:123456789012:apps/d1a2b3c4d5e6f7"
    default_domain = "d1a2b3c4d5e6f7.amplifyapp.com"
  }
}
