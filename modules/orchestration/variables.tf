variable "name" {
  description = "Resource name prefix, e.g. artificien-dev (at most 27 characters: load balancer and target group names are limited to 32)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,26}$", var.name))
    error_message = "name must be 3-27 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "account_id" {
  description = "AWS account of the platform; scopes the task role's ARNs."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region of the platform; scopes the task role's ARNs and tells the service where Cognito lives."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key: log group, and the tables, bucket and secrets the service reads."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "network" {
  description = "Where the service runs: modules/network outputs. The load balancer goes in the public subnets, the tasks in the private ones."
  type = object({
    vpc_id             = string
    vpc_cidr_block     = string
    public_subnet_ids  = list(string)
    private_subnet_ids = list(string)
  })
  nullable = false

  validation {
    condition     = length(var.network.public_subnet_ids) >= 2 && length(var.network.private_subnet_ids) >= 2
    error_message = "network needs at least two public and two private subnets (two availability zones)."
  }

  validation {
    condition     = can(cidrnetmask(var.network.vpc_cidr_block))
    error_message = "network.vpc_cidr_block must be an IPv4 CIDR."
  }
}

variable "cluster" {
  description = "The ECS cluster (modules/ecs_cluster outputs) running this service and the PyGrid nodes."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+$", var.cluster.arn))
    error_message = "cluster.arn must be an ECS cluster ARN."
  }
}

variable "pygrid" {
  description = "The PyGrid node template (modules/pygrid_node outputs), whose names the orchestration container is told; the node manager starts the nodes."
  type = object({
    task_definition_family = string
    listener_arn           = string
    security_group_id      = string
    container_name         = optional(string)
    container_port         = optional(number)
    nodes_domain           = optional(string)
  })
  nullable = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.pygrid.task_definition_family))
    error_message = "pygrid.task_definition_family must be a task definition family name."
  }

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener/.+$", var.pygrid.listener_arn))
    error_message = "pygrid.listener_arn must be a load balancer listener ARN."
  }
}

variable "node_manager" {
  description = "The node-manager function (modules/node_manager outputs function_name, function_arn): the orchestration node starts and stops PyGrid nodes only by invoking it."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}$", var.node_manager.arn)) && endswith(var.node_manager.arn, ":function:${var.node_manager.name}")
    error_message = "node_manager.arn must be the unqualified Lambda function ARN of node_manager.name."
  }
}

variable "tables" {
  description = "The three tables (modules/dynamodb outputs) and the ARNs of their indexes."
  type = object({
    user_table_name    = string
    user_table_arn     = string
    model_table_name   = string
    model_table_arn    = string
    dataset_table_name = string
    dataset_table_arn  = string
    index_arns         = list(string)
  })
  nullable = false

  validation {
    condition     = alltrue([for a in concat([var.tables.user_table_arn, var.tables.model_table_arn, var.tables.dataset_table_arn], var.tables.index_arns) : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/.+$", a))])
    error_message = "table and index ARNs must be DynamoDB ARNs."
  }
}

variable "models_bucket" {
  description = "Bucket where the service stores trained models (modules/storage outputs)."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.models_bucket.arn))
    error_message = "models_bucket.arn must be an S3 bucket ARN."
  }
}

variable "cognito" {
  description = "User pool whose tokens the service verifies (modules/cognito outputs)."
  type = object({
    user_pool_id  = string
    web_client_id = string
  })
  nullable = false

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]_[A-Za-z0-9]+$", var.cognito.user_pool_id))
    error_message = "cognito.user_pool_id must look like us-east-1_AbC123."
  }
}

variable "logs_bucket" {
  description = "Bucket receiving the load balancer's access logs under alb/orchestration/ (modules/storage outputs logs_bucket_name and logs_bucket_arn; storage grants ELB log delivery on alb/)."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.logs_bucket.name)) && can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.logs_bucket.arn))
    error_message = "logs_bucket must be an S3 bucket name and ARN."
  }
}

variable "container_image" {
  description = "Orchestration node image, pinned by tag or digest (repository:tag or repository@sha256:...); never latest."
  type        = string

  validation {
    condition = (
      can(regex("^[a-z0-9][a-z0-9._/:-]*[a-z0-9](:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.container_image)) &&
      !can(regex(":latest$", var.container_image))
    )
    error_message = "container_image must be pinned: repository:tag (not latest) or repository@sha256:<digest>."
  }
}

variable "container_port" {
  description = "Port the orchestration node listens on inside the container: its image's gunicorn binds 0.0.0.0:5001 (entrypoint.sh)."
  type        = number
  default     = 5001

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be an unprivileged port (1024-65535)."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture the image is built for."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "cpu" {
  description = "Fargate task CPU units."
  type        = number
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.cpu)
    error_message = "cpu must be 256, 512, 1024, 2048 or 4096."
  }
}

variable "memory" {
  description = "Fargate task memory (MiB); must suit the CPU size."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory >= 512 && var.memory <= 30720
    error_message = "memory must be between 512 and 30720 MiB."
  }
}

variable "desired_count" {
  description = "Number of orchestration tasks."
  type        = number
  default     = 1

  validation {
    condition     = var.desired_count >= 0 && var.desired_count <= 10 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be a whole number from 0 to 10."
  }
}

variable "health_check_path" {
  description = "HTTP path the load balancer probes on the container; any 200-399 answer is healthy."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/[A-Za-z0-9/_.-]*$", var.health_check_path))
    error_message = "health_check_path must be an absolute URL path."
  }
}

variable "certificate_arn" {
  description = "ACM certificate of the service's HTTPS listener. null serves plain HTTP only: for the local emulator, which cannot issue certificates; never in a real environment."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN or null."
  }
}

variable "https_enabled" {
  description = "Whether certificate_arn is set, stated as a value known at plan (a certificate created in the same apply has an ARN only after it): it decides which listeners exist. null: derived from certificate_arn, which must then be known at plan."
  type        = bool
  default     = null
}

variable "public_host_name" {
  description = "The service's public DNS name, e.g. orchestration.artificien.com (an alias of the load balancer, managed with the DNS): given to the container as MASTER_NODE_URL. null: the load balancer's own DNS name."
  type        = string
  default     = null

  validation {
    condition     = var.public_host_name == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.public_host_name))
    error_message = "public_host_name must be a lower-case DNS name without scheme or port, such as orchestration.artificien.com, or null."
  }
}

variable "route53_zone_id" {
  description = "Public hosted zone in which to create public_host_name's alias record (to the load balancer); null: DNS managed elsewhere."
  type        = string
  default     = null

  validation {
    condition     = var.route53_zone_id == null || can(regex("^[A-Z0-9]{1,32}$", var.route53_zone_id))
    error_message = "route53_zone_id must be a Route 53 hosted zone id (upper-case letters and digits) or null."
  }
}

variable "dns_record_enabled" {
  description = "Whether route53_zone_id is set, stated as a value known at plan (a zone created in the same apply has its id only after it). null: derived from route53_zone_id, which must then be known at plan."
  type        = bool
  default     = null
}

variable "ingress_cidrs" {
  description = "IPv4 ranges allowed to reach the load balancer (the iOS library and the notebooks call it from anywhere)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
  nullable    = false

  validation {
    condition     = alltrue([for c in var.ingress_cidrs : can(cidrnetmask(c))])
    error_message = "ingress_cidrs must be IPv4 CIDRs."
  }
}

variable "secrets" {
  description = "Environment variable name => ARN of a Secrets Manager secret (optionally with :json-key::) or SSM SecureString parameter; ECS injects the value at start, it never appears in the task definition."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.secrets : can(regex("^[A-Z][A-Z0-9_]*$", k)) && can(regex("^arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:|ssm:[a-z0-9-]+:[0-9]{12}:parameter/).+$", v))])
    error_message = "secrets must map UPPER_CASE names to Secrets Manager secret or SSM parameter ARNs."
  }
}

variable "environment_variables" {
  description = "Extra plain (non-secret) environment variables for the container; the module's own names win on a clash."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : can(regex("^[A-Z][A-Z0-9_]*$", k))])
    error_message = "environment variable names must be UPPER_CASE."
  }
}

variable "log_retention_days" {
  description = "Retention of the service's log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion. The root passes true in prod only."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
