variable "name" {
  description = "Resource name prefix, e.g. artificien-dev; the function is <name>-marketplace_api."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "account_id" {
  description = "AWS account of the platform: the account of the nodes' ECS services the function may describe."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account id."
  }
}

variable "region" {
  description = "AWS region of the platform (the nodes' services and the kms:ViaService condition)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "kms_key_arn" {
  description = "The platform's customer-managed KMS key: encrypts the function's logs, environment and dead-letter queue, and protects the two tables it writes."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a KMS key (not an alias)."
  }
}

variable "lambda_package" {
  description = "The marketplace_api zip built by `artificien-infra package` (root var lambda_packages[\"marketplace_api\"])."
  type = object({
    filename         = string
    source_code_hash = string
  })
  nullable = false
}

variable "lambda_layers" {
  description = "Layer version ARNs of the function (the root passes the AWS-managed Powertools layer, which the code imports)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "api" {
  description = "The HTTP API the routes are added to and its Cognito JWT authorizer (modules/model_api outputs api_id, api_execution_arn, authorizer_id)."
  type = object({
    id            = string
    execution_arn = string
    authorizer_id = string
  })
  nullable = false

  validation {
    condition     = can(regex("^[a-z0-9]{1,16}$", var.api.id)) && can(regex("^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:[0-9]{12}:[a-z0-9]+$", var.api.execution_arn)) && endswith(var.api.execution_arn, ":${var.api.id}") && length(var.api.authorizer_id) > 0
    error_message = "api needs the HTTP API's id, that API's execution ARN and its authorizer's id."
  }
}

variable "dataset_table" {
  description = "The dataset table (modules/dynamodb) and the name of its index on owner_username."
  type = object({
    name        = string
    arn         = string
    owner_index = optional(string, "owner_username-index")
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.dataset_table.arn)) && endswith(var.dataset_table.arn, ":table/${var.dataset_table.name}")
    error_message = "dataset_table.arn must be the DynamoDB table ARN of dataset_table.name."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.dataset_table.owner_index))
    error_message = "dataset_table.owner_index must be a valid DynamoDB index name."
  }
}

variable "user_table" {
  description = "The user table (modules/dynamodb): purchases are appended to the caller's row."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.user_table.arn)) && endswith(var.user_table.arn, ":table/${var.user_table.name}")
    error_message = "user_table.arn must be the DynamoDB table ARN of user_table.name."
  }
}

variable "node_cluster" {
  description = "The ECS cluster the PyGrid nodes run in (modules/ecs_cluster): a registration whose id slugs to a running node's name is refused."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", var.node_cluster.arn)) && endswith(var.node_cluster.arn, ":cluster/${var.node_cluster.name}")
    error_message = "node_cluster.arn must be the ECS cluster ARN of node_cluster.name."
  }
}

variable "node_service_prefix" {
  description = "Prefix of the nodes' ECS service names, <prefix><slug> (the node manager's service_prefix)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_-]{0,31}$", var.node_service_prefix))
    error_message = "node_service_prefix must be 1-32 letters, digits, '_' or '-', starting with a letter."
  }
}

variable "limits" {
  description = "What one owner may register: attributes per app, bytes of an app's sample (the generator gets the same two), apps per owner."
  type = object({
    max_attributes     = optional(number, 100)
    max_sample_bytes   = optional(number, 104857600)
    max_apps_per_owner = optional(number, 20)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.limits.max_attributes >= 1 && var.limits.max_attributes <= 1000 && floor(var.limits.max_attributes) == var.limits.max_attributes
    error_message = "limits.max_attributes must be a whole number between 1 and 1000."
  }

  validation {
    condition     = var.limits.max_sample_bytes >= 1048576 && var.limits.max_sample_bytes <= 10737418240 && floor(var.limits.max_sample_bytes) == var.limits.max_sample_bytes
    error_message = "limits.max_sample_bytes must be a whole number of bytes between 1 MiB and 10 GiB."
  }

  validation {
    condition     = var.limits.max_apps_per_owner >= 1 && var.limits.max_apps_per_owner <= 10000 && floor(var.limits.max_apps_per_owner) == var.limits.max_apps_per_owner
    error_message = "limits.max_apps_per_owner must be a whole number between 1 and 10000."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's logs, in days."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrent executions reserved for (and capping) the function; null: none reserved (the API stage's throttling bounds it). A reservation also bounds how far concurrent registrations of one owner can pass the per-owner limit."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null or a whole number >= 1."
  }
}
