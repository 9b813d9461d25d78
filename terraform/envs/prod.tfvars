aws_region         = "us-east-1"
log_retention_days = 731

cognito_domain_prefix    = "artificien-auth"
jupyterhub_callback_urls = ["https://jupyter.artificien.com/hub/oauth_callback"]
jupyterhub_logout_urls   = ["https://jupyter.artificien.com/hub/logout"]
password_minimum_length  = 14
