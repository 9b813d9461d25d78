mock_provider "aws" {}

variables {
  table_name = "test-dataset_table"
}

run "decimal_bounds_and_a_device_count_are_written_as_strings" {
  # First, on an empty state: later runs share the applied item, which is written only once.
  command = plan

  variables {
    dataset = {
      dataset_id     = "Sleep Study"
      category       = "Sleep"
      owner_username = "Artificien Team"
      app_url        = "https://example.com"
      logo_image_url = "https://example.com/logo.png"
      attributes = [
        { name = "city", type = "S", description = "City" },
        { name = "hours", type = "N", min = 3.5, max = 11.25, description = "Hours slept" },
      ]
      predictable_attributes = []
      num_devices            = 250
    }
  }

  assert {
    condition     = jsondecode(aws_dynamodb_table_item.this.item).attributeRangeMins == { L = [{ S = "3.5" }] } && jsondecode(aws_dynamodb_table_item.this.item).attributeRangeMaxes == { L = [{ S = "11.25" }] }
    error_message = "One bound pair per N attribute, decimals kept."
  }

  assert {
    condition     = jsondecode(aws_dynamodb_table_item.this.item).num_devices == { N = "250" } && jsondecode(aws_dynamodb_table_item.this.item).predictable_attributes == { L = [] }
    error_message = "num_devices is written when given."
  }
}

run "the_default_is_the_tutorials_health_dataset" {
  command = apply

  assert {
    condition     = aws_dynamodb_table_item.this.table_name == "test-dataset_table" && aws_dynamodb_table_item.this.hash_key == "dataset_id"
    error_message = "The item goes into the dataset table, keyed by dataset_id."
  }

  assert {
    condition = jsondecode(aws_dynamodb_table_item.this.item) == {
      dataset_id             = { S = "Artificien-Health" }
      app                    = { S = "placeholder" }
      placeholder            = { S = "placeholder" }
      appURL                 = { S = "https://github.com/dartmouth-cs98/artificien_ios" }
      logo_image_url         = { S = "" }
      category               = { S = "Health" }
      owner_username         = { S = "Artificien Team" }
      attributes             = { L = [{ S = "Age" }, { S = "Sex" }, { S = "Body Mass Index" }, { S = "Weekly Step Count" }] }
      attributeTypes         = { L = [{ S = "N" }, { S = "B" }, { S = "N" }, { S = "N" }] }
      attributeRangeMins     = { L = [{ S = "18" }, { S = "16" }, { S = "7000" }] }
      attributeRangeMaxes    = { L = [{ S = "90" }, { S = "45" }, { S = "140000" }] }
      attributeDescriptions  = { L = [{ S = "Age in years" }, { S = "Biological sex as the Health app records it, 0 or 1" }, { S = "Body mass index (kg/m2)" }, { S = "Steps walked in the last seven days" }] }
      predictable_attributes = { L = [{ S = "Weekly Step Count" }] }
      numPurchases           = { N = "0" }
      hasNode                = { BOOL = false }
      properlySetUp          = { BOOL = false }
    }
    error_message = "The item must be the website's shape with the tutorials' four columns; bounds only for the N attributes, as strings, and no num_devices (the generator's default row count)."
  }

  assert {
    condition     = output.dataset_id == "Artificien-Health" && output.sample_key == "Artificien-Health.csv"
    error_message = "The outputs name the dataset and its sample's key."
  }
}

run "a_later_apply_never_rewrites_the_item" {
  # The platform changes the item after it is written (purchases, the node manager): a changed
  # definition must not overwrite it.
  command = apply

  variables {
    dataset = {
      dataset_id             = "Artificien-Health"
      category               = "Fitness"
      owner_username         = "Artificien Team"
      app_url                = ""
      logo_image_url         = ""
      attributes             = [{ name = "Age", type = "N", min = 1, max = 2, description = "" }]
      predictable_attributes = []
    }
  }

  assert {
    condition     = jsondecode(aws_dynamodb_table_item.this.item).category == { S = "Health" } && length(jsondecode(aws_dynamodb_table_item.this.item).attributes.L) == 4
    error_message = "The item is written once; later applies leave it as the platform changed it."
  }
}

run "rejects_a_dataset_id_with_a_slash" {
  command = plan

  variables {
    dataset = {
      dataset_id             = "../Health"
      category               = "Health"
      owner_username         = "Artificien Team"
      app_url                = ""
      logo_image_url         = ""
      attributes             = [{ name = "Age", type = "N", min = 1, max = 2, description = "" }]
      predictable_attributes = []
    }
  }

  expect_failures = [var.dataset]
}

run "rejects_a_number_without_bounds" {
  command = plan

  variables {
    dataset = {
      dataset_id             = "Health"
      category               = "Health"
      owner_username         = "Artificien Team"
      app_url                = ""
      logo_image_url         = ""
      attributes             = [{ name = "Age", type = "N", description = "" }]
      predictable_attributes = []
    }
  }

  expect_failures = [var.dataset]
}

run "rejects_an_unknown_type_and_a_foreign_label" {
  command = plan

  variables {
    dataset = {
      dataset_id             = "Health"
      category               = "Health"
      owner_username         = "Artificien Team"
      app_url                = ""
      logo_image_url         = ""
      attributes             = [{ name = "Age", type = "X", description = "" }]
      predictable_attributes = ["Steps"]
    }
  }

  expect_failures = [var.dataset, var.dataset]
}

run "rejects_duplicate_columns" {
  command = plan

  variables {
    dataset = {
      dataset_id             = "Health"
      category               = "Health"
      owner_username         = "Artificien Team"
      app_url                = ""
      logo_image_url         = ""
      attributes             = [{ name = "Age", type = "B", description = "" }, { name = "Age", type = "B", description = "" }]
      predictable_attributes = []
    }
  }

  expect_failures = [var.dataset]
}
