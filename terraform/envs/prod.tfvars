aws_region         = "us-east-1"
log_retention_days = 731

# Every public name (orchestration., *.nodes., api., jupyter., the website itself) and the
# certificate come from this domain, whose Route 53 zone must exist and be delegated to
# (artificien-infra preflight --env prod checks): docs/aws-account.md.
domain = "artificien.com"

# prod has an AWS account of its own, so its tables carry the plain names the real website,
# orchestration node and libraries hard-code (user_table, model_table, dataset_table).
dedicated_account = true
table_name_prefix = ""

cognito_domain_prefix   = "artificien-auth"
password_minimum_length = 14

# Sign-up and recovery mails go through SES from the verified artificien.com domain identity (the
# account must also be out of the SES sandbox): docs/aws-account.md.
cognito_email_sender = {
  from_address = "no-reply@artificien.com"
  ses_identity = "artificien.com"
}

# No Lambda concurrency is reserved (lambda_reserved_concurrency): a new account's quota has no
# room for it, since Lambda keeps 100 unreserved. Once the account's "Concurrent executions" quota
# (L-B99A9384) exceeds 100 plus their sum, reservations may cap the functions, for example
# lambda_reserved_concurrency = { model_api = 10, sample_data = 5, node_manager = 5, post_confirmation = 5 }

noncurrent_version_expiration_days = 365
model_api_throttling               = { rate_limit = 50, burst_limit = 100 }

# Compute.
nat_gateway_enabled         = true
single_nat_gateway          = false
interface_endpoints_enabled = true
orchestration_desired_count = 2
pygrid_database             = { instance_count = 2, max_capacity = 16 }

letsencrypt_email = "ops@artificien.com"

website_repository_url                 = "https://github.com/artificien/website"
amplify_repository_token_ssm_parameter = "/artificien/prod/website-repository-token"
website_branches                       = { production = "prod" }
