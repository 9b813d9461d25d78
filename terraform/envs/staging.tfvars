aws_region         = "us-east-1"
log_retention_days = 365
