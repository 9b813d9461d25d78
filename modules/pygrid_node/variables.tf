variable "name" {
  description = "Resource name prefix, e.g. artificien-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,20}$", var.name))
    error_message = "name must be 3-21 lower-case letters, digits or hyphens, starting with a letter (the load balancer name adds '-nodes' within AWS's 32-character limit)."
  }
}

variable "account_id" {
  description = "AWS account of the platform (the root's aws_caller_identity); only ECS tasks of this account may assume the node roles."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "Region of the environment; the containers' log driver writes to it."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "vpc_id" {
  description = "VPC of the nodes and their load balancer (network module output vpc_id)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "public_subnet_ids" {
  description = "Public subnets (two AZs) of the shared load balancer."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.public_subnet_ids) >= 2 && alltrue([for s in var.public_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "public_subnet_ids must list at least two subnet ids (subnet-...)."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets the node tasks run in (no public IPs)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.private_subnet_ids) >= 1 && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "private_subnet_ids must list at least one subnet id (subnet-...)."
  }
}

variable "database" {
  description = "The PyGrid database (pygrid_database module outputs): its port, its security group, and node_secret_arn_prefix, the ARN prefix of the node secrets (node_secret_arn_prefix: each node's own secret, written by the node manager, whose url key is the fork's DATABASE_URL). Never the master secret."
  type = object({
    port                   = number
    node_secret_arn_prefix = string
    security_group_id      = string
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9_+=.@-][A-Za-z0-9/_+=.@-]*/$", var.database.node_secret_arn_prefix))
    error_message = "database.node_secret_arn_prefix must be a Secrets Manager secret ARN up to a name prefix ending in / (pygrid_database output node_secret_arn_prefix)."
  }

  # RDS names the secrets it manages rds!cluster-... / rds!db-...: those hold the master user.
  validation {
    condition     = !can(regex(":secret:rds!", var.database.node_secret_arn_prefix))
    error_message = "database.node_secret_arn_prefix names RDS-managed master secrets: nodes get secrets of their own (pygrid_database output node_secret_arn_prefix), never the master's."
  }

  validation {
    condition     = can(regex("^sg-[0-9a-f]+$", var.database.security_group_id))
    error_message = "database.security_group_id must look like sg-0123abcd."
  }

  validation {
    condition     = var.database.port >= 1 && var.database.port <= 65535
    error_message = "database.port must be a TCP port."
  }
}

variable "master_node_url" {
  description = "The orchestration node as the fork wants MASTER_NODE_URL: host[:port] without a scheme (it prepends one to report training progress), e.g. orchestration.artificien.com (modules/orchestration output master_node_url)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?$", var.master_node_url))
    error_message = "master_node_url must be host or host:port, without scheme or path (the fork adds http:// itself)."
  }
}

variable "container_image" {
  description = "PyGrid node image, pinned by tag or digest (repository:tag or repository@sha256:...); never latest. The root defaults it to the platform's ECR repository."
  type        = string

  validation {
    condition = (
      can(regex("^[a-z0-9][a-z0-9._/:-]*[a-z0-9](:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.container_image)) &&
      !can(regex(":latest$", var.container_image))
    )
    error_message = "container_image must be pinned: repository:tag (not latest) or repository@sha256:<digest>."
  }
}

variable "container_image_repository_arn" {
  description = "ARN of the ECR repository holding container_image, so the execution role may pull from it; null for a public registry image."
  type        = string
  default     = null

  validation {
    condition     = var.container_image_repository_arn == null || can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+$", var.container_image_repository_arn))
    error_message = "container_image_repository_arn must be an ECR repository ARN or null."
  }
}

variable "container_command" {
  description = "Command override for the node container; empty runs container_entry_point (or, when that is empty too, the image's own entry point and command)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "container_entry_point" {
  description = "The image's own entry point, run after a shell has set ADDRESS=<scheme>://<NODE_ID>.<nodes_domain> (needs /bin/sh in the image). The fork's Dockerfile: [\"sh\", \"entrypoint.sh\"] (WORKDIR /app). Empty: no wrapper, the image starts as built and ADDRESS is unset (the fork never reads it)."
  type        = list(string)
  default     = ["sh", "entrypoint.sh"]
  nullable    = false
}

variable "container_user" {
  description = "User (uid[:gid]) the node container runs as; null: the image's own. The fork's image is built as root with its Poetry virtualenv under /root/.cache, so it starts only as root (null). Hardened, for an image built with POETRY_VIRTUALENVS_IN_PROJECT=true and files owned by that user: \"1000:1000\"."
  type        = string
  default     = null

  validation {
    condition     = var.container_user == null || can(regex("^[0-9]{1,10}(:[0-9]{1,10})?$", var.container_user))
    error_message = "container_user must be uid or uid:gid (numbers), or null."
  }
}

variable "readonly_root_filesystem" {
  description = "Run the node container on a read-only root file system (/tmp stays writable). The fork's image writes under /root/.cache when Poetry starts, so it needs false; true is the hardened value for an image whose virtualenv is inside the project and which writes only to /tmp."
  type        = bool
  default     = false
  nullable    = false
}

variable "container_port" {
  description = "Port the PyGrid node listens on inside the task (its PORT variable)."
  type        = number
  default     = 5000

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be an unprivileged TCP port (1024-65535)."
  }
}

variable "cpu" {
  description = "Fargate CPU units of one node task."
  type        = number
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192, 16384)."
  }
}

variable "memory" {
  description = "Memory (MiB) of one node task; must be valid for the chosen cpu."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880
    error_message = "memory must be between 512 and 122880 MiB."
  }
}

variable "nodes_domain" {
  description = "DNS domain under which every node gets its host name <app-slug>.<nodes_domain>; its wildcard *.<nodes_domain> points at the shared load balancer."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.nodes_domain)) && length(var.nodes_domain) <= 190
    error_message = "nodes_domain must be a lower-case DNS name such as nodes.example.com (at most 190 characters, leaving room for a 63-character node label)."
  }
}

variable "route53_zone_id" {
  description = "Hosted zone in which to create the wildcard alias record *.<nodes_domain>; null when the DNS is managed elsewhere."
  type        = string
  default     = null
}

variable "dns_record_enabled" {
  description = "Whether route53_zone_id is set, stated as a value known at plan (a zone created in the same apply has its id only after it). null: derived from route53_zone_id, which must then be known at plan."
  type        = bool
  default     = null
}

variable "certificate_arn" {
  description = "ACM certificate covering *.<nodes_domain> for the HTTPS listener. null gives a plain HTTP listener, meant only for the local emulator (it has no ACM to issue a certificate)."
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

variable "ingress_cidr_blocks" {
  description = "Who may reach the shared load balancer. Devices connect from anywhere, hence the internet by default."
  type        = list(string)
  default     = ["0.0.0.0/0"]
  nullable    = false

  validation {
    condition     = length(var.ingress_cidr_blocks) > 0 && alltrue([for c in var.ingress_cidr_blocks : can(cidrnetmask(c))])
    error_message = "ingress_cidr_blocks must be a non-empty list of IPv4 CIDRs."
  }
}

variable "logs_bucket" {
  description = "Bucket that receives the load balancer's access logs (storage module outputs logs_bucket_name and logs_bucket_arn)."
  type = object({
    name = string
    arn  = string
  })
  nullable = false
}

variable "access_logs_prefix" {
  description = "Key prefix of the access logs in the logs bucket: alb, or alb/<balancer> (the only places the storage module's bucket policy admits ALB log delivery). alb keeps where the nodes have always logged; files are told apart by load balancer name."
  type        = string
  default     = "alb"

  validation {
    condition     = can(regex("^alb(/[a-z0-9-]{1,40})?$", var.access_logs_prefix))
    error_message = "access_logs_prefix must be alb or alb/<balancer>: the logs bucket policy admits ALB delivery nowhere else."
  }
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key; encrypts the node log group and the database secret the tasks read."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the node log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the shared load balancer (the root turns it on in prod)."
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
