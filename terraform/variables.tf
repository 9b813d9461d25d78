# Injected by the wrapper (build/<env>.auto.tfvars.json) -------------------------------------------

variable "environment" {
  description = "Environment name; the wrapper derives it, the workspace and the var-file from one --env value."
  type        = string

  validation {
    condition     = contains(["local", "dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of local, dev, staging, prod."
  }
}

variable "aws_endpoint_url" {
  description = "Endpoint of the local AWS emulator; null (the default) for real AWS."
  type        = string
  default     = null

  validation {
    condition     = var.aws_endpoint_url == null || can(regex("^http://(127\\.[0-9.]+|localhost):[0-9]+$", var.aws_endpoint_url))
    error_message = "aws_endpoint_url must be a loopback http URL (the local emulator) or null."
  }
}

variable "lambda_packages" {
  description = "Lambda zips built by `artificien-infra package`: function name => path (relative to terraform/) and base64 SHA-256."
  type = map(object({
    filename         = string
    source_code_hash = string
  }))
  nullable = false
}

# Environment values (terraform/envs/<env>.tfvars) --------------------------------------------------

variable "aws_region" {
  description = "AWS region of the environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like us-east-1."
  }
}

variable "project" {
  description = "Project name; the first part of every resource name."
  type        = string
  default     = "artificien"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))
    error_message = "project must be 2-21 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group of the platform."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

# Identity ----------------------------------------------------------------------------------------

variable "cognito_domain_prefix" {
  description = "Prefix of the Cognito hosted-UI domain (<prefix>.auth.<region>.amazoncognito.com); unique per region."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.cognito_domain_prefix)) && !can(regex("aws|amazon|cognito", var.cognito_domain_prefix))
    error_message = "cognito_domain_prefix: 1-63 lower-case letters, digits, hyphens; no aws/amazon/cognito."
  }
}

variable "jupyterhub_callback_urls" {
  description = "OAuth callback URLs of JupyterHub (https://<hub>/hub/oauth_callback)."
  type        = list(string)
  nullable    = false
}

variable "jupyterhub_logout_urls" {
  description = "Sign-out redirect URLs of JupyterHub."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "default_datasets" {
  description = "Dataset ids every new account may use (datasets_purchased)."
  type        = list(string)
  default     = ["Artificien-Health"]
  nullable    = false
}

variable "password_minimum_length" {
  description = "Minimum password length of the user pool."
  type        = number
  default     = 12

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99
    error_message = "password_minimum_length must be 8-99."
  }
}
