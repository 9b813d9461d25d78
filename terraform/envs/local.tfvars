# The local AWS emulator (moto server on loopback): no AWS account needed.
# The wrapper injects environment, aws_endpoint_url and lambda_packages.
aws_region = "us-east-1"

# Identity: the hosted UI and JupyterHub are reached on localhost.
cognito_domain_prefix    = "artificien-local-auth"
jupyterhub_callback_urls = ["http://localhost:8000/hub/oauth_callback"]
jupyterhub_logout_urls   = ["http://localhost:8000/hub/logout"]
