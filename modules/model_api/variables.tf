variable "name" {
  description = "Resource name prefix, e.g. artificien-dev; the API is <name>-model-api and the function <name>-model_api."
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

variable "region" {
  description = "AWS region of the platform, for the kms:ViaService conditions on the function's key."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "kms_key_arn" {
  description = "The platform's customer-managed KMS key: encrypts the log groups and the function's environment, and protects the model table and the models bucket the function reads."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a KMS key (not an alias)."
  }
}

variable "lambda_package" {
  description = "The model_api zip built by `artificien-infra package` (root var lambda_packages[\"model_api\"])."
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

variable "model_table" {
  description = "The model table (modules/dynamodb) and the name of its index on owner_name."
  type = object({
    name        = string
    arn         = string
    owner_index = optional(string, "owner-active-index")
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.model_table.arn))
    error_message = "model_table.arn must be a DynamoDB table ARN."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.model_table.name)) && can(regex("^[A-Za-z0-9_.-]{3,255}$", var.model_table.owner_index))
    error_message = "model_table.name and model_table.owner_index must be valid DynamoDB table and index names."
  }
}

variable "models_bucket" {
  description = "The bucket holding trained models as <owner_name>/<model_id>-<version>.pkl (modules/storage)."
  type = object({
    name = string
    arn  = string
  })
  nullable = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.models_bucket.name)) && can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.models_bucket.arn)) && endswith(var.models_bucket.arn, ":::${var.models_bucket.name}")
    error_message = "models_bucket.name must be a bucket name and models_bucket.arn that bucket's ARN."
  }
}

variable "cognito" {
  description = "The Cognito user pool whose tokens the API accepts (modules/cognito): its endpoint (issuer without https://) and the client ids tokens must be issued to (the website's web client)."
  type = object({
    user_pool_endpoint = string
    client_ids         = list(string)
  })
  nullable = false

  validation {
    condition     = can(regex("^cognito-idp\\.[a-z0-9-]+\\.amazonaws\\.com/[a-z]{2}(-[a-z]+)+-[0-9]_[A-Za-z0-9]+$", var.cognito.user_pool_endpoint))
    error_message = "cognito.user_pool_endpoint must look like cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI."
  }

  validation {
    condition     = length(var.cognito.client_ids) > 0 && alltrue([for id in var.cognito.client_ids : can(regex("^[A-Za-z0-9]{1,128}$", id))])
    error_message = "cognito.client_ids must list at least one app client id."
  }
}

variable "cors_allowed_origins" {
  description = "Origins of the website allowed to call the API from a browser (CORS), e.g. https://main.d1abc.amplifyapp.com. Empty: no CORS headers."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for o in var.cors_allowed_origins : can(regex("^(https://[A-Za-z0-9.-]+(:[0-9]+)?|http://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?)$", o))])
    error_message = "cors_allowed_origins must be https origins without a path (http only for localhost)."
  }
}

variable "cors_allowed_methods" {
  description = "Methods a browser may call the API with (CORS). The routes of modules/marketplace_api on this API are POSTs: the root adds POST."
  type        = list(string)
  default     = ["GET", "OPTIONS"]
  nullable    = false

  validation {
    condition     = contains(var.cors_allowed_methods, "OPTIONS") && alltrue([for m in var.cors_allowed_methods : contains(["GET", "POST", "OPTIONS"], m)])
    error_message = "cors_allowed_methods must include OPTIONS (the preflight) and only GET, POST or OPTIONS."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second the API accepts across all callers."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be between 0 (exclusive) and 10000."
  }
}

variable "throttling_burst_limit" {
  description = "Requests the API accepts in a burst above the rate limit."
  type        = number
  default     = 40
  nullable    = false

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number between 1 and 5000."
  }
}

variable "custom_domain" {
  description = "Optional custom domain for the API (an ACM certificate in the same region), with the public hosted zone in which to write its alias record (null: DNS managed elsewhere, with the custom_domain_target output). When set, the default execute-api endpoint is disabled so the domain is the only way in."
  type = object({
    domain_name     = string
    certificate_arn = string
    route53_zone_id = optional(string)
    # whether route53_zone_id is set, known at plan (a zone created in the same apply is not);
    # null: derived from route53_zone_id
    dns_record_enabled = optional(bool)
  })
  default = null

  validation {
    condition     = var.custom_domain == null || (can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", try(var.custom_domain.domain_name, ""))) && can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", try(var.custom_domain.certificate_arn, ""))))
    error_message = "custom_domain needs a lower-case DNS name and an ACM certificate ARN."
  }
}

variable "url_ttl_seconds" {
  description = "Lifetime of the presigned download links, in seconds."
  type        = number
  default     = 900
  nullable    = false

  validation {
    condition     = var.url_ttl_seconds >= 60 && var.url_ttl_seconds <= 3600 && floor(var.url_ttl_seconds) == var.url_ttl_seconds
    error_message = "url_ttl_seconds must be a whole number between 60 and 3600."
  }
}

variable "log_retention_days" {
  description = "Retention of the API's access logs and the function's logs, in days."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrent executions reserved for (and capping) the function; null: none reserved (the stage's throttling still bounds it). The root sets it per env (lambda_reserved_concurrency)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null or a whole number >= 1."
  }
}
