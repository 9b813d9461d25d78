mock_provider "aws" {}

variables {
  name       = "artificien-test"
  account_id = "123456789012"
  region     = "us-east-1"
  tags       = { project = "artificien" }
}

run "key_rotates_and_policy_is_scoped" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "key rotation must be on"
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/artificien-test"
    error_message = "alias must be alias/<name>"
  }

  assert {
    condition     = jsondecode(aws_kms_key.this.policy).Statement[0].Principal.AWS == "arn:aws:iam::123456789012:root"
    error_message = "only this account may administer the key"
  }

  assert {
    condition     = jsondecode(aws_kms_key.this.policy).Statement[1].Principal.Service == "logs.us-east-1.amazonaws.com"
    error_message = "CloudWatch Logs of the key's region must be allowed"
  }

  assert {
    condition     = strcontains(jsonencode(jsondecode(aws_kms_key.this.policy).Statement[1].Condition), "arn:aws:logs:us-east-1:123456789012:log-group:*")
    error_message = "the logs statement must be scoped to this account's log groups"
  }
}

run "rejects_bad_account" {
  command = plan

  variables {
    account_id = "12345"
  }

  expect_failures = [var.account_id]
}
