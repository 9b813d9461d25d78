variable "name" {
  description = "Prefix of every resource name, e.g. \"artificien-dev\"."
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

variable "region" {
  description = "AWS region of the environment; the host's AWS CLI calls go there."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "kms_key_arn" {
  description = "ARN of the platform's KMS key: encrypts the root volume and the OAuth client secret, and (in the storage module) the buckets the host reads."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (not an alias)."
  }
}

variable "vpc_id" {
  description = "VPC of the host."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "subnet_id" {
  description = "Public subnet the host runs in (it is reached directly on 80/443 through its Elastic IP)."
  type        = string

  validation {
    condition     = can(regex("^subnet-[0-9a-f]+$", var.subnet_id))
    error_message = "subnet_id must look like subnet-0123abcd."
  }
}

variable "sample_data_bucket" {
  description = "Sample-data bucket (storage module): synced read-only into every user's sample_data/ folder."
  type = object({
    name = string
    arn  = string
  })

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.sample_data_bucket.name)) && can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.sample_data_bucket.arn)) && endswith(var.sample_data_bucket.arn, ":::${var.sample_data_bucket.name}")
    error_message = "sample_data_bucket must be a valid bucket name and that bucket's ARN."
  }
}

variable "tutorials_bucket" {
  description = "Tutorials bucket (storage module): synced read-only into every user's tutorials/ folder."
  type = object({
    name = string
    arn  = string
  })

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.tutorials_bucket.name)) && can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.tutorials_bucket.arn)) && endswith(var.tutorials_bucket.arn, ":::${var.tutorials_bucket.name}")
    error_message = "tutorials_bucket must be a valid bucket name and that bucket's ARN."
  }
}

variable "cognito" {
  description = "The Cognito user pool's hosted UI (base URL, no trailing slash, e.g. https://artificien-dev.auth.us-east-1.amazoncognito.com) and the JupyterHub OAuth client's id."
  type = object({
    hosted_ui_base_url = string
    client_id          = string
  })

  validation {
    condition     = can(regex("^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", var.cognito.hosted_ui_base_url))
    error_message = "cognito.hosted_ui_base_url must be an https URL of a host only, without a trailing slash."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9]{1,128}$", var.cognito.client_id))
    error_message = "cognito.client_id must be a Cognito app client id (letters and digits)."
  }
}

variable "cognito_client_secret" {
  description = "Secret of the JupyterHub OAuth client. Stored only in a Secrets Manager secret (KMS-encrypted) that the host reads at boot; never in user data or outputs."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.cognito_client_secret) > 0
    error_message = "cognito_client_secret must not be empty."
  }
}

variable "jupyter_domain" {
  description = "DNS name users reach JupyterHub at (Let's Encrypt certificate, OAuth callback https://<domain>/hub/oauth_callback)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.jupyter_domain))
    error_message = "jupyter_domain must be a lower-case DNS name such as jupyter.example.com."
  }
}

variable "letsencrypt_email" {
  description = "Contact address registered with Let's Encrypt (expiry notices)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", var.letsencrypt_email))
    error_message = "letsencrypt_email must be an email address."
  }
}

variable "dns_record_enabled" {
  description = "Write jupyter_domain's A record (to the host's Elastic IP) into route53_zone_id. Off: manage DNS elsewhere, with the public_ip output."
  type        = bool
  default     = false
  nullable    = false
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone holding jupyter_domain; required when dns_record_enabled."
  type        = string
  default     = null

  validation {
    condition     = var.route53_zone_id == null || can(regex("^[A-Z0-9]{1,32}$", var.route53_zone_id))
    error_message = "route53_zone_id must be a Route 53 hosted zone id (upper-case letters and digits)."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the host (TLJH sizing: about 1 GB of memory per concurrent user on top of 1 GB)."
  type        = string
  default     = "t3.large"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must look like t3.large."
  }
}

variable "volume_size" {
  description = "Size of the encrypted root volume in GiB (users' home directories live on it; the sample and tutorial copies do not: see data_volume_size)."
  type        = number
  default     = 50

  validation {
    condition     = var.volume_size >= 20 && var.volume_size <= 16384 && floor(var.volume_size) == var.volume_size
    error_message = "volume_size must be a whole number of GiB between 20 and 16384."
  }
}

variable "data_volume_size" {
  description = "Size in GiB of the encrypted EBS volume mounted at /srv/data, where the notebook sync agent writes the sample and tutorial copies: a full sync fills this volume at worst, never the root volume with the users' home directories. Grows in place (EBS modify), without replacing the host."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.data_volume_size >= 1 && var.data_volume_size <= 16384 && floor(var.data_volume_size) == var.data_volume_size
    error_message = "data_volume_size must be a whole number of GiB between 1 and 16384."
  }
}

variable "user_limits" {
  description = "What one user's notebook server may use (TLJH limits.memory and limits.cpu, enforced by systemd): memory as a number with K, M, G or T (e.g. 2G), cpu in cores (fractions allowed). The defaults fit the default t3.large (2 vCPU, 8 GiB): no single user can take the whole host, and three busy users still leave memory for the hub."
  type = object({
    memory = optional(string, "2G")
    cpu    = optional(number, 1)
  })
  default  = {}
  nullable = false

  validation {
    condition     = can(regex("^[1-9][0-9]{0,5}[KMGT]$", var.user_limits.memory))
    error_message = "user_limits.memory must be a whole number followed by K, M, G or T, e.g. 2G or 512M."
  }

  validation {
    condition     = var.user_limits.cpu > 0 && var.user_limits.cpu <= 192
    error_message = "user_limits.cpu must be a number of cores above 0 (e.g. 0.5, 1 or 2), at most 192."
  }
}

variable "data_scientists_group_name" {
  description = "Cognito group whose members may sign in to JupyterHub (the cognito module's data_scientists_group_name): the hub reads it from the ID token's cognito:groups claim and refuses everyone else, admin_users excepted."
  type        = string
  default     = "data-scientists"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.data_scientists_group_name))
    error_message = "data_scientists_group_name must be 1-128 letters, digits, dots, underscores or hyphens."
  }
}

variable "ami_id" {
  description = "AMI of the host. Null (the default): the newest image matching ami_filter."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must look like ami-0123456789abcdef0, or be null."
  }
}

variable "ami_filter" {
  description = "How the AMI is looked up when ami_id is null: image owner and name pattern. Default: Canonical's Ubuntu 22.04 (jammy) amd64 server images, which TLJH supports."
  type = object({
    owner        = optional(string, "099720109477")
    name_pattern = optional(string, "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*")
  })
  default  = {}
  nullable = false

  validation {
    condition     = can(regex("^([0-9]{12}|amazon|self|aws-marketplace)$", var.ami_filter.owner))
    error_message = "ami_filter.owner must be an account id, amazon, self or aws-marketplace."
  }
}

variable "tljh_version" {
  description = "Version of The Littlest JupyterHub the bootstrap script installs (pinned so a rebuild is reproducible)."
  type        = string
  default     = "1.0.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.tljh_version))
    error_message = "tljh_version must be a release number such as 1.0.0."
  }

  validation {
    # TLJH 1.x installs OAuthenticator 16 (>=16.0.4,<17); the hub's sign-in config (the ID token's
    # claims, allowed_groups) is written for it. TLJH 2 brings OAuthenticator 17 and JupyterHub 5.
    condition     = startswith(var.tljh_version, "1.")
    error_message = "tljh_version must be a 1.x release: the hub's sign-in settings are written for the OAuthenticator 16 that TLJH 1.x installs."
  }
}

variable "admin_users" {
  description = "Cognito user names that are JupyterHub administrators."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for user in var.admin_users : can(regex("^[A-Za-z0-9._@+-]{1,128}$", user))])
    error_message = "admin_users must be Cognito user names (letters, digits and . _ @ + -)."
  }
}

variable "user_packages" {
  description = "pip requirement specifiers installed into the users' environment (the data-science stack)."
  type        = list(string)
  default     = ["numpy", "pandas", "scipy", "scikit-learn", "matplotlib", "seaborn", "torch", "boto3"]
  nullable    = false

  validation {
    condition     = alltrue([for package in var.user_packages : can(regex("^[A-Za-z0-9][A-Za-z0-9._\\[\\],<>=!~-]*$", package))])
    error_message = "user_packages must be plain pip requirement specifiers such as pandas or numpy>=1.26."
  }
}

variable "notebook_sync" {
  description = "The queue the sample-data and tutorials buckets notify (notebook_sync module): the host's agent long-polls it and copies each changed object into the shared folders."
  type = object({
    queue_url = string
    queue_arn = string
  })

  validation {
    condition     = can(regex("^https?://[A-Za-z0-9.:-]+/[0-9]{12}/[A-Za-z0-9_-]{1,80}$", var.notebook_sync.queue_url)) && can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}$", var.notebook_sync.queue_arn)) && endswith(var.notebook_sync.queue_url, "/${split(":", var.notebook_sync.queue_arn)[4]}/${split(":", var.notebook_sync.queue_arn)[5]}")
    error_message = "notebook_sync must be one queue's URL (https://sqs.<region>.amazonaws.com/<account>/<name>) and that queue's ARN."
  }
}

variable "reconcile_interval_minutes" {
  description = "How often the agent compares the shared folders with the whole buckets (it also does at start): the safety net behind the S3 events."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.reconcile_interval_minutes >= 5 && var.reconcile_interval_minutes <= 1440 && floor(var.reconcile_interval_minutes) == var.reconcile_interval_minutes
    error_message = "reconcile_interval_minutes must be a whole number between 5 and 1440."
  }
}

variable "platform" {
  description = "What notebooks need to reach the platform, written to the read-only /etc/artificien/config.json and to ARTIFICIEN_* environment variables of every single-user server: the user pool id, the website's app client id (no secret), the orchestration node's URL and the model API's URL. Ids and URLs only, never a secret."
  type = object({
    user_pool_id      = string
    web_client_id     = string
    orchestration_url = string
    api_url           = string
  })

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]_[A-Za-z0-9]{1,55}$", var.platform.user_pool_id))
    error_message = "platform.user_pool_id must be a Cognito user pool id such as us-east-1_AbCdEf123."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9]{1,128}$", var.platform.web_client_id))
    error_message = "platform.web_client_id must be a Cognito app client id (letters and digits)."
  }

  validation {
    condition     = alltrue([for url in [var.platform.orchestration_url, var.platform.api_url] : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$", url))])
    error_message = "platform.orchestration_url and platform.api_url must be plain http(s) URLs (host, optional port and path; no query, no quotes)."
  }
}

variable "tutorials_kernel" {
  description = "The second Jupyter kernel the tutorials run on, in its own conda environment installed at first boot: kernel name, display name, Python and pip versions, and every package pinned with ==. pip stays below 24.1, which refuses syft 0.2.9's metadata. The default kernel keeps user_packages."
  type = object({
    name           = optional(string, "artificien-pysyft")
    display_name   = optional(string, "Artificien (PySyft 0.2.9)")
    python_version = optional(string, "3.8")
    pip_version    = optional(string, "24.0")
    packages = optional(list(string), [
      "syft==0.2.9",
      "torch==1.4.0",
      "torchvision==0.5.0",
      "numpy==1.18.5",
      "scipy==1.4.1",
      "pandas==1.3.5",
      "scikit-learn==0.24.2",
      "artificienlib==0.1.6",
      "warrant==0.6.1",
      "websocket-client==0.57.0",
      "ipykernel==5.5.6",
      "jupyter-client==6.1.12",
    ])
  })
  default  = {}
  nullable = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,63}$", var.tutorials_kernel.name)) && can(regex("^[A-Za-z0-9][A-Za-z0-9 ().,_-]{0,79}$", var.tutorials_kernel.display_name))
    error_message = "tutorials_kernel.name must be lower-case letters, digits and hyphens; display_name letters, digits, spaces and ( ) . , _ - (no quotes)."
  }

  validation {
    condition     = can(regex("^3\\.[0-9]{1,2}$", var.tutorials_kernel.python_version)) && can(regex("^[0-9]+(\\.[0-9]+){0,2}$", var.tutorials_kernel.pip_version))
    error_message = "tutorials_kernel.python_version must look like 3.8 and pip_version like 24.0."
  }

  validation {
    condition     = length(var.tutorials_kernel.packages) > 0 && alltrue([for package in var.tutorials_kernel.packages : can(regex("^[A-Za-z0-9][A-Za-z0-9._-]*(\\[[A-Za-z0-9,._-]+\\])?==[0-9][A-Za-z0-9.+!-]*$", package))])
    error_message = "tutorials_kernel.packages must each be pinned exactly, as name==version (e.g. syft==0.2.9): a rebuilt host must get the same kernel."
  }

  validation {
    condition     = anytrue([for package in var.tutorials_kernel.packages : startswith(package, "ipykernel==")])
    error_message = "tutorials_kernel.packages must pin ipykernel: it is what makes the environment a Jupyter kernel."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted OAuth client secret stays recoverable; 0 deletes it at once (the local emulator, where the env is rebuilt often)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}
