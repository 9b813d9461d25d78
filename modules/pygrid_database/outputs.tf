output "cluster_arn" {
  description = "ARN of the Aurora cluster."
  value       = aws_rds_cluster.this.arn
}

output "cluster_identifier" {
  description = "Identifier of the Aurora cluster."
  value       = aws_rds_cluster.this.cluster_identifier
}

output "cluster_resource_id" {
  description = "Resource ID of the Aurora cluster, for rds-db:connect (IAM authentication) policies."
  value       = aws_rds_cluster.this.cluster_resource_id
}

output "cluster_endpoint" {
  description = "Writer endpoint (host name) of the PyGrid database."
  value       = aws_rds_cluster.this.endpoint
}

output "cluster_reader_endpoint" {
  description = "Reader endpoint (host name) of the PyGrid database."
  value       = aws_rds_cluster.this.reader_endpoint
}

output "cluster_port" {
  description = "PostgreSQL port of the PyGrid database."
  value       = aws_rds_cluster.this.port
}

output "database_name" {
  description = "Name of the PyGrid database inside the cluster."
  value       = aws_rds_cluster.this.database_name
}

output "master_username" {
  description = "Master user name (not a secret; the password lives only in the managed secret)."
  value       = aws_rds_cluster.this.master_username
}

output "master_user_secret_arn" {
  description = "ARN of the AWS-managed Secrets Manager secret holding the master user's credentials (username and password keys)."
  value       = aws_rds_cluster.this.master_user_secret[0].secret_arn
}

output "security_group_id" {
  description = "Security group of the database; modules/pygrid_node adds the only ingress rule."
  value       = aws_security_group.this.id
}

output "log_group_name" {
  description = "Log group the database exports its PostgreSQL log to."
  value       = aws_cloudwatch_log_group.this.name
}

output "pygrid_role_name" {
  description = "The database role PyGrid connects as (LOGIN, CREATEDB; no superuser, cannot create roles)."
  value       = var.role.name
}

output "pygrid_role_secret_arn" {
  description = "ARN of the shared role's secret (username, password, host, port, url: a DATABASE_URL in the fork's form; the nodes read secrets of their own, see node_secret_name_prefix). The ARN only: the value is written by the role function."
  value       = aws_secretsmanager_secret.role.arn
}

output "role_function_name" {
  description = "The function that creates the role and writes its secret (run again by an apply whose inputs changed)."
  value       = aws_lambda_function.role.function_name
}

output "role_function_security_group_id" {
  description = "Security group of the role function (the database admits it on its port)."
  value       = aws_security_group.role_function.id
}

output "role_function_arn" {
  description = "ARN of the role function: the node manager invokes it (node_up, node_down) for each node's role."
  value       = aws_lambda_function.role.arn
}

output "node_role_function_arn" {
  description = "The role function's ARN where this env runs it, for the node manager to ask for each node's role; null where it does not (the local emulator cannot run Lambda code)."
  value       = var.role.provisioning_enabled ? aws_lambda_function.role.arn : null
}

output "node_secret_name_prefix" {
  description = "Name prefix of the node secrets (<prefix><app slug>): the node manager writes them, the role function reads them, the node tasks read theirs."
  value       = local.node_secret_name_prefix
}

output "node_secret_arn_prefix" {
  description = "ARN prefix of the node secrets (append <app slug> and Secrets Manager's suffix): what IAM scopes the node secrets with."
  value       = local.node_secret_arn_prefix
}

output "role_provisioned" {
  description = "Whether this apply ran the role function (false on the local emulator: the secret then has no value)."
  value       = var.role.provisioning_enabled
}
