variable "name" {
  description = "Resource name prefix, e.g. artificien-dev; the cluster is <name>-pygrid."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "account_id" {
  description = "AWS account of the platform (the root's aws_caller_identity); scopes the monitoring role's log ARNs."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region of the platform; scopes the monitoring role's log ARNs."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key: database storage, its master-user secret, Performance Insights, the exported log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "vpc_id" {
  description = "VPC of the database security group (modules/network vpc_id)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets, in two or more availability zones, for the database subnet group."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.private_subnet_ids) >= 2 && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "private_subnet_ids must list at least two subnet IDs."
  }
}

variable "log_retention_days" {
  description = "Retention of the log group the database exports its PostgreSQL log to."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "database" {
  description = "The PyGrid nodes' Aurora Serverless v2 PostgreSQL cluster. Capacity is in Aurora capacity units (0.5 ACU steps); instance_count 2 or more puts a reader in another zone for failover."
  type = object({
    database_name                = optional(string, "pygrid")
    master_username              = optional(string, "pygrid_admin")
    engine_version               = optional(string, "16.6")
    min_capacity                 = optional(number, 0.5)
    max_capacity                 = optional(number, 4)
    instance_count               = optional(number, 1)
    backup_retention_days        = optional(number, 14)
    preferred_backup_window      = optional(string, "03:00-04:00")
    preferred_maintenance_window = optional(string, "sun:05:00-sun:06:00")
    monitoring_interval          = optional(number, 60)
    performance_insights_days    = optional(number, 7)
  })
  # Spelled out (not {}) so static checks see the backup and monitoring settings.
  default = {
    database_name                = "pygrid"
    master_username              = "pygrid_admin"
    engine_version               = "16.6"
    min_capacity                 = 0.5
    max_capacity                 = 4
    instance_count               = 1
    backup_retention_days        = 14
    preferred_backup_window      = "03:00-04:00"
    preferred_maintenance_window = "sun:05:00-sun:06:00"
    monitoring_interval          = 60
    performance_insights_days    = 7
  }
  nullable = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database.database_name)) && can(regex("^[a-z][a-z0-9_]{0,15}$", var.database.master_username))
    error_message = "database_name and master_username must be lower-case identifiers starting with a letter (master_username at most 16 characters)."
  }

  # node_<slug> names the nodes' own roles (lambdas/pygrid_db_role/nodes.py).
  validation {
    condition     = !startswith(var.database.master_username, "node_")
    error_message = "master_username must not start with node_: that prefix names the PyGrid nodes' own roles."
  }

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.database.engine_version))
    error_message = "engine_version must be an Aurora PostgreSQL version like 16.6."
  }

  validation {
    condition = (
      var.database.min_capacity >= 0 && var.database.max_capacity <= 256 && var.database.min_capacity <= var.database.max_capacity &&
      floor(var.database.min_capacity * 2) == var.database.min_capacity * 2 && floor(var.database.max_capacity * 2) == var.database.max_capacity * 2 &&
      var.database.max_capacity >= 1
    )
    error_message = "capacity must be in 0.5 ACU steps with 0 <= min_capacity <= max_capacity <= 256 and max_capacity >= 1."
  }

  validation {
    condition     = var.database.instance_count >= 1 && var.database.instance_count <= 3 && floor(var.database.instance_count) == var.database.instance_count
    error_message = "instance_count must be 1, 2 or 3."
  }

  validation {
    condition     = var.database.backup_retention_days >= 7 && var.database.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.database.monitoring_interval)
    error_message = "monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60 seconds."
  }

  validation {
    condition     = contains([7, 731], var.database.performance_insights_days) || (var.database.performance_insights_days % 31 == 0 && var.database.performance_insights_days <= 713)
    error_message = "performance_insights_days must be 7, a multiple of 31 up to 713, or 731."
  }
}

variable "role" {
  description = "PyGrid's shared database role (never the master; each node gets a role of its own from the same function): its name, the role function's package (lambdas/pygrid_db_role) and Powertools layer, whether apply runs it (false only on the local emulator, which stores Lambda code but cannot run it and has no PostgreSQL behind its cluster endpoint), the recovery window of its secret, and the function's reserved concurrency (null: none)."
  type = object({
    name = optional(string, "pygrid")
    package = object({
      filename         = string
      source_code_hash = string
    })
    layers                      = optional(list(string), [])
    provisioning_enabled        = optional(bool, true)
    secret_recovery_window_days = optional(number, 30)
    reserved_concurrency        = optional(number)
  })
  nullable = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.role.name)) && var.role.name != var.database.master_username && !startswith(var.role.name, "rds") && !startswith(var.role.name, "pg_")
    error_message = "role.name must be a lower-case PostgreSQL identifier (at most 63 characters), not the master user's and not starting with rds or pg_ (reserved)."
  }

  validation {
    condition     = !startswith(var.role.name, "node_")
    error_message = "role.name must not start with node_: that prefix names the PyGrid nodes' own roles."
  }

  validation {
    condition     = endswith(var.role.package.filename, ".zip") && length(var.role.package.source_code_hash) > 0
    error_message = "role.package must name the function's .zip and its source_code_hash (artificien-infra package)."
  }

  validation {
    condition     = var.role.reserved_concurrency == null || try(var.role.reserved_concurrency >= 1 && floor(var.role.reserved_concurrency) == var.role.reserved_concurrency, false)
    error_message = "role.reserved_concurrency must be null (none reserved) or a whole number >= 1."
  }

  validation {
    condition     = var.role.secret_recovery_window_days == 0 || (var.role.secret_recovery_window_days >= 7 && var.role.secret_recovery_window_days <= 30)
    error_message = "role.secret_recovery_window_days must be 0 (delete at once) or 7-30."
  }
}

variable "deletion_protection" {
  description = "Protect the database from deletion and take a final snapshot when it is destroyed. The root passes true in prod only; false lets dev/local tear down without leftovers."
  type        = bool
  default     = true
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
