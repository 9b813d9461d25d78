# The dataset every new account is granted (post_confirmation's DEFAULT_DATASETS, default
# ["Artificien-Health"]) and that the tutorials read as sample_data/Artificien-Health.csv. Writing
# the item is a registration like any other: the dataset stream carries the INSERT to the
# sample-data generator, which writes <dataset_id>.csv, which the notebook sync copies.
#
# A module of its own (not in the dynamodb module) so the root can write the item only once the
# stream's consumer exists, and so the catalogue's tables stay free of content.

locals {
  numeric = [for attribute in var.dataset.attributes : attribute if attribute.type == "N"]

  # The shape the website writes (SCHEMAS.md, dataset_table): bounds are strings, one pair per
  # "N" attribute in the order the N attributes appear.
  item = merge(
    {
      dataset_id             = { S = var.dataset.dataset_id }
      app                    = { S = "placeholder" }
      placeholder            = { S = "placeholder" }
      appURL                 = { S = var.dataset.app_url }
      logo_image_url         = { S = var.dataset.logo_image_url }
      category               = { S = var.dataset.category }
      owner_username         = { S = var.dataset.owner_username }
      attributes             = { L = [for a in var.dataset.attributes : { S = a.name }] }
      attributeTypes         = { L = [for a in var.dataset.attributes : { S = a.type }] }
      attributeRangeMins     = { L = [for a in local.numeric : { S = tostring(a.min) }] }
      attributeRangeMaxes    = { L = [for a in local.numeric : { S = tostring(a.max) }] }
      attributeDescriptions  = { L = [for a in var.dataset.attributes : { S = a.description }] }
      predictable_attributes = { L = [for name in var.dataset.predictable_attributes : { S = name }] }
      numPurchases           = { N = "0" }
      hasNode                = { BOOL = false }
      properlySetUp          = { BOOL = false }
    },
    var.dataset.num_devices == null ? {} : { num_devices = { N = tostring(var.dataset.num_devices) } },
  )
}

resource "aws_dynamodb_table_item" "this" {
  table_name = var.table_name
  hash_key   = "dataset_id"
  item       = jsonencode(local.item)

  lifecycle {
    # Written once. After that the platform owns the item: purchases raise numPurchases and the
    # node manager sets hasNode/nodeURL/properlySetUp, which a later apply must not reset. To
    # change the definition, delete the item and apply again (the stream then makes a new sample).
    ignore_changes = [item]
  }
}
