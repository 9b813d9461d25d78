variable "name" {
  description = "Resource name prefix, e.g. artificien-dev; repositories are <name>/<repository>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "repositories" {
  description = "Repository short name => what it holds (a tag value, e.g. the upstream image it mirrors). The root creates orchestration and pygrid-node."
  type        = map(string)
  default = {
    orchestration = "orchestration node"
    pygrid-node   = "PyGrid node"
  }
  nullable = false

  validation {
    condition     = length(var.repositories) > 0 && alltrue([for k in keys(var.repositories) : can(regex("^[a-z0-9]+([._-][a-z0-9]+)*$", k))])
    error_message = "repositories needs at least one name of lower-case letters and digits, separated by single '.', '_' or '-'."
  }
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key; encrypts every image layer at rest."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "keep_images" {
  description = "Images each repository keeps (newest first); older ones expire. Keep more than the revisions you may roll back to."
  type        = number
  default     = 20

  validation {
    condition     = var.keep_images >= 1 && var.keep_images <= 1000 && floor(var.keep_images) == var.keep_images
    error_message = "keep_images must be a whole number from 1 to 1000."
  }
}

variable "untagged_expiry_days" {
  description = "Days an untagged image (never addressable by a task definition's tag) is kept."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1 && floor(var.untagged_expiry_days) == var.untagged_expiry_days
    error_message = "untagged_expiry_days must be a whole number >= 1."
  }
}

variable "force_delete" {
  description = "Let destroy delete repositories that still hold images. Only for throw-away envs (local)."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
