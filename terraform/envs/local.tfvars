# The local AWS emulator (moto server on loopback): no AWS account needed.
# The wrapper injects environment, aws_endpoint_url and lambda_packages.
aws_region = "us-east-1"

cognito_domain_prefix = "artificien-local-auth"

# Storage: small samples keep local runs quick. (Destroy empties the buckets of every env but
# prod: terraform/main.tf decides that, not the tfvars.)
max_sample_rows = 100000

# Model API: the website's dev server.
model_api_cors_allowed_origins = ["http://localhost:3000"]

# Compute: nothing runs on the emulator, so no NAT gateways or interface endpoints; no
# certificates either (the emulator cannot issue them): the load balancers listen on plain HTTP.
nat_gateway_enabled         = false
interface_endpoints_enabled = false

# The emulator stores Lambda code but runs none, and no PostgreSQL answers behind its cluster
# endpoint: PyGrid's database-role function is deployed but not invoked (its code is tested
# against a real PostgreSQL by the unit tests).
pygrid_role_provisioning_enabled        = false
pygrid_role_secret_recovery_window_days = 0

# PyGrid nodes answer on <app>.nodes.artificien.local (HTTP, see above).
pygrid_nodes_domain = "nodes.artificien.local"

# JupyterHub: the host is created but never boots on the emulator. moto ships no Ubuntu 22.04
# image, so the lookup uses one it has.
jupyter_domain                         = "jupyter.local.artificien.test"
letsencrypt_email                      = "ops@artificien.test"
jupyterhub_ami_name_pattern            = "ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*"
jupyterhub_secret_recovery_window_days = 0

# The emulator has no Amplify: the website is not hosted locally.
amplify_enabled = false
