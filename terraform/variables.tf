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

variable "powertools_layer_arn" {
  description = "Version ARN of the Powertools for AWS Lambda (Python) v3 layer for python3.12 on arm64 that every function uses. null: AWS's own layer in aws_region (arn:aws:lambda:<region>:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27)."
  type        = string
  default     = null

  validation {
    condition     = var.powertools_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.powertools_layer_arn))
    error_message = "powertools_layer_arn must be a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>) or null."
  }
}

variable "project" {
  description = "Project name; the first part of every resource name."
  type        = string
  default     = "artificien"

  validation {
    # <project>-<env> names load balancers, whose names are capped at 32 characters
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.project))
    error_message = "project must be 2-12 lower-case letters, digits or hyphens, starting with a letter."
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

variable "lambda_reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) a function, by function: post_confirmation, sample_data, model_api, marketplace_api, node_manager, pygrid_db_role. Unset: nothing reserved, the functions share the account's unreserved pool. Lambda keeps 100 of an account's concurrency unreserved, so an env that reserves R needs a quota of at least R + 100 (a new account may have 10): docs/aws-account.md."
  type        = map(number)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for f in keys(var.lambda_reserved_concurrency) : contains(["post_confirmation", "sample_data", "model_api", "marketplace_api", "node_manager", "pygrid_db_role"], f)])
    error_message = "lambda_reserved_concurrency keys must be among post_confirmation, sample_data, model_api, marketplace_api, node_manager, pygrid_db_role."
  }

  validation {
    condition     = alltrue([for n in values(var.lambda_reserved_concurrency) : n >= 1 && floor(n) == n])
    error_message = "lambda_reserved_concurrency values must be whole numbers >= 1 (0 would disable the function)."
  }
}

variable "deletion_protection" {
  description = "Deletion protection of the tables, the user pool, the database and the load balancers; where it is off, destroy also empties the buckets and image repositories. null: on in prod only. false in prod is for `artificien-infra rehearse`, which lifts it to tear down its copy of prod on the emulator."
  type        = bool
  default     = null
}

# Account and table names -------------------------------------------------------------------------

variable "dedicated_account" {
  description = "This environment has an AWS account of its own (no other env's tables in it). null: true for prod, false otherwise. Only such an env may drop the table-name prefix."
  type        = bool
  default     = null
}

variable "table_name_prefix" {
  description = "Prefix of the three table names. null: \"<environment>-\" (dev-user_table). \"\": the plain user_table, model_table, dataset_table that the real website, orchestration node and libraries hard-code; allowed only with dedicated_account, because table names are unique per account and region, so two envs in one account would share (and overwrite) one set of tables."
  type        = string
  default     = null

  validation {
    condition     = var.table_name_prefix != "" || coalesce(var.dedicated_account, var.environment == "prod")
    error_message = "table_name_prefix = \"\" needs dedicated_account = true: two environments in one AWS account must keep their prefixes, or they would share one set of tables."
  }
}

# DNS and certificates ----------------------------------------------------------------------------

variable "domain" {
  description = "The environment's DNS domain (dev.artificien.com, artificien.com): its public Route 53 zone gets orchestration.<domain>, *.nodes.<domain>, api.<domain> (one ACM certificate, validated through DNS), jupyter.<domain> and the website on <domain> itself. Required outside local; null in local, which has no DNS."
  type        = string
  default     = null

  validation {
    condition     = var.domain == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lower-case DNS name such as dev.artificien.com, without scheme or trailing dot."
  }

  validation {
    condition     = var.environment == "local" || var.domain != null
    error_message = "domain is required outside local: every public name and certificate of the env comes from it."
  }
}

variable "create_hosted_zone" {
  description = "Create the public hosted zone of domain (then delegate it from the parent zone: the dns_name_servers output). false (default): the zone exists already and is delegated; artificien-infra preflight checks both."
  type        = bool
  default     = false
  nullable    = false
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

variable "cognito_email_sender" {
  description = "Cognito mails (sign-up codes, recovery) through Amazon SES from from_address, which must be verified in SES in aws_region as itself or as its domain (ses_identity, default the address). Required in prod: Cognito's default sender sends only a small number of mails a day. null (dev, staging, local): the default sender."
  type = object({
    from_address = string
    from_name    = optional(string, "Artificien")
    ses_identity = optional(string)
    reply_to     = optional(string)
  })
  default = null

  validation {
    condition     = var.environment != "prod" || var.cognito_email_sender != null
    error_message = "prod needs cognito_email_sender (a from_address verified in SES): Cognito's default sender would cap prod's sign-up mails at its small daily quota."
  }
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

# Storage and sample data -------------------------------------------------------------------------

variable "noncurrent_version_expiration_days" {
  description = "Days an overwritten or deleted S3 object version is kept."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number >= 1."
  }
}

variable "default_sample_rows" {
  description = "Rows of a sample dataset whose item has no num_devices."
  type        = number
  default     = 1000
  nullable    = false

  validation {
    condition     = var.default_sample_rows >= 0 && floor(var.default_sample_rows) == var.default_sample_rows
    error_message = "default_sample_rows must be a whole number >= 0."
  }
}

variable "max_sample_rows" {
  description = "Upper bound on the rows of any sample dataset."
  type        = number
  default     = 1000000
  nullable    = false

  validation {
    condition     = var.max_sample_rows >= 1 && var.max_sample_rows <= 10000000 && floor(var.max_sample_rows) == var.max_sample_rows
    error_message = "max_sample_rows must be a whole number between 1 and 10000000."
  }
}

variable "dataset_limits" {
  description = "Limits no registration can run past, enforced by the registration API and again by the sample generator: attributes per app, MiB of one sample CSV (rows are reduced to fit; num_devices is honoured only within it), apps per owner (the API)."
  type = object({
    max_attributes     = optional(number, 100)
    max_sample_mib     = optional(number, 100)
    max_apps_per_owner = optional(number, 20)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.dataset_limits.max_attributes >= 1 && var.dataset_limits.max_attributes <= 1000 && floor(var.dataset_limits.max_attributes) == var.dataset_limits.max_attributes
    error_message = "dataset_limits.max_attributes must be a whole number between 1 and 1000."
  }

  validation {
    condition     = var.dataset_limits.max_sample_mib >= 1 && var.dataset_limits.max_sample_mib <= 10240 && floor(var.dataset_limits.max_sample_mib) == var.dataset_limits.max_sample_mib
    error_message = "dataset_limits.max_sample_mib must be a whole number between 1 and 10240."
  }

  validation {
    condition     = var.dataset_limits.max_apps_per_owner >= 1 && var.dataset_limits.max_apps_per_owner <= 10000 && floor(var.dataset_limits.max_apps_per_owner) == var.dataset_limits.max_apps_per_owner
    error_message = "dataset_limits.max_apps_per_owner must be a whole number between 1 and 10000."
  }
}

# Model API ---------------------------------------------------------------------------------------

variable "model_api_cors_allowed_origins" {
  description = "Origins allowed to call the model API from a browser besides the website's own, which come from domain and the Amplify branches (e.g. a developer's http://localhost:3000)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for o in var.model_api_cors_allowed_origins : can(regex("^(https://[A-Za-z0-9.-]+(:[0-9]+)?|http://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?)$", o))])
    error_message = "model_api_cors_allowed_origins must be https origins without a path (http only for localhost)."
  }
}

variable "model_api_throttling" {
  description = "Stage-wide throttling of the model API (requests per second, burst)."
  type = object({
    rate_limit  = optional(number, 20)
    burst_limit = optional(number, 40)
  })
  default  = {}
  nullable = false
}

# Network, cluster, database, orchestration -------------------------------------------------------

variable "vpc_cidr_block" {
  description = "IPv4 CIDR of the platform VPC."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr_block))
    error_message = "vpc_cidr_block must be an IPv4 CIDR."
  }
}

variable "nat_gateway_enabled" {
  description = "NAT gateways for the private subnets (the Fargate tasks pull images and call AWS through them)."
  type        = bool
  default     = true
  nullable    = false
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway instead of one per zone (cheaper, one zone's outage away from losing egress)."
  type        = bool
  default     = false
  nullable    = false
}

variable "interface_endpoints_enabled" {
  description = "Interface VPC endpoints for the AWS APIs the tasks call (saves NAT traffic, costs per hour)."
  type        = bool
  default     = false
  nullable    = false
}

variable "pygrid_database" {
  description = "Sizing of PyGrid's Aurora Serverless v2 PostgreSQL (see modules/ecs_cluster)."
  type = object({
    min_capacity              = optional(number, 0.5)
    max_capacity              = optional(number, 4)
    instance_count            = optional(number, 1)
    backup_retention_days     = optional(number, 14)
    monitoring_interval       = optional(number, 60)
    performance_insights_days = optional(number, 7)
  })
  # Written out in full so that a checkov scan of the root sees the backup and monitoring values.
  default = {
    min_capacity              = 0.5
    max_capacity              = 4
    instance_count            = 1
    backup_retention_days     = 14
    monitoring_interval       = 60
    performance_insights_days = 7
  }
  nullable = false
}

variable "orchestration_image" {
  description = "Orchestration node image, pinned by tag or digest (never latest). null: the platform's ECR repository at orchestration_image_tag."
  type        = string
  default     = null

  validation {
    condition     = var.orchestration_image == null || (can(regex("(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.orchestration_image)) && !can(regex(":latest$", var.orchestration_image)))
    error_message = "orchestration_image must be pinned by tag (not latest) or digest, or null (the platform's ECR repository)."
  }
}

variable "orchestration_image_tag" {
  description = "Tag of the orchestration image in the platform's ECR repository (used when orchestration_image is null); by default the upstream commit it was built from. Never latest: the repository's tags are immutable."
  type        = string
  default     = "ec2c677"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.orchestration_image_tag)) && var.orchestration_image_tag != "latest"
    error_message = "orchestration_image_tag must be a Docker tag other than latest."
  }
}

variable "orchestration_desired_count" {
  description = "Number of orchestration tasks."
  type        = number
  default     = 1

  validation {
    condition     = var.orchestration_desired_count >= 1 && floor(var.orchestration_desired_count) == var.orchestration_desired_count
    error_message = "orchestration_desired_count must be a whole number >= 1."
  }
}

# PyGrid nodes ------------------------------------------------------------------------------------

variable "pygrid_container_image" {
  description = "PyGrid node image, pinned by tag or digest (never latest). null: the platform's ECR repository at pygrid_image_tag."
  type        = string
  default     = null

  validation {
    condition     = var.pygrid_container_image == null || (can(regex("(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.pygrid_container_image)) && !can(regex(":latest$", var.pygrid_container_image)))
    error_message = "pygrid_container_image must be pinned by tag (not latest) or digest, or null (the platform's ECR repository)."
  }
}

variable "pygrid_image_tag" {
  description = "Tag of the PyGrid image in the platform's ECR repository (used when pygrid_container_image is null); by default the fork's commit it was built from. Never latest."
  type        = string
  default     = "31e9ed9"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.pygrid_image_tag)) && var.pygrid_image_tag != "latest"
    error_message = "pygrid_image_tag must be a Docker tag other than latest."
  }
}

variable "pygrid_role_provisioning_enabled" {
  description = "Run the PyGrid database-role function at apply (creates the role and writes its secret). false only on the local emulator, which cannot run Lambda code."
  type        = bool
  default     = true
  nullable    = false
}

variable "pygrid_role_secret_recovery_window_days" {
  description = "Recovery window of PyGrid's role secret (0 deletes at once: throw-away envs)."
  type        = number
  default     = 30
  nullable    = false
}

variable "pygrid_container_image_repository_arn" {
  description = "ECR repository of pygrid_container_image when that is set (pull rights); null for a public image. Ignored when pygrid_container_image is null (the platform's repository)."
  type        = string
  default     = null
}

variable "pygrid_node_cpu" {
  description = "Fargate CPU units of one PyGrid node."
  type        = number
  default     = 512
}

variable "pygrid_node_memory" {
  description = "Memory (MiB) of one PyGrid node."
  type        = number
  default     = 1024
}

variable "pygrid_nodes_domain" {
  description = "Node host names are <app-slug>.<this> (a wildcard record points at the shared load balancer). null: nodes.<domain>; set only where domain is null (local)."
  type        = string
  default     = null

  validation {
    condition     = var.pygrid_nodes_domain != null || var.domain != null
    error_message = "pygrid_nodes_domain is needed when domain is null."
  }
}

# JupyterHub --------------------------------------------------------------------------------------

variable "jupyterhub_enabled" {
  description = "Deploy the JupyterHub host."
  type        = bool
  default     = true
  nullable    = false
}

variable "jupyter_domain" {
  description = "DNS name of JupyterHub (Let's Encrypt certificate, Cognito callback https://<this>/hub/oauth_callback). null: jupyter.<domain>, whose A record goes into the domain's zone; set only where domain is null (local)."
  type        = string
  default     = null

  validation {
    condition     = var.jupyter_domain != null || var.domain != null
    error_message = "jupyter_domain is needed when domain is null."
  }
}

variable "letsencrypt_email" {
  description = "Let's Encrypt contact address for the JupyterHub certificate."
  type        = string
}

variable "jupyterhub_instance_type" {
  description = "JupyterHub instance type."
  type        = string
  default     = "t3.large"
}

variable "jupyterhub_volume_size" {
  description = "JupyterHub root volume, GiB."
  type        = number
  default     = 50
}

variable "jupyterhub_ami_id" {
  description = "JupyterHub AMI; null: the newest AMI matching jupyterhub_ami_name_pattern (Canonical)."
  type        = string
  default     = null
}

variable "jupyterhub_ami_name_pattern" {
  description = "AMI name pattern looked up when jupyterhub_ami_id is null."
  type        = string
  default     = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"
}

variable "jupyterhub_admin_users" {
  description = "Cognito user names that administer JupyterHub."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "jupyterhub_secret_recovery_window_days" {
  description = "Recovery window of the OAuth client secret in Secrets Manager (0 deletes at once)."
  type        = number
  default     = 30
}

# Website (Amplify) -------------------------------------------------------------------------------

variable "amplify_enabled" {
  description = "Host the website on Amplify (the emulator has no Amplify: off in local)."
  type        = bool
  default     = true
  nullable    = false

  # the website is served on <domain> and calls the API on api.<domain>
  validation {
    condition     = !var.amplify_enabled || var.domain != null
    error_message = "amplify_enabled needs domain: the website is served on <domain> and reaches the API at api.<domain>."
  }
}

variable "website_repository_url" {
  description = "https URL of the website's Git repository."
  type        = string
  default     = null
}

variable "website_branches" {
  description = "Git branch => stage (dev|staging|prod), e.g. { master = \"dev\" }."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "amplify_repository_token_ssm_parameter" {
  description = "Name of the SSM SecureString parameter holding the repository access token."
  type        = string
  default     = null
}

variable "amplify_repository_token_secret_name" {
  description = "Name of the Secrets Manager secret holding the repository access token."
  type        = string
  default     = null
}

variable "website_build" {
  description = "How Amplify builds the website, as the real marketplace repository does (its amplify.yml: yarn install, yarn build, publish dist/), installing exactly the committed yarn.lock. The build also writes src/aws-exports.js, which the site imports, from the Cognito variables the app carries (modules/amplify)."
  type = object({
    install_command     = optional(string, "yarn install --frozen-lockfile")
    build_command       = optional(string, "yarn build")
    artifacts_directory = optional(string, "dist")
  })
  default  = {}
  nullable = false
}

