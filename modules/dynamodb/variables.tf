variable "name_prefix" {
  description = "Prefix of every table name, e.g. \"dev-\" gives dev-user_table; \"\" gives the plain user_table, model_table and dataset_table that the real clients hard-code (only for an environment with an AWS account of its own: table names are unique per account and region). The attribute names never change (the website and apps rely on them)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{0,32}$", var.name_prefix))
    error_message = "name_prefix may hold at most 32 letters, digits, '_', '.', '-'."
  }

  # "dev" would give devuser_table: a prefix ends with its separator, so names stay readable.
  validation {
    condition     = var.name_prefix == "" || can(regex("[-_.]$", var.name_prefix))
    error_message = "name_prefix must be empty or end with '-', '_' or '.' (e.g. \"dev-\")."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key that encrypts the tables."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "deletion_protection" {
  description = "Refuse DeleteTable on every table (on in prod)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
