variable "name" {
  description = "Prefix of every resource name, e.g. \"artificien-dev\"; the app is \"<name>-website\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be 2-41 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags applied to every resource (the provider's default_tags carry them too)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "account_id" {
  description = "AWS account id; scopes the service role's trust and log permissions."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region of the app."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "repository_url" {
  description = "HTTPS URL of the marketplace website's Git repository, e.g. https://github.com/<org>/<repo>."
  type        = string

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+/[A-Za-z0-9._/-]+$", var.repository_url)) && !endswith(var.repository_url, ".git")
    error_message = "repository_url must be an https URL of the repository, without a trailing .git."
  }
}

variable "repository_token" {
  description = "Where the repository access token is kept, by name: an SSM SecureString parameter or a Secrets Manager secret. Exactly one. The token itself never goes through code or tfvars. For GitHub the AWS Amplify GitHub App must be installed on the repository, and the token must be a personal access token of a user with admin rights on the repository (classic: repo and admin:repo_hook), because creating the app adds the repository webhook; a read-only token, or a GitHub App's own installation token, fails with \"There was an issue setting up your repository\" (docs/amplify.md)."
  type = object({
    ssm_parameter_name          = optional(string)
    secrets_manager_secret_name = optional(string)
  })
  nullable = false

  validation {
    condition     = (var.repository_token.ssm_parameter_name == null) != (var.repository_token.secrets_manager_secret_name == null)
    error_message = "Set exactly one of repository_token.ssm_parameter_name and repository_token.secrets_manager_secret_name."
  }

  validation {
    condition     = var.repository_token.ssm_parameter_name == null || can(regex("^[A-Za-z0-9_./-]+$", coalesce(var.repository_token.ssm_parameter_name, "x"))) && length(coalesce(var.repository_token.ssm_parameter_name, "x")) <= 2048
    error_message = "repository_token.ssm_parameter_name must be an SSM parameter name."
  }

  validation {
    condition     = var.repository_token.secrets_manager_secret_name == null || can(regex("^[A-Za-z0-9/_+=.@-]+$", coalesce(var.repository_token.secrets_manager_secret_name, "x"))) && length(coalesce(var.repository_token.secrets_manager_secret_name, "x")) <= 512
    error_message = "repository_token.secrets_manager_secret_name must be a Secrets Manager secret name."
  }
}

variable "branches" {
  description = "Git branch => the stage it deploys (its STAGE environment value), e.g. { master = \"dev\", staging = \"staging\", production = \"prod\" }. Each branch builds on every push."
  type        = map(string)
  nullable    = false

  validation {
    condition     = length(var.branches) > 0
    error_message = "branches must name at least one branch."
  }

  validation {
    condition     = alltrue([for stage in values(var.branches) : contains(["dev", "staging", "prod"], stage)])
    error_message = "Every branch's stage must be one of dev, staging, prod."
  }

  validation {
    condition     = alltrue([for branch in keys(var.branches) : can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$", branch))])
    error_message = "Branch names must be Git branch names (letters, digits, . _ / -)."
  }
}

variable "platform" {
  description = "Amplify platform: WEB for a static single-page site, WEB_COMPUTE for server-side rendering."
  type        = string
  default     = "WEB"

  validation {
    condition     = contains(["WEB", "WEB_COMPUTE"], var.platform)
    error_message = "platform must be WEB or WEB_COMPUTE."
  }
}

variable "build" {
  description = "How the app builds the site: install and build commands, the directory it publishes, cached paths, and where the build writes the Amplify configuration the site imports (aws_exports_path, from the Cognito environment variables). Default: npm ci, npm run build, publish build/, src/aws-exports.js."
  type = object({
    install_command     = optional(string, "npm ci")
    build_command       = optional(string, "npm run build")
    artifacts_directory = optional(string, "build")
    cache_paths         = optional(list(string), ["node_modules/**/*"])
    aws_exports_path    = optional(string, "src/aws-exports.js")
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for c in [var.build.install_command, var.build.build_command] : length(trimspace(c)) > 0 && !strcontains(c, "\n")])
    error_message = "build.install_command and build.build_command must be one non-empty line each."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.build.artifacts_directory)) && can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\.js$", var.build.aws_exports_path)) && !strcontains("/${var.build.artifacts_directory}/${var.build.aws_exports_path}/", "/../")
    error_message = "build.artifacts_directory and build.aws_exports_path (a .js file) must be relative paths inside the repository, without .. or spaces."
  }
}

variable "build_spec" {
  description = "A build specification (YAML) of your own instead of the one rendered from var.build; it must then write aws-exports itself. Note that an amplify.yml at the repository's root takes precedence over either."
  type        = string
  default     = null

  validation {
    condition     = var.build_spec == null || (can(yamldecode(var.build_spec).version) && can(yamldecode(var.build_spec).frontend))
    error_message = "build_spec must be YAML with version and frontend sections."
  }
}

variable "cognito" {
  description = "Cognito ids the website needs at build time (none is secret): user pool, web client (no secret), identity pool, and optionally the hosted-UI domain (<prefix>.auth.<region>.amazoncognito.com, aws-exports' oauth.domain)."
  type = object({
    user_pool_id     = string
    web_client_id    = string
    identity_pool_id = string
    oauth_domain     = optional(string)
  })

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]_[A-Za-z0-9]+$", var.cognito.user_pool_id))
    error_message = "cognito.user_pool_id must look like us-east-1_AbCdEf123."
  }

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]:[0-9a-f-]+$", var.cognito.identity_pool_id))
    error_message = "cognito.identity_pool_id must look like us-east-1:0123abcd-...."
  }

  validation {
    condition     = var.cognito.oauth_domain == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", coalesce(var.cognito.oauth_domain, "x.example")))
    error_message = "cognito.oauth_domain must be a host name without a scheme, e.g. artificien-auth.auth.us-east-1.amazoncognito.com."
  }
}

variable "cognito_variable_names" {
  description = "Names of the build environment variables that carry the Cognito ids, as the website's code reads them."
  type = object({
    region           = optional(string, "REACT_APP_AWS_REGION")
    user_pool_id     = optional(string, "REACT_APP_USER_POOL_ID")
    web_client_id    = optional(string, "REACT_APP_USER_POOL_WEB_CLIENT_ID")
    identity_pool_id = optional(string, "REACT_APP_IDENTITY_POOL_ID")
    oauth_domain     = optional(string, "REACT_APP_OAUTH_DOMAIN")
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for n in values(var.cognito_variable_names) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", n))])
    error_message = "Environment variable names must be letters, digits and underscores."
  }
}

variable "environment_variables" {
  description = "Further build environment variables for every branch (never secrets: Amplify shows them in its console)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = !contains(keys(var.environment_variables), "STAGE")
    error_message = "STAGE is set per branch from var.branches."
  }
}

variable "custom_domain" {
  description = "Optional custom domain: the domain (its DNS must be in Route 53 or verified by hand) and, per branch, its sub-domain prefix (\"\" for the apex). Null: the default amplifyapp.com URLs only."
  type = object({
    domain_name = string
    sub_domains = map(string)
  })
  default = null

  validation {
    condition     = var.custom_domain == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.custom_domain.domain_name))
    error_message = "custom_domain.domain_name must be a lower-case DNS name."
  }

  validation {
    condition     = var.custom_domain == null || alltrue([for p in values(try(var.custom_domain.sub_domains, {})) : can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)?$", p))])
    error_message = "custom_domain.sub_domains values must be DNS labels or \"\"."
  }
}
