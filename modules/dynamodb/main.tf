# The three tables of the marketplace (docs/data-model.md). Their keys, index names and attribute
# names are a contract with the website, the orchestration node and the iOS library: only the
# table-name prefix varies per environment.

locals {
  tables = {
    user_table = {
      hash_key   = "user_id"
      attributes = { user_id = "S", username = "S" }
      indexes = {
        users_username_index = { hash_key = "username", range_key = null }
      }
      stream = false
    }
    model_table = {
      hash_key   = "model_id"
      attributes = { model_id = "S", owner_name = "S", active_status = "N" }
      indexes = {
        "owner-active-index" = { hash_key = "owner_name", range_key = "active_status" }
      }
      stream = false
    }
    dataset_table = {
      hash_key   = "dataset_id"
      attributes = { dataset_id = "S", owner_username = "S", category = "S", app = "S", placeholder = "S" }
      indexes = {
        "owner_username-index" = { hash_key = "owner_username", range_key = null }
        "category-app-index"   = { hash_key = "category", range_key = "app" }
        "placeholder-app"      = { hash_key = "placeholder", range_key = "app" }
      }
      # New datasets reach the sample-data generator through the stream.
      stream = true
    }
  }
}

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  name                        = "${var.name_prefix}${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  deletion_protection_enabled = var.deletion_protection
  stream_enabled              = each.value.stream
  stream_view_type            = each.value.stream ? "NEW_IMAGE" : null

  dynamic "attribute" {
    for_each = each.value.attributes
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.indexes
    content {
      name            = global_secondary_index.key
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = "ALL"
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
