# Aurora Serverless v2 PostgreSQL shared by the PyGrid nodes. The master password is generated
# and rotated by RDS into a Secrets Manager secret encrypted with the platform key: it never
# exists in code, tfvars or state (state holds only the secret's ARN).

locals {
  engine_major = split(".", var.database.engine_version)[0]

  # Account and region are inputs (docs/development.md); the partition is the platform key's.
  partition = split(":", var.kms_key_arn)[1]
  logs_arn  = "arn:${local.partition}:logs:${var.region}:${var.account_id}"
}

resource "aws_db_subnet_group" "this" {
  name        = "${var.name}-pygrid"
  description = "Private subnets of the PyGrid database"
  subnet_ids  = var.private_subnet_ids

  tags = var.tags
}

# No ingress here on purpose: modules/pygrid_node adds the only rule, from the PyGrid tasks'
# security group, on the database port. No egress either: the database initiates nothing.
resource "aws_security_group" "this" {
  name        = "${var.name}-pygrid-db"
  description = "PyGrid database: ingress only from the PyGrid tasks security group"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-pygrid-db" })
}

resource "aws_rds_cluster_parameter_group" "this" {
  name        = "${var.name}-pygrid-pg${local.engine_major}"
  family      = "aurora-postgresql${local.engine_major}"
  description = "PyGrid database: TLS only, DDL and slow-query logging"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  tags = var.tags
}

# RDS would create the export's log group itself, unencrypted and kept forever; own it instead.
resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/rds/cluster/${var.name}-pygrid/postgresql"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_rds_cluster" "this" {
  # checkov:skip=CKV_AWS_139: deletion protection follows var.deletion_protection, which the root sets in prod; dev, staging and local must stay destroyable by `make destroy`
  # checkov:skip=CKV2_AWS_8: recovery is Aurora's continuous backup (backup_retention_days of point-in-time restore) plus a final snapshot in prod; an AWS Backup plan on top would duplicate it for a database that holds only PyGrid's training state.
  cluster_identifier              = "${var.name}-pygrid"
  engine                          = "aurora-postgresql"
  engine_mode                     = "provisioned"
  engine_version                  = var.database.engine_version
  database_name                   = var.database.database_name
  master_username                 = var.database.master_username
  manage_master_user_password     = true
  master_user_secret_kms_key_id   = var.kms_key_arn
  port                            = 5432
  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = [aws_security_group.this.id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name

  storage_encrypted                   = true
  kms_key_id                          = var.kms_key_arn
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]

  backup_retention_period      = var.database.backup_retention_days
  preferred_backup_window      = var.database.preferred_backup_window
  preferred_maintenance_window = var.database.preferred_maintenance_window
  copy_tags_to_snapshot        = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = !var.deletion_protection
  final_snapshot_identifier    = var.deletion_protection ? "${var.name}-pygrid-final" : null

  serverlessv2_scaling_configuration {
    min_capacity = var.database.min_capacity
    max_capacity = var.database.max_capacity
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this]

  lifecycle {
    # auto_minor_version_upgrade moves the cluster to newer minors in the maintenance window;
    # without this every later plan would try to go back to database.engine_version, which RDS
    # refuses ("Cannot upgrade aurora-postgresql from 16.8 to 16.6"). The version is the one the
    # cluster is created with; the major stays pinned by the postcondition below.
    ignore_changes = [engine_version]

    # A major upgrade needs a parameter group of the new family and is not applied by a changed
    # number here (it would be ignored): fail the plan instead of drifting silently.
    postcondition {
      condition     = split(".", self.engine_version)[0] == local.engine_major
      error_message = "The cluster runs Aurora PostgreSQL ${self.engine_version} but database.engine_version asks for major ${local.engine_major}: a major upgrade is a deliberate step (see modules/pygrid_database/README.md), not an edit of the version."
    }
  }
}

resource "aws_rds_cluster_instance" "this" {
  count = var.database.instance_count

  identifier         = "${var.name}-pygrid-${count.index + 1}"
  cluster_identifier = aws_rds_cluster.this.id
  engine             = aws_rds_cluster.this.engine
  # No engine_version: an Aurora instance runs its cluster's, and repeating it here would be a
  # second place where an automatic minor upgrade shows up as a diff.
  instance_class             = "db.serverless"
  db_subnet_group_name       = aws_db_subnet_group.this.name
  publicly_accessible        = false
  auto_minor_version_upgrade = true
  copy_tags_to_snapshot      = true

  monitoring_interval = var.database.monitoring_interval
  monitoring_role_arn = var.database.monitoring_interval > 0 ? aws_iam_role.monitoring.arn : null

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = var.database.performance_insights_days

  tags = var.tags

  # RDS checks the monitoring role's permissions when the instance is created.
  depends_on = [aws_iam_role_policy.monitoring]
}
