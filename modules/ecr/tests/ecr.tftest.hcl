mock_provider "aws" {
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:us-east-1:123456789012:repository/artificien-dev/mock"
      repository_url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/artificien-dev/mock"
    }
  }
}

variables {
  name        = "artificien-dev"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
}

run "repositories_are_immutable_scanned_and_encrypted" {
  command = plan

  assert {
    condition     = toset([for r in aws_ecr_repository.this : r.name]) == toset(["artificien-dev/orchestration", "artificien-dev/pygrid-node"])
    error_message = "one repository for each program the platform runs: <name>/orchestration and <name>/pygrid-node"
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_tag_mutability == "IMMUTABLE"])
    error_message = "tags must be immutable: a pinned task definition may never change image under it"
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_scanning_configuration[0].scan_on_push])
    error_message = "every push must be scanned"
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.encryption_configuration[0].encryption_type == "KMS" && r.encryption_configuration[0].kms_key == var.kms_key_arn])
    error_message = "layers must be encrypted with the platform key"
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : !r.force_delete])
    error_message = "repositories holding images must not be deleted by default"
  }
}

run "lifecycle_keeps_the_newest_n_images" {
  command = plan

  variables {
    keep_images = 5
  }

  assert {
    condition     = toset(keys(aws_ecr_lifecycle_policy.this)) == toset(["orchestration", "pygrid-node"])
    error_message = "every repository needs its lifecycle policy"
  }

  assert {
    condition = [for r in jsondecode(aws_ecr_lifecycle_policy.this["pygrid-node"].policy).rules : [r.rulePriority, r.selection.tagStatus, r.selection.countType, r.selection.countNumber, r.action.type]] == [
      [1, "untagged", "sinceImagePushed", 7, "expire"],
      [2, "any", "imageCountMoreThan", 5, "expire"],
    ]
    error_message = "untagged images expire after 7 days, then all but the newest keep_images"
  }
}

run "outputs_name_every_repository" {
  command = apply

  assert {
    condition     = toset(keys(output.repository_urls)) == toset(["orchestration", "pygrid-node"]) && toset(keys(output.repository_arns)) == toset(keys(output.repository_urls))
    error_message = "URL and ARN outputs are keyed by the repositories' short names"
  }

  assert {
    condition     = output.repository_names["orchestration"] == "artificien-dev/orchestration"
    error_message = "repository_names gives the full name"
  }
}

run "throw_away_env_may_force_delete" {
  command = plan

  variables {
    force_delete = true
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.force_delete])
    error_message = "force_delete must reach every repository"
  }
}

run "rejects_bad_repository_names" {
  command = plan

  variables {
    repositories = { "PyGrid Node" = "x" }
  }

  expect_failures = [var.repositories]
}

run "rejects_keeping_no_image" {
  command = plan

  variables {
    keep_images = 0
  }

  expect_failures = [var.keep_images]
}

run "rejects_an_alias_instead_of_a_key_arn" {
  command = plan

  variables {
    kms_key_arn = "alias/artificien"
  }

  expect_failures = [var.kms_key_arn]
}
