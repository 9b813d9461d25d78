variable "name" {
  description = "Resource name prefix, e.g. artificien-dev; the function is <name>-sample_data."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{3,40}$", var.name))
    error_message = "name must be 3-40 letters, digits or hyphens."
  }
}

variable "package" {
  description = "The sample_data zip built by `artificien-infra package` (root var lambda_packages[\"sample_data\"])."
  type = object({
    filename         = string
    source_code_hash = string
  })
  nullable = false
}

variable "layers" {
  description = "Layer version ARNs of the function (the root passes the AWS-managed Powertools layer, which the code imports)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "account_id" {
  description = "AWS account of the platform: the failure queue's ARN."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region of the platform: the failure queue's ARN and the kms:ViaService conditions."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "kms_key_arn" {
  description = "The platform's customer-managed KMS key: encrypts the env vars, logs, failure queue and (through S3) the samples."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a KMS key (not an alias)."
  }
}

variable "dataset_table_name" {
  description = "Name of the dataset table (the function accepts only records from its stream)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.dataset_table_name))
    error_message = "dataset_table_name must be a valid DynamoDB table name."
  }
}

variable "dataset_table_stream_arn" {
  description = "ARN of the dataset table's stream (NEW_IMAGE or NEW_AND_OLD_IMAGES view)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+/stream/.+$", var.dataset_table_stream_arn))
    error_message = "dataset_table_stream_arn must be a DynamoDB stream ARN."
  }
}

variable "sample_data_bucket_name" {
  description = "Bucket the samples are written to, as <dataset_id>.csv."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.sample_data_bucket_name))
    error_message = "sample_data_bucket_name must be a valid S3 bucket name."
  }
}

variable "sample_data_bucket_arn" {
  description = "ARN of the sample-data bucket; the function may write only *.csv objects in it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.sample_data_bucket_arn))
    error_message = "sample_data_bucket_arn must be an S3 bucket ARN."
  }
}

variable "default_sample_rows" {
  description = "Rows of a sample whose dataset item has no num_devices (the website never sets it)."
  type        = number
  default     = 1000
  nullable    = false

  validation {
    condition     = var.default_sample_rows >= 0 && floor(var.default_sample_rows) == var.default_sample_rows
    error_message = "default_sample_rows must be a whole number >= 0."
  }
}

variable "max_sample_rows" {
  description = "Upper bound on the rows of any sample, whatever num_devices says."
  type        = number
  default     = 1000000
  nullable    = false

  validation {
    condition     = var.max_sample_rows >= 1 && var.max_sample_rows <= 10000000 && floor(var.max_sample_rows) == var.max_sample_rows
    error_message = "max_sample_rows must be a whole number between 1 and 10000000."
  }
}

variable "max_attributes" {
  description = "Most attributes (CSV columns) an item may declare; an item with more is that record's failure and gets no sample."
  type        = number
  default     = 100
  nullable    = false

  validation {
    condition     = var.max_attributes >= 1 && var.max_attributes <= 1000 && floor(var.max_attributes) == var.max_attributes
    error_message = "max_attributes must be a whole number between 1 and 1000."
  }
}

variable "max_sample_bytes" {
  description = "Most bytes of one sample CSV: rows are reduced to fit (num_devices is honoured only within it), with a log line."
  type        = number
  default     = 104857600
  nullable    = false

  validation {
    condition     = var.max_sample_bytes >= 1048576 && var.max_sample_bytes <= 10737418240 && floor(var.max_sample_bytes) == var.max_sample_bytes
    error_message = "max_sample_bytes must be a whole number of bytes between 1 MiB and 10 GiB."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB (Lambda scales CPU with it; generation is CPU-bound)."
  type        = number
  default     = 1024
  nullable    = false
}

variable "timeout" {
  description = "Seconds one batch may run; room for max_sample_rows rows per record."
  type        = number
  default     = 300
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 365
  nullable    = false
}

variable "reserved_concurrent_executions" {
  description = "Concurrent executions reserved for (and capping) the function; null: none reserved (the stream's shards bound it anyway: one batch per shard at a time). The root sets it per env (lambda_reserved_concurrency)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null or a whole number >= 1."
  }
}

variable "batch_size" {
  description = "Stream records per invocation."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 100 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number between 1 and 100."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing record before it goes to the failure queue."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 10 && floor(var.maximum_retry_attempts) == var.maximum_retry_attempts
    error_message = "maximum_retry_attempts must be a whole number between 0 and 10."
  }
}

variable "maximum_record_age_in_seconds" {
  description = "Records older than this go to the failure queue instead of being processed."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.maximum_record_age_in_seconds >= 60 && var.maximum_record_age_in_seconds <= 604800
    error_message = "maximum_record_age_in_seconds must be between 60 and 604800."
  }
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
