aws_region         = "us-east-1"
log_retention_days = 365

cognito_domain_prefix    = "artificien-staging-auth"
jupyterhub_callback_urls = ["https://jupyter.staging.artificien.com/hub/oauth_callback"]
jupyterhub_logout_urls   = ["https://jupyter.staging.artificien.com/hub/logout"]
