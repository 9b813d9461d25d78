variable "name" {
  description = "Resource name prefix, e.g. artificien-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the VPC; used to name the VPC endpoint services."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "kms_key_arn" {
  description = "ARN of the platform KMS key; encrypts the flow-log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "cidr_block" {
  description = "IPv4 CIDR of the VPC; split into one public and one private /20 (for a /16) per availability zone."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 24
    error_message = "cidr_block must be an IPv4 CIDR between /16 and /24."
  }
}

variable "availability_zones" {
  description = "Exactly two availability zones to span; empty (the default) means <region>a and <region>b."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.availability_zones) == 0 || (length(var.availability_zones) == 2 && length(distinct(var.availability_zones)) == 2 && alltrue([for z in var.availability_zones : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", z))]))
    error_message = "availability_zones must be empty or name exactly two distinct zones like us-east-1a."
  }
}

variable "nat_gateway_enabled" {
  description = "Give the private subnets outbound internet through NAT gateways (hourly cost). Off, the tasks reach AWS only through the VPC endpoints."
  type        = bool
  default     = true
}

variable "single_nat_gateway" {
  description = "One NAT gateway shared by both private subnets (cheaper) instead of one per zone (survives a zone outage)."
  type        = bool
  default     = false
}

variable "interface_endpoints_enabled" {
  description = "Create interface VPC endpoints (hourly cost per zone) for the services the Fargate tasks call, so that traffic skips the NAT gateways. S3 and DynamoDB gateway endpoints are free and always on."
  type        = bool
  default     = false
}

variable "interface_endpoint_services" {
  description = "Service suffixes of the interface endpoints (com.amazonaws.<region>.<service>) when interface_endpoints_enabled."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts", "elasticloadbalancing", "ecs"]
  nullable    = false

  validation {
    condition     = alltrue([for s in var.interface_endpoint_services : can(regex("^[a-z0-9][a-z0-9.-]+$", s))])
    error_message = "interface_endpoint_services must be service suffixes like ecr.api."
  }
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow-log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "flow_log_traffic_type" {
  description = "Which traffic the flow logs record."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
