# The role PyGrid connects as, and its secret: the nodes never hold the master credentials.
#
# A function inside the VPC (lambdas/pygrid_db_role) creates the role with real SQL: it reads the
# RDS-managed master secret fresh on every run, so an RDS rotation of that secret (every 7 days by
# default) changes nothing for it or for the nodes; it gives the role LOGIN and CREATEDB only (the
# fork creates `<node_id>db` itself) and sends the server a SCRAM verifier, never the password
# (the parameter group logs DDL). It writes the role's secret: RDS's key names plus `url`, the
# fork's DATABASE_URL (`postgresql://pygrid:<percent-encoded password>@<endpoint>:5432/`), which
# the node tasks receive through ECS secrets at start. Terraform holds neither password: the
# secret has no version here, and the invocation's answer in state is names and flags.
#
# The invocation runs again whenever what it writes could be stale: a replaced cluster (new
# resource id or endpoint), a new secret, a new role name or new code.
#
# Every PyGrid node also gets a role of its own, so that no node can open another node's
# database: the node manager writes the node's secret under node_secret_name_prefix (its own
# role `node_<slug>`, a fresh password, DATABASE_URL) and invokes this same function with
# {action = "node_up", node_id = <slug>}; the function makes that LOGIN role (no CREATEDB, no
# CREATEROLE) and its database `<slug without ->db`, owned by it and closed to PUBLIC. On down,
# "node_down" takes the role's login away and keeps the database unless asked. The function only
# reads those secrets; the node manager alone writes and deletes them.

locals {
  role_function_name = "${var.name}-pygrid_db_role"
  role_secret_name   = "${var.name}/pygrid-database/${var.role.name}"

  # Apart from the shared role's secret (<name>/pygrid-database/...): IAM scopes on this prefix.
  node_secret_name_prefix = "${var.name}/pygrid-nodes/"
  node_secret_arn_prefix  = "arn:${local.partition}:secretsmanager:${var.region}:${var.account_id}:secret:${local.node_secret_name_prefix}"

  role_function_environment = {
    MASTER_SECRET_ARN  = aws_rds_cluster.this.master_user_secret[0].secret_arn
    ROLE_SECRET_ARN    = aws_secretsmanager_secret.role.arn
    DATABASE_HOST      = aws_rds_cluster.this.endpoint
    DATABASE_PORT      = tostring(aws_rds_cluster.this.port)
    ROLE_NAME          = var.role.name
    ADMIN_DATABASE     = "postgres"
    PROTECTED_DATABASE = var.database.database_name
    DATABASE_TLS       = "require"
    NODE_SECRET_PREFIX = local.node_secret_name_prefix
  }
}

resource "aws_secretsmanager_secret" "role" {
  # checkov:skip=CKV2_AWS_57: the nodes read this password once, at task start (ECS secrets); a scheduled rotation would lock every running node out of its database until it is restarted. The role function keeps it current on every apply that could make it stale, and RDS's own rotation of the master secret does not touch it.
  name                    = local.role_secret_name
  description             = "PyGrid's shared database role ${var.role.name}: username, password, host, port and url (a DATABASE_URL in the fork's form; each node has a secret of its own). Written by ${local.role_function_name}, never by Terraform."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.role.secret_recovery_window_days

  tags = var.tags
}

# The function's network: out to the database and to Secrets Manager (HTTPS, through the VPC
# endpoint or NAT); nothing comes in.
resource "aws_security_group" "role_function" {
  name        = "${var.name}-pygrid-db-role"
  description = "PyGrid database-role function: to the database and HTTPS only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-pygrid-db-role" })
}

resource "aws_vpc_security_group_egress_rule" "role_function_to_database" {
  security_group_id            = aws_security_group.role_function.id
  description                  = "PostgreSQL on the PyGrid database"
  ip_protocol                  = "tcp"
  from_port                    = aws_rds_cluster.this.port
  to_port                      = aws_rds_cluster.this.port
  referenced_security_group_id = aws_security_group.this.id

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "role_function_https" {
  security_group_id = aws_security_group.role_function.id
  description       = "HTTPS to Secrets Manager (VPC endpoint or NAT)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "database_from_role_function" {
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from the PyGrid database-role function"
  ip_protocol                  = "tcp"
  from_port                    = aws_rds_cluster.this.port
  to_port                      = aws_rds_cluster.this.port
  referenced_security_group_id = aws_security_group.role_function.id

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "role_function" {
  name              = "/aws/lambda/${local.role_function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_lambda_function" "role" {
  # checkov:skip=CKV_AWS_116: only Terraform invokes it, synchronously (aws_lambda_invocation): a failure fails the apply with the function's message, there is no asynchronous event to keep.
  # checkov:skip=CKV_AWS_115: a reservation is the env's choice (role.reserved_concurrency), as for the platform's other functions: a new account's Lambda quota can be too low for any. Only Terraform invokes it, once per apply, under the state lock, so runs never overlap.
  # checkov:skip=CKV_AWS_272: packages are built reproducibly by `artificien-infra package` and pinned by source_code_hash in the plan; AWS Signer is not available in the local emulator every change is tested against.
  function_name                  = local.role_function_name
  description                    = "Creates and keeps current PyGrid's database roles (the shared one and one per node) and the shared one's secret (never the master's)."
  role                           = aws_iam_role.role_function.arn
  handler                        = "pygrid_db_role.handler.handler"
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  filename                       = var.role.package.filename
  source_code_hash               = var.role.package.source_code_hash
  layers                         = var.role.layers
  memory_size                    = 256
  timeout                        = 60
  reserved_concurrent_executions = var.role.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.role_function.id]
  }

  environment {
    variables = local.role_function_environment
  }

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.role_function, aws_iam_role_policy.role_function]
}

resource "aws_lambda_invocation" "role" {
  count = var.role.provisioning_enabled ? 1 : 0

  function_name = aws_lambda_function.role.function_name
  input         = jsonencode({ action = "provision" })

  triggers = {
    cluster_resource_id = aws_rds_cluster.this.cluster_resource_id
    endpoint            = aws_rds_cluster.this.endpoint
    port                = tostring(aws_rds_cluster.this.port)
    role_secret_arn     = aws_secretsmanager_secret.role.arn
    role_name           = var.role.name
    code                = var.role.package.source_code_hash
  }

  # The cluster answers only once an instance runs, and the function must be able to reach it.
  depends_on = [
    aws_rds_cluster_instance.this,
    aws_vpc_security_group_ingress_rule.database_from_role_function,
    aws_vpc_security_group_egress_rule.role_function_to_database,
    aws_vpc_security_group_egress_rule.role_function_https,
  ]
}
