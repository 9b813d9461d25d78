mock_provider "aws" {
  source = "./tests/mocks"
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
