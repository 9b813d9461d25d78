variable "table_name" {
  description = "Name of the dataset table (dynamodb module); its hash key is dataset_id."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be a DynamoDB table name (3-255 letters, digits, _ . -)."
  }
}

variable "dataset" {
  description = "The default dataset: id, catalogue fields and its attributes in column order (\"N\" with min and max, \"B\" 0/1, \"S\" a word). Default: Artificien-Health, the columns the tutorials read."
  type = object({
    dataset_id     = string
    category       = string
    owner_username = string
    app_url        = string
    logo_image_url = string
    attributes = list(object({
      name        = string
      type        = string
      description = string
      min         = optional(number)
      max         = optional(number)
    }))
    predictable_attributes = list(string)
    num_devices            = optional(number)
  })
  default = {
    dataset_id = "Artificien-Health"
    category   = "Health"
    # A Cognito user name cannot hold a space, so no account can ever pass as this item's owner.
    owner_username = "Artificien Team"
    app_url        = "https://github.com/dartmouth-cs98/artificien_ios"
    logo_image_url = ""
    attributes = [
      { name = "Age", type = "N", min = 18, max = 90, description = "Age in years" },
      { name = "Sex", type = "B", description = "Biological sex as the Health app records it, 0 or 1" },
      { name = "Body Mass Index", type = "N", min = 16, max = 45, description = "Body mass index (kg/m2)" },
      { name = "Weekly Step Count", type = "N", min = 7000, max = 140000, description = "Steps walked in the last seven days" },
    ]
    predictable_attributes = ["Weekly Step Count"]
  }
  nullable = false

  validation {
    # The sample generator's own rules for a dataset id (it names the S3 object and the file).
    condition     = length(var.dataset.dataset_id) >= 1 && length(var.dataset.dataset_id) <= 200 && !startswith(var.dataset.dataset_id, ".") && !can(regex("[/\\\\[:cntrl:]]", var.dataset.dataset_id))
    error_message = "dataset.dataset_id must be 1-200 characters without /, \\ or control characters, not starting with a dot."
  }

  validation {
    condition     = length(var.dataset.attributes) > 0 && length(distinct([for a in var.dataset.attributes : a.name])) == length(var.dataset.attributes) && alltrue([for a in var.dataset.attributes : length(trimspace(a.name)) > 0])
    error_message = "dataset.attributes must be at least one attribute, with distinct non-empty names."
  }

  validation {
    condition     = alltrue([for a in var.dataset.attributes : contains(["N", "S", "B"], a.type)])
    error_message = "dataset.attributes[*].type must be \"N\" (number), \"S\" (string) or \"B\" (boolean)."
  }

  validation {
    condition     = alltrue([for a in var.dataset.attributes : a.type != "N" || (a.min != null && a.max != null)])
    error_message = "Every \"N\" attribute of dataset.attributes needs min and max."
  }

  validation {
    condition     = alltrue([for name in var.dataset.predictable_attributes : contains([for a in var.dataset.attributes : a.name], name)])
    error_message = "dataset.predictable_attributes must name attributes of the dataset."
  }

  validation {
    condition     = var.dataset.num_devices == null || try(var.dataset.num_devices >= 1 && floor(var.dataset.num_devices) == var.dataset.num_devices, false)
    error_message = "dataset.num_devices must be a whole number >= 1, or null (the generator's default row count)."
  }
}
