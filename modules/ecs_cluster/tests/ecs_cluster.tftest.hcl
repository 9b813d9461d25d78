mock_provider "aws" {}

variables {
  name        = "artificien-dev"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
}

run "cluster_has_container_insights_and_audited_exec" {
  command = plan

  assert {
    condition     = one([for s in aws_ecs_cluster.this.setting : s.value if s.name == "containerInsights"]) == "enabled"
    error_message = "Container Insights must be on"
  }

  assert {
    condition     = aws_ecs_cluster.this.configuration[0].execute_command_configuration[0].kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.exec.kms_key_id == var.kms_key_arn
    error_message = "ECS Exec sessions and their audit log must use the platform key"
  }
}

run "fargate_capacity_and_owned_exec_log_group" {
  command = plan

  assert {
    condition     = aws_ecs_cluster_capacity_providers.this.capacity_providers == toset(["FARGATE", "FARGATE_SPOT"]) && one(aws_ecs_cluster_capacity_providers.this.default_capacity_provider_strategy).capacity_provider == "FARGATE"
    error_message = "the cluster offers Fargate and Fargate Spot, Fargate by default"
  }

  assert {
    condition     = aws_cloudwatch_log_group.exec.name == "/aws/ecs/artificien-dev/exec" && aws_cloudwatch_log_group.exec.retention_in_days == 365 && aws_ecs_cluster.this.name == "artificien-dev"
    error_message = "the exec audit log group is named after the cluster and kept a year"
  }
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "Artificien_Dev"
  }

  expect_failures = [var.name]
}

run "rejects_unknown_insights_level_and_retention" {
  command = plan

  variables {
    container_insights = "disabled"
    log_retention_days = 42
  }

  expect_failures = [var.container_insights, var.log_retention_days]
}
