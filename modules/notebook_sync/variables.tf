variable "name" {
  description = "Prefix of every resource name, e.g. \"artificien-dev\"; the queue is <name>-notebook-sync."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,60}$", var.name))
    error_message = "name must be 2-61 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "account_id" {
  description = "AWS account that owns the buckets: S3 may send to the queue only on its behalf (aws:SourceAccount)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "buckets" {
  description = "Buckets whose object events go to the queue (storage module), keyed by purpose (sample_data, tutorials)."
  type = map(object({
    name = string
    arn  = string
  }))
  nullable = false

  validation {
    condition     = length(var.buckets) > 0
    error_message = "buckets must name at least one bucket."
  }

  validation {
    condition = alltrue([
      for bucket in values(var.buckets) : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", bucket.name)) && bucket.arn == "arn:${split(":", bucket.arn)[1]}:s3:::${bucket.name}"
    ])
    error_message = "each of buckets must be a valid bucket name and that bucket's ARN (arn:aws:s3:::<name>)."
  }
}

variable "visibility_timeout_seconds" {
  description = "How long a received message stays hidden before it is delivered again (the agent's retry delay)."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.visibility_timeout_seconds >= 10 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "visibility_timeout_seconds must be a whole number from 10 to 43200."
  }
}

variable "message_retention_seconds" {
  description = "How long an unread event is kept; the agent's hourly reconcile covers anything older."
  type        = number
  default     = 86400
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 3600 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 3600 (one reconcile interval) to 1209600."
  }
}

variable "tags" {
  description = "Tags applied to every resource (the provider's default_tags carry them too)."
  type        = map(string)
  default     = {}
  nullable    = false
}
