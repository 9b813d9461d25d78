variable "name" {
  description = "Name of the load balancer, e.g. artificien-dev-orch (AWS allows 32 characters)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$", var.name)) && !startswith(var.name, "internal-")
    error_message = "name must be 1-32 letters, digits or hyphens, neither starting nor ending with a hyphen nor starting with internal-."
  }
}

variable "security_group" {
  description = "Name and description of the load balancer's security group. EC2 cannot change either after creation (a change replaces the group), so each caller keeps the pair its group was created with."
  type = object({
    name        = string
    description = string
  })
  nullable = false

  validation {
    condition     = can(regex("^[A-Za-z0-9 ._:/()#,@\\[\\]+=&;{}!$*-]{1,255}$", var.security_group.name)) && !startswith(var.security_group.name, "sg-")
    error_message = "security_group.name must be 1-255 characters EC2 accepts and must not start with sg-."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9 ._:/()#,@\\[\\]+=&;{}!$*-]{1,255}$", var.security_group.description))
    error_message = "security_group.description must be 1-255 characters EC2 accepts (letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*)."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer's security group (network module output vpc_id)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "subnet_ids" {
  description = "Public subnets, in at least two availability zones, the load balancer listens in."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids must list at least two subnet ids (subnet-...)."
  }
}

variable "ingress_cidrs" {
  description = "IPv4 ranges allowed to reach the listeners (devices, the iOS library and notebooks connect from anywhere, hence the internet by default)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
  nullable    = false

  validation {
    condition     = length(var.ingress_cidrs) > 0 && alltrue([for c in var.ingress_cidrs : can(cidrnetmask(c))])
    error_message = "ingress_cidrs must be a non-empty list of IPv4 CIDRs."
  }
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener; port 80 then only redirects to HTTPS (or stays closed: http_redirect_enabled). null gives one plain HTTP listener instead: only for the local emulator, which cannot issue certificates."
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

variable "http_redirect_enabled" {
  description = "With a certificate, also listen on port 80 and redirect it to HTTPS. Off keeps port 80 closed (the PyGrid nodes' clients are given https URLs only)."
  type        = bool
  default     = true
  nullable    = false
}

variable "default_action" {
  description = "What the listener does with a request no rule matches: forward to a target group, or answer a fixed response (status_code, content_type, message_body)."
  type = object({
    type             = string
    target_group_arn = optional(string)
    fixed_response = optional(object({
      status_code  = string
      content_type = optional(string, "application/json")
      message_body = optional(string)
    }))
  })
  nullable = false

  validation {
    condition     = contains(["forward", "fixed-response"], var.default_action.type)
    error_message = "default_action.type must be forward or fixed-response."
  }

  validation {
    condition = (
      var.default_action.type != "forward" ||
      (var.default_action.fixed_response == null && can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:targetgroup/.+$", var.default_action.target_group_arn)))
    )
    error_message = "a forward default_action needs target_group_arn (a target group ARN) and no fixed_response."
  }

  validation {
    condition = (
      var.default_action.type != "fixed-response" ||
      (var.default_action.target_group_arn == null && var.default_action.fixed_response != null)
    )
    error_message = "a fixed-response default_action needs fixed_response and no target_group_arn."
  }

  validation {
    # A conditional, not ||: Terraform evaluates both sides of || even when the left one is true.
    condition = var.default_action.fixed_response == null ? true : (
      can(regex("^[2-5][0-9][0-9]$", var.default_action.fixed_response.status_code)) &&
      contains(["text/plain", "text/css", "text/html", "application/javascript", "application/json"], var.default_action.fixed_response.content_type) &&
      (var.default_action.fixed_response.message_body == null ? 0 : length(var.default_action.fixed_response.message_body)) <= 1024
    )
    error_message = "fixed_response needs a 2XX-5XX status_code, a content_type ELB accepts (text/plain, text/css, text/html, application/javascript, application/json) and a message_body of at most 1024 characters."
  }
}

variable "targets" {
  description = "Where the load balancer forwards and health-checks: the targets' security group and port. The load balancer may send nothing else."
  type = object({
    security_group_id = string
    port              = number
  })
  nullable = false

  validation {
    condition     = can(regex("^sg-[0-9a-f]+$", var.targets.security_group_id))
    error_message = "targets.security_group_id must look like sg-0123abcd."
  }

  validation {
    condition     = var.targets.port >= 1 && var.targets.port <= 65535 && floor(var.targets.port) == var.targets.port
    error_message = "targets.port must be a TCP port."
  }
}

variable "logs_bucket" {
  description = "Bucket receiving the access logs (storage module outputs logs_bucket_name, which comes from the bucket policy so the load balancer is created only after log delivery is granted, and logs_bucket_arn)."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.logs_bucket.name)) && can(regex("^arn:aws[a-z-]*:s3:::", var.logs_bucket.arn)) && endswith(var.logs_bucket.arn, ":::${var.logs_bucket.name}")
    error_message = "logs_bucket must be an S3 bucket name and that bucket's ARN."
  }
}

variable "access_logs_prefix" {
  description = "Key prefix of this load balancer's access logs: alb, or alb/<balancer> to keep each balancer's files apart. The storage module's bucket policy admits log delivery only under alb/AWSLogs/<account>/ and alb/<balancer>/AWSLogs/<account>/."
  type        = string

  validation {
    condition     = can(regex("^alb(/[a-z0-9-]{1,40})?$", var.access_logs_prefix))
    error_message = "access_logs_prefix must be alb or alb/<balancer> (lower-case letters, digits, hyphens): the logs bucket policy admits nothing else."
  }
}

variable "idle_timeout" {
  description = "Seconds a connection may stay idle (uploads and WebSocket sessions outlive the 60 s default)."
  type        = number
  default     = 60

  validation {
    condition     = var.idle_timeout >= 1 && var.idle_timeout <= 4000 && floor(var.idle_timeout) == var.idle_timeout
    error_message = "idle_timeout must be a whole number of seconds from 1 to 4000."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer (the root turns it on in prod only, so that dev, staging and local stay destroyable)."
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
