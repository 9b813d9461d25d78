aws_region         = "us-east-1"
log_retention_days = 365

# Every public name (orchestration., *.nodes., api., jupyter., the website itself) and the
# certificate come from this domain, whose Route 53 zone must exist and be delegated to
# (artificien-infra preflight --env staging checks): docs/aws-account.md.
domain = "staging.artificien.com"

cognito_domain_prefix = "artificien-staging-auth"

noncurrent_version_expiration_days = 90

# Compute.
nat_gateway_enabled = true
single_nat_gateway  = true

# dev and staging are torn down and rebuilt: let the OAuth secret go at once
jupyterhub_secret_recovery_window_days  = 0
pygrid_role_secret_recovery_window_days = 0

letsencrypt_email = "ops@artificien.com"

website_repository_url                 = "https://github.com/artificien/website"
amplify_repository_token_ssm_parameter = "/artificien/staging/website-repository-token"
website_branches                       = { staging = "staging" }
