variable "name" {
  description = "Name prefix of the environment, e.g. artificien-dev: the roles are <name>-github-plan and <name>-github-apply."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name))
    error_message = "name must be 3-41 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "repository" {
  description = "The GitHub repository whose workflows may assume the roles, as owner/repo."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", var.repository)) && !contains([".", ".."], try(split("/", var.repository)[1], ""))
    error_message = "repository must be owner/repo as GitHub spells it (e.g. artificien/infrastructure), without a URL or wildcards."
  }
}

variable "github_environment" {
  description = "The GitHub environment (required reviewers) whose jobs alone may assume the apply role; by convention the env's name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,255}$", var.github_environment))
    error_message = "github_environment must be 1-255 letters, digits, dots, hyphens or underscores (it becomes part of the token's sub claim)."
  }
}

variable "main_branch" {
  description = "The branch whose pushes plan (and hand the plan to the apply job); pull requests plan too."
  type        = string
  default     = "main"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,200}$", var.main_branch)) && !startswith(var.main_branch, "refs/")
    error_message = "main_branch must be a branch name such as main (no refs/heads/ prefix, no wildcards)."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's token.actions.githubusercontent.com OIDC provider; false reuses the one named by oidc_provider_arn (one provider per account)."
  type        = bool
  default     = true
  nullable    = false
}

variable "oidc_provider_arn" {
  description = "The account's existing GitHub OIDC provider, when create_oidc_provider is false."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com."
  }

  validation {
    condition     = var.create_oidc_provider == (var.oidc_provider_arn == null)
    error_message = "Set oidc_provider_arn exactly when create_oidc_provider is false (reuse the account's provider, or create one)."
  }
}

variable "state" {
  description = "Where this env's Terraform state lives (from bootstrap): the bucket, the state object's key (env:/<env>/artificien.tfstate), the bucket's KMS key, and the prefix under which the plan job hands its saved plan to the apply job."
  type = object({
    bucket             = string
    object_key         = string
    kms_key_arn        = string
    saved_plans_prefix = string
  })
  nullable = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state.bucket))
    error_message = "state.bucket must be an S3 bucket name."
  }

  validation {
    condition     = length(var.state.object_key) > 0 && !startswith(var.state.object_key, "/") && !strcontains(var.state.object_key, "*")
    error_message = "state.object_key must be the state object's key, e.g. env:/dev/artificien.tfstate (no leading slash, no wildcard)."
  }

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$", var.state.kms_key_arn))
    error_message = "state.kms_key_arn must be the ARN of the state bucket's KMS key (arn:aws:kms:<region>:<account>:key/<id>)."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*/$", var.state.saved_plans_prefix)) && !startswith(var.state.saved_plans_prefix, "env:")
    error_message = "state.saved_plans_prefix must be a key prefix ending in / outside the state's env:/ tree, e.g. plans/dev/."
  }
}

variable "plan_policy_arns" {
  description = "Managed policies of the plan role besides its state access: what a refresh must read."
  type        = list(string)
  default     = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.plan_policy_arns : can(regex("^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/", arn))])
    error_message = "plan_policy_arns must be IAM policy ARNs."
  }
}

variable "apply_policy_arns" {
  description = "Managed policies of the apply role: the rights to create the whole platform, capped by the module's permissions boundary."
  type        = list(string)
  default     = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  nullable    = false

  validation {
    condition     = length(var.apply_policy_arns) > 0 && alltrue([for arn in var.apply_policy_arns : can(regex("^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/", arn))])
    error_message = "apply_policy_arns must be one or more IAM policy ARNs."
  }
}

variable "plan_session_seconds" {
  description = "Longest session of the plan role, in seconds."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.plan_session_seconds >= 3600 && var.plan_session_seconds <= 43200
    error_message = "plan_session_seconds must be between 3600 and 43200."
  }
}

variable "apply_session_seconds" {
  description = "Longest session of the apply role, in seconds: an apply that outlives its credentials stops half-way."
  type        = number
  default     = 7200
  nullable    = false

  validation {
    condition     = var.apply_session_seconds >= 3600 && var.apply_session_seconds <= 43200
    error_message = "apply_session_seconds must be between 3600 and 43200."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
