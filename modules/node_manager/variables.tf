variable "name" {
  description = "Resource name prefix, e.g. artificien-dev; the function is <name>-node_manager."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{3,40}$", var.name))
    error_message = "name must be 3-40 letters, digits or hyphens."
  }
}

variable "account_id" {
  description = "AWS account of the platform: every ARN pattern of the function's policy."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region of the platform: the function's configuration and every ARN pattern of its policy."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "environment" {
  description = "Environment the nodes belong to (local, dev, staging, prod): tagged on every node resource, and the manager touches only its own."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "package" {
  description = "The node_manager zip built by `artificien-infra package` (root var lambda_packages[\"node_manager\"])."
  type = object({
    filename         = string
    source_code_hash = string
  })
  nullable = false
}

variable "layers" {
  description = "Layer version ARNs of the function (the root passes the AWS-managed Powertools layer, which the handler's logging imports)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "kms_key_arn" {
  description = "The platform's customer-managed KMS key: encrypts the env vars, logs and dead-letter queue, and the dataset table the function writes claims to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a KMS key (not an alias)."
  }
}

variable "cluster" {
  description = "The ECS cluster (modules/ecs_cluster outputs) the nodes run in; its ARN also gives the account and region of every node resource."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", var.cluster.arn)) && endswith(var.cluster.arn, "/${var.cluster.name}")
    error_message = "cluster.arn must be the ECS cluster ARN of cluster.name."
  }
}

variable "network" {
  description = "Where the node tasks run: the VPC of their target groups and the (private) subnets of their services."
  type = object({
    vpc_id     = string
    subnet_ids = list(string)
  })
  nullable = false

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.network.vpc_id)) && length(var.network.subnet_ids) >= 1 && alltrue([for s in var.network.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "network needs a vpc-... id and at least one subnet-... id."
  }
}

variable "pygrid" {
  description = "The node template and shared load balancer (modules/pygrid_node outputs) every node is made from."
  type = object({
    task_definition_family = string
    task_role_arn          = string
    execution_role_arn     = string
    listener_arn           = string
    security_group_id      = string
    container_name         = string
    container_port         = number
    nodes_domain           = string
    url_scheme             = string
  })
  nullable = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.pygrid.task_definition_family))
    error_message = "pygrid.task_definition_family must be a task definition family name (at most 200 characters, leaving room for -<app slug>)."
  }

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.pygrid.task_role_arn)) && can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.pygrid.execution_role_arn))
    error_message = "pygrid.task_role_arn and pygrid.execution_role_arn must be IAM role ARNs."
  }

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener/app/.+$", var.pygrid.listener_arn))
    error_message = "pygrid.listener_arn must be an application load balancer listener ARN."
  }

  validation {
    condition     = contains(["http", "https"], var.pygrid.url_scheme) && var.pygrid.container_port >= 1 && var.pygrid.container_port <= 65535
    error_message = "pygrid.url_scheme must be http or https and pygrid.container_port a port."
  }
}

variable "dataset_table" {
  description = "The dataset table (modules/dynamodb outputs): the function reads items and writes only their hasNode/nodeURL claim."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.dataset_table.arn)) && endswith(var.dataset_table.arn, ":table/${var.dataset_table.name}")
    error_message = "dataset_table.arn must be the DynamoDB table ARN of dataset_table.name."
  }
}

variable "database" {
  description = "Each node's own database credentials (modules/pygrid_database outputs): the cluster's host and port, the name prefix of the node secrets the function writes (node_secret_name_prefix), and the role function it asks for each node's role (node_role_function_arn; null where the env does not run it, as on the local emulator, which cannot run Lambda code: the secrets are still written)."
  type = object({
    host               = string
    port               = number
    secret_name_prefix = string
    role_function_arn  = optional(string)
  })
  nullable = false

  validation {
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$", var.database.host)) && var.database.port >= 1 && var.database.port <= 65535
    error_message = "database.host must be a host name and database.port a TCP port."
  }

  # No '!' in the pattern: RDS's own secrets (rds!cluster-...) can never fall under the prefix.
  validation {
    condition     = can(regex("^[A-Za-z0-9_+=.@-][A-Za-z0-9/_+=.@-]{0,398}/$", var.database.secret_name_prefix))
    error_message = "database.secret_name_prefix must be a Secrets Manager name prefix ending in / (pygrid_database output node_secret_name_prefix)."
  }

  validation {
    condition     = var.database.role_function_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}$", var.database.role_function_arn))
    error_message = "database.role_function_arn must be a Lambda function ARN (unqualified) or null."
  }
}

variable "service_prefix" {
  description = "Name prefix of the nodes' ECS services (<prefix><app slug>): the function's ECS service permissions cover only these."
  type        = string
  default     = "pygrid-"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_-]{0,31}$", var.service_prefix))
    error_message = "service_prefix must be 1-32 letters, digits, '_' or '-', starting with a letter."
  }
}

variable "target_group_prefix" {
  description = "Name prefix of the nodes' target groups (<prefix><20 hex digits>, at most 32 characters): the function's target group permissions cover only these."
  type        = string
  default     = "pygrid-"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,11}$", var.target_group_prefix))
    error_message = "target_group_prefix must be 1-12 letters, digits or '-', not starting with '-' (the name adds 20 hex digits within ELB's 32)."
  }
}

variable "timeout" {
  description = "Maximum run time of one invocation, in seconds; an up that waits needs wait_timeout plus a minute to roll back."
  type        = number
  default     = 900
  nullable    = false

  validation {
    condition     = var.timeout >= 60 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 60 and 900 (Lambda's limit)."
  }
}

variable "wait_timeout" {
  description = "Seconds an up that waits gives the node's service to become stable before rolling back."
  type        = number
  default     = 600
  nullable    = false

  validation {
    condition     = var.wait_timeout >= 1 && floor(var.wait_timeout) == var.wait_timeout && var.wait_timeout <= var.timeout - 60
    error_message = "wait_timeout must be a whole number of seconds, at least 1 and at most timeout - 60 (the rollback's minute)."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB (it only calls AWS APIs)."
  type        = number
  default     = 256
  nullable    = false
}

variable "reserved_concurrent_executions" {
  description = "Concurrent invocations reserved for, and capping, the function (starts and stops of different apps may run side by side); null: none reserved. The root sets it per env (lambda_reserved_concurrency)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null or a whole number >= 1."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 365
  nullable    = false
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
