"""PyGrid's database role: created and kept current by the platform, so nodes never hold the
master credentials.

Invoked at apply (Terraform's ``aws_lambda_invocation``) inside the VPC: it reads the AWS-managed
master secret fresh on every run (so it keeps working across any rotation of it), creates or
updates the non-master role PyGrid connects as (CREATEDB for its per-node databases; no
superuser, cannot create roles), and writes that role's secret, whose ``url`` key is the
``DATABASE_URL`` the PyGrid fork reads.
"""
