variable "name" {
  description = "Resource name prefix, e.g. artificien-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be 2-41 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags applied to every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "account_id" {
  description = "AWS account id; scopes the Lambda permission Cognito uses."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region of the environment; scopes KMS use to DynamoDB in it."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "kms_key_arn" {
  description = "The platform's KMS key: encrypts the post-confirmation function's env vars, logs and DLQ, and the tables the website role and the function use."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a KMS key (not an alias)."
  }
}

variable "user_table_name" {
  description = "Name of the user table the post-confirmation function writes new accounts to."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.user_table_name))
    error_message = "user_table_name must be a valid DynamoDB table name."
  }
}

variable "user_table_arn" {
  description = "ARN of the user table."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.user_table_arn))
    error_message = "user_table_arn must be a DynamoDB table ARN."
  }
}

variable "table_arns" {
  description = "ARNs of the three tables the marketplace website reads: exactly one whose name ends in user_table, model_table and dataset_table each."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.table_arns) > 0 && alltrue([for a in var.table_arns : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", a))])
    error_message = "table_arns must be a non-empty list of DynamoDB table ARNs."
  }

  # The website's role grants per table; which ARN is which follows from the contract names.
  validation {
    condition = alltrue([
      for name in ["user_table", "model_table", "dataset_table"] :
      length([for a in var.table_arns : a if endswith(a, name)]) == 1
    ])
    error_message = "table_arns must hold exactly one table whose name ends in each of user_table, model_table and dataset_table."
  }

  validation {
    condition     = contains(var.table_arns, var.user_table_arn)
    error_message = "table_arns must hold user_table_arn."
  }
}

variable "index_arns" {
  description = "ARNs of those tables' indexes: the website queries users_username_index and owner-active-index (own rows only) and every dataset-table index."
  type        = list(string)
  nullable    = false

  validation {
    condition     = alltrue([for a in var.index_arns : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+/index/[A-Za-z0-9_.-]+$", a))])
    error_message = "index_arns must be DynamoDB index ARNs (table/<t>/index/<i>)."
  }
}

variable "post_confirmation_package" {
  description = "The post_confirmation zip (lambda_packages[\"post_confirmation\"] from the wrapper)."
  type = object({
    filename         = string
    source_code_hash = string
  })
  nullable = false
}

variable "post_confirmation_layers" {
  description = "Layer version ARNs of the post-confirmation function (the root passes the AWS-managed Powertools layer, which the code imports)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "default_datasets" {
  description = "Dataset ids every new account may use from the start (datasets_purchased)."
  type        = list(string)
  default     = ["Artificien-Health"]
  nullable    = false

  validation {
    condition     = alltrue([for d in var.default_datasets : length(trimspace(d)) > 0])
    error_message = "default_datasets must not hold empty ids."
  }
}

variable "log_retention_days" {
  description = "Retention of the post-confirmation function's log group, in days."
  type        = number
  default     = 365
  nullable    = false
}

variable "lambda_architecture" {
  description = "Instruction set of the post-confirmation function: arm64 or x86_64."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "post_confirmation_reserved_concurrency" {
  description = "Concurrent executions reserved for the post-confirmation function; null: none reserved (it runs once per confirmed sign-up). The root sets it per env (lambda_reserved_concurrency)."
  type        = number
  default     = null

  validation {
    condition     = var.post_confirmation_reserved_concurrency == null || try(var.post_confirmation_reserved_concurrency >= 1 && floor(var.post_confirmation_reserved_concurrency) == var.post_confirmation_reserved_concurrency, false)
    error_message = "post_confirmation_reserved_concurrency must be null or a whole number >= 1."
  }
}

variable "password_minimum_length" {
  description = "Minimum password length of the user pool."
  type        = number
  default     = 12
  nullable    = false

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99 && floor(var.password_minimum_length) == var.password_minimum_length
    error_message = "password_minimum_length must be a whole number between 8 and 99."
  }
}

variable "email_sender" {
  description = "Send the pool's mails (sign-up codes, recovery) through Amazon SES (DEVELOPER sending) from from_name <from_address> (from_name = \"\" for the bare address); from_address must be verified in SES in this region as itself or as its domain (ses_identity, default the address; a subdomain's address may use its parent's identity). null: Cognito's default sender, which sends only a small number of mails a day (Quotas in Amazon Cognito)."
  type = object({
    from_address = string
    from_name    = optional(string, "Artificien")
    ses_identity = optional(string)
    reply_to     = optional(string)
  })
  default = null

  validation {
    condition     = var.email_sender == null || can(regex("^[^@\\s<>\"]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.email_sender.from_address))
    error_message = "email_sender.from_address must be a plain email address with a lower-case domain, e.g. no-reply@artificien.com."
  }

  validation {
    condition = var.email_sender == null || try(
      contains([var.email_sender.from_address, split("@", var.email_sender.from_address)[1]], coalesce(var.email_sender.ses_identity, var.email_sender.from_address)) ||
      endswith(split("@", var.email_sender.from_address)[1], ".${coalesce(var.email_sender.ses_identity, var.email_sender.from_address)}"),
      false
    )
    error_message = "email_sender.ses_identity must be the from_address itself or its domain (or a parent domain of it): SES sends only from verified identities."
  }

  validation {
    condition     = var.email_sender == null || try(!can(regex("[<>\"@\\r\\n]", var.email_sender.from_name)), false)
    error_message = "email_sender.from_name must not contain <, >, \", @ or line breaks (it becomes the From header's display name)."
  }

  validation {
    condition     = var.email_sender == null || try(var.email_sender.reply_to == null || can(regex("^[^@\\s<>\"]+@[^@\\s<>\"]+\\.[A-Za-z]{2,63}$", var.email_sender.reply_to)), false)
    error_message = "email_sender.reply_to must be an email address or null."
  }
}

variable "deletion_protection" {
  description = "Protect the user pool from deletion (on in prod: deleting it deletes every account)."
  type        = bool
  default     = false
  nullable    = false
}

variable "domain_prefix" {
  description = "Prefix of the hosted-UI domain (<prefix>.auth.<region>.amazoncognito.com); unique per region across AWS."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.domain_prefix)) && !can(regex("aws|amazon|cognito", var.domain_prefix))
    error_message = "domain_prefix must be 1-63 lower-case letters, digits or hyphens, not start/end with a hyphen, and not contain aws, amazon or cognito."
  }
}

variable "jupyterhub_callback_urls" {
  description = "OAuth callback URLs of JupyterHub (e.g. https://hub.example.com/hub/oauth_callback)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.jupyterhub_callback_urls) > 0 && alltrue([for u in var.jupyterhub_callback_urls : can(regex("^(https://[^\\s#]+|http://localhost(:[0-9]+)?(/[^\\s#]*)?)$", u))])
    error_message = "jupyterhub_callback_urls must be a non-empty list of https URLs (http only for localhost), without fragments."
  }
}

variable "jupyterhub_logout_urls" {
  description = "URLs Cognito may redirect to after a JupyterHub sign-out."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for u in var.jupyterhub_logout_urls : can(regex("^(https://[^\\s#]+|http://localhost(:[0-9]+)?(/[^\\s#]*)?)$", u))])
    error_message = "jupyterhub_logout_urls must be https URLs (http only for localhost), without fragments."
  }
}

variable "data_scientists_group_name" {
  description = "User-pool group whose members may sign in to JupyterHub (the jupyterhub module's data_scientists_group_name)."
  type        = string
  default     = "data-scientists"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.data_scientists_group_name))
    error_message = "data_scientists_group_name must be 1-128 letters, digits, dots, underscores or hyphens."
  }
}
