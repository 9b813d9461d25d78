# The local AWS emulator (moto server on loopback): no AWS account needed.
# The wrapper injects environment, aws_endpoint_url and lambda_packages.
aws_region = "us-east-1"

# Keep local logs short; the emulator forgets them on `make local-down` anyway.
log_retention_days = 7
