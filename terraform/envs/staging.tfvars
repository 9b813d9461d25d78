aws_region         = "us-east-1"
log_retention_days = 365

cognito_domain_prefix = "artificien-staging-auth"

noncurrent_version_expiration_days = 90
model_api_cors_allowed_origins     = ["https://staging.artificien.com"]

# Compute. Replace the certificate ARNs and domains with your account's before the first apply.
nat_gateway_enabled           = true
single_nat_gateway            = true
orchestration_certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/replace-me-staging-orchestration"

pygrid_nodes_domain          = "nodes.staging.artificien.com"
pygrid_nodes_certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/replace-me-staging-nodes"

# dev and staging are torn down and rebuilt: let the OAuth secret go at once
jupyterhub_secret_recovery_window_days  = 0
pygrid_role_secret_recovery_window_days = 0

jupyter_domain    = "jupyter.staging.artificien.com"
letsencrypt_email = "ops@artificien.com"

website_repository_url                 = "https://github.com/artificien/website"
amplify_repository_token_ssm_parameter = "/artificien/staging/website-repository-token"
website_branches                       = { staging = "staging" }
