mock_provider "aws" {}

variables {
  name_prefix = "dev-"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
}

run "tables_keep_the_website_contract" {
  command = plan

  assert {
    condition     = toset([for t in aws_dynamodb_table.this : t.name]) == toset(["dev-user_table", "dev-model_table", "dev-dataset_table"])
    error_message = "table names must be <prefix><table>"
  }

  assert {
    condition     = aws_dynamodb_table.this["user_table"].hash_key == "user_id" && aws_dynamodb_table.this["model_table"].hash_key == "model_id" && aws_dynamodb_table.this["dataset_table"].hash_key == "dataset_id"
    error_message = "hash keys must be user_id, model_id, dataset_id"
  }

  assert {
    condition     = one([for i in aws_dynamodb_table.this["model_table"].global_secondary_index : i if i.name == "owner-active-index"]).range_key == "active_status"
    error_message = "owner-active-index must be (owner_name, active_status)"
  }

  assert {
    condition = toset([for i in aws_dynamodb_table.this["dataset_table"].global_secondary_index : "${i.name}:${i.hash_key}:${coalesce(i.range_key, "-")}"]) == toset([
      "owner_username-index:owner_username:-", "category-app-index:category:app", "placeholder-app:placeholder:app",
    ])
    error_message = "dataset indexes must match what the website queries"
  }

  assert {
    condition     = one(aws_dynamodb_table.this["user_table"].global_secondary_index).hash_key == "username"
    error_message = "users_username_index must be hashed on username"
  }

  assert {
    condition     = aws_dynamodb_table.this["dataset_table"].stream_enabled && aws_dynamodb_table.this["dataset_table"].stream_view_type == "NEW_IMAGE"
    error_message = "the dataset table must stream new images"
  }

  assert {
    condition     = !aws_dynamodb_table.this["user_table"].stream_enabled
    error_message = "only the dataset table streams"
  }

  assert {
    condition     = alltrue([for t in aws_dynamodb_table.this : t.point_in_time_recovery[0].enabled && t.server_side_encryption[0].enabled && t.server_side_encryption[0].kms_key_arn == var.kms_key_arn])
    error_message = "every table needs PITR and the customer key"
  }

  assert {
    condition     = alltrue([for t in aws_dynamodb_table.this : t.deletion_protection_enabled])
    error_message = "deletion protection defaults to on"
  }
}

run "index_arns_name_every_index" {
  command = apply

  assert {
    condition     = length(output.index_arns) == 5 && endswith(output.index_arns["owner-active-index"], "/index/owner-active-index")
    error_message = "index_arns must map each index to <table arn>/index/<name>"
  }
}

run "rejects_bad_prefix" {
  command = plan

  variables {
    name_prefix = "dev user "
  }

  expect_failures = [var.name_prefix]
}

# An environment with an AWS account of its own uses the names the real website, orchestration
# node and libraries hard-code.
run "empty_prefix_gives_the_names_the_clients_hard_code" {
  command = plan

  variables {
    name_prefix = ""
  }

  assert {
    condition     = toset([for t in aws_dynamodb_table.this : t.name]) == toset(["user_table", "model_table", "dataset_table"])
    error_message = "an empty prefix must give exactly user_table, model_table and dataset_table"
  }

  assert {
    condition     = output.user_table_name == "user_table" && output.model_table_name == "model_table" && output.dataset_table_name == "dataset_table"
    error_message = "the outputs every consumer reads must carry the plain names"
  }
}

run "rejects_a_prefix_without_separator" {
  command = plan

  variables {
    name_prefix = "dev"
  }

  expect_failures = [var.name_prefix]
}
