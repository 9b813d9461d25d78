mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/artificien-dev-pygrid-db-monitoring" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-dev/pygrid-database/pygrid-XyZ123" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/artificien-dev-pygrid_db_role" }
  }
  mock_resource "aws_rds_cluster" {
    defaults = {
      master_user_secret = [{
        secret_arn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-0000-AbCdEf"
        secret_status = "active"
        kms_key_id    = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
      }]
    }
  }
}

variables {
  name               = "artificien-dev"
  account_id         = "123456789012"
  region             = "us-east-1"
  kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  vpc_id             = "vpc-0123456789abcdef0"
  private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
  role = {
    package = { filename = "../build/lambdas/pygrid_db_role.zip", source_code_hash = "c2hhMjU2LW9mLXRoZS16aXA=" }
    layers  = ["arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27"]
  }
}

# Distinct ids, so that an assertion on which group a rule references cannot pass by accident.
override_resource {
  target = aws_security_group.this
  values = { id = "sg-0d0000000000000d1" }
}

override_resource {
  target = aws_security_group.role_function
  values = { id = "sg-0f0000000000000f2" }
}

# The engine version RDS moves on its own: auto minor upgrades must never show as a diff (a plan
# that tries to go back fails at apply: RDS cannot downgrade), while the major stays pinned.

run "created_with_the_configured_version" {
  command = apply

  variables {
    # What the state holds after AWS upgraded the cluster in its maintenance window.
    database = { engine_version = "16.8" }
  }

  assert {
    condition     = aws_rds_cluster.this.engine_version == "16.8" && aws_rds_cluster_parameter_group.this.family == "aurora-postgresql16"
    error_message = "the cluster is created with the configured version and a parameter group of its major"
  }
}

run "a_newer_minor_in_the_state_is_not_a_diff" {
  command = plan

  # The configuration still names 16.6 (the default) while the cluster already runs 16.8.
  assert {
    condition     = aws_rds_cluster.this.engine_version == "16.8"
    error_message = "the plan must keep the cluster's own minor version, never try to downgrade it"
  }
  assert {
    condition     = aws_rds_cluster_parameter_group.this.family == "aurora-postgresql16"
    error_message = "the same major keeps the same parameter group family"
  }
}

run "a_major_change_fails_the_plan" {
  command = plan

  variables {
    database = { engine_version = "17.4" }
  }

  expect_failures = [aws_rds_cluster.this]
}
