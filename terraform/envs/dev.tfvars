aws_region         = "us-east-1"
log_retention_days = 365

cognito_domain_prefix = "artificien-dev-auth"

noncurrent_version_expiration_days = 30
model_api_cors_allowed_origins     = ["https://dev.artificien.com"]

# Compute. Replace the certificate ARNs and domains with your account's before the first apply.
nat_gateway_enabled           = true
single_nat_gateway            = true
orchestration_certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/replace-me-dev-orchestration"

pygrid_nodes_domain          = "nodes.dev.artificien.com"
pygrid_nodes_certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/replace-me-dev-nodes"

# dev and staging are torn down and rebuilt: let the OAuth secret go at once
jupyterhub_secret_recovery_window_days  = 0
pygrid_role_secret_recovery_window_days = 0

jupyter_domain    = "jupyter.dev.artificien.com"
letsencrypt_email = "ops@artificien.com"

website_repository_url                 = "https://github.com/artificien/website"
amplify_repository_token_ssm_parameter = "/artificien/dev/website-repository-token"
website_branches                       = { master = "dev" }
pygrid_database                        = { max_capacity = 2 }
