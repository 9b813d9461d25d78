variable "name" {
  description = "Prefix of every bucket name, e.g. artificien-dev; the account id is appended so names stay globally unique."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$", var.name))
    error_message = "name must be 3-30 lower-case letters, digits or hyphens (it prefixes S3 bucket names)."
  }
}

variable "account_id" {
  description = "AWS account id; part of the bucket names and of the log delivery conditions."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region of the platform: whose Elastic Load Balancing account may write the load balancers' access logs."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "kms_key_arn" {
  description = "The platform's customer-managed KMS key: default encryption of the data buckets."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a KMS key (not an alias)."
  }
}

variable "force_destroy" {
  description = "Let destroy delete non-empty buckets, every object version included (the log bucket too: it always holds access logs). The root sets it for every env but prod."
  type        = bool
  default     = false
  nullable    = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days an overwritten or deleted object version is kept before it expires."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number >= 1."
  }
}

variable "log_expiration_days" {
  description = "Days access logs (ALB and S3) are kept in the logs bucket."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = var.log_expiration_days >= 1 && floor(var.log_expiration_days) == var.log_expiration_days
    error_message = "log_expiration_days must be a whole number >= 1."
  }
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
