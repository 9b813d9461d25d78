output "environment" {
  description = "Environment of this state."
  value       = var.environment
}

output "region" {
  description = "AWS region of the environment."
  value       = var.aws_region
}

output "kms_key_arn" {
  description = "The platform's customer-managed KMS key."
  value       = module.kms.key_arn
}

# Data layer -----------------------------------------------------------------------------------

output "user_table_name" {
  description = "Name of the user table."
  value       = module.dynamodb.user_table_name
}

output "model_table_name" {
  description = "Name of the model table."
  value       = module.dynamodb.model_table_name
}

output "dataset_table_name" {
  description = "Name of the dataset table."
  value       = module.dynamodb.dataset_table_name
}

output "dataset_table_stream_arn" {
  description = "Stream of the dataset table (new images)."
  value       = module.dynamodb.dataset_table_stream_arn
}

# Identity ----------------------------------------------------------------------------------------

output "user_pool_id" {
  description = "Cognito user pool id."
  value       = module.cognito.user_pool_id
}

output "user_pool_arn" {
  description = "Cognito user pool ARN."
  value       = module.cognito.user_pool_arn
}

output "user_pool_endpoint" {
  description = "Cognito user pool endpoint (the JWT issuer without https://)."
  value       = module.cognito.user_pool_endpoint
}

output "web_client_id" {
  description = "App client of the marketplace website (no secret)."
  value       = module.cognito.web_client_id
}

output "native_client_id" {
  description = "App client of native apps (with a secret)."
  value       = module.cognito.native_client_id
}


output "jupyterhub_client_id" {
  description = "OAuth client of JupyterHub."
  value       = module.cognito.jupyterhub_client_id
}


output "cognito_domain" {
  description = "Prefix of the hosted-UI domain."
  value       = module.cognito.domain
}

output "hosted_ui_base_url" {
  description = "Base URL of the Cognito hosted UI."
  value       = module.cognito.hosted_ui_base_url
}

output "identity_pool_id" {
  description = "Identity pool through which the website reaches DynamoDB."
  value       = module.cognito.identity_pool_id
}

output "authenticated_role_arn" {
  description = "Role of signed-in website users (item access on the three tables)."
  value       = module.cognito.authenticated_role_arn
}

output "post_confirmation_function_name" {
  description = "Lambda that writes a new user's row after sign-up."
  value       = module.cognito.post_confirmation_function_name
}

# Storage and sample data -------------------------------------------------------------------------

output "sample_data_bucket_name" {
  description = "Sample-data bucket (<dataset_id>.csv)."
  value       = module.storage.sample_data_bucket_name
}

output "sample_data_bucket_arn" {
  description = "ARN of the sample-data bucket."
  value       = module.storage.sample_data_bucket_arn
}

output "tutorials_bucket_name" {
  description = "Tutorials bucket."
  value       = module.storage.tutorials_bucket_name
}

output "tutorials_bucket_arn" {
  description = "ARN of the tutorials bucket."
  value       = module.storage.tutorials_bucket_arn
}

output "models_bucket_name" {
  description = "Trained-models bucket (<owner_name>/<model_id>-<version>.pkl)."
  value       = module.storage.models_bucket_name
}

output "models_bucket_arn" {
  description = "ARN of the trained-models bucket."
  value       = module.storage.models_bucket_arn
}

output "logs_bucket_name" {
  description = "Access-log bucket (alb/, s3/)."
  value       = module.storage.logs_bucket_name
}

output "logs_bucket_arn" {
  description = "ARN of the access-log bucket."
  value       = module.storage.logs_bucket_arn
}

output "sample_data_function_name" {
  description = "Lambda that writes each new dataset's sample CSV."
  value       = module.sample_data.function_name
}

output "sample_data_environment" {
  description = "Environment of the sample-data Lambda (no secrets), for the local trigger runner."
  value       = module.sample_data.environment_variables
}

output "sample_data_event_filter_pattern" {
  description = "Filter of the dataset-stream mapping (JSON): only INSERT records."
  value       = module.sample_data.event_filter_pattern
}

output "sample_data_failure_queue_url" {
  description = "Queue of stream records that exhausted their retries."
  value       = module.sample_data.failure_queue_url
}

output "default_dataset_id" {
  description = "The dataset the platform registers itself (Artificien-Health): every new account is granted it."
  value       = module.default_dataset.dataset_id
}

output "notebook_sync_queue_url" {
  description = "Queue of the sample-data and tutorials buckets' object events, long-polled by the notebook sync agent."
  value       = module.notebook_sync.queue_url
}

output "notebook_sync_queue_arn" {
  description = "ARN of the notebook sync queue."
  value       = module.notebook_sync.queue_arn
}

# Model API ---------------------------------------------------------------------------------------

output "model_api_endpoint" {
  description = "Base URL of the model API (GET /models, GET /models/{model_id}/download)."
  value       = module.model_api.api_endpoint
}

output "model_api_id" {
  description = "Id of the model API (HTTP API)."
  value       = module.model_api.api_id
}

output "model_api_function_name" {
  description = "Lambda behind the model API."
  value       = module.model_api.function_name
}

output "marketplace_api_function_name" {
  description = "Lambda behind the registration API's routes (on the model API: POST /datasets, POST /datasets/{dataset_id}/purchase)."
  value       = module.marketplace_api.function_name
}

output "marketplace_api_routes" {
  description = "Route keys of the registration API on the model API's HTTP API."
  value       = module.marketplace_api.routes
}

# Network, cluster, database ----------------------------------------------------------------------

output "vpc_id" {
  description = "Platform VPC."
  value       = module.network.vpc_id
}

output "vpc_cidr_block" {
  description = "CIDR of the platform VPC."
  value       = module.network.vpc_cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (load balancers, JupyterHub, NAT)."
  value       = module.network.public_subnet_ids
}

output "private_subnet_ids" {
  description = "Private subnets (Fargate tasks, database)."
  value       = module.network.private_subnet_ids
}

output "cluster_name" {
  description = "ECS cluster of the orchestration node and the PyGrid nodes."
  value       = module.ecs_cluster.cluster_name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = module.ecs_cluster.cluster_arn
}

output "database_endpoint" {
  description = "Writer endpoint of PyGrid's database."
  value       = module.pygrid_database.cluster_endpoint
}

output "database_port" {
  description = "Port of PyGrid's database."
  value       = module.pygrid_database.cluster_port
}

output "database_name" {
  description = "Database name of PyGrid."
  value       = module.pygrid_database.database_name
}

output "database_master_secret_arn" {
  description = "Secrets Manager secret (managed by RDS) holding the master credentials; the ARN only."
  value       = module.pygrid_database.master_user_secret_arn
}

output "database_security_group_id" {
  description = "Security group of PyGrid's database."
  value       = module.pygrid_database.security_group_id
}

output "database_cluster_identifier" {
  description = "Identifier of PyGrid's Aurora cluster."
  value       = module.pygrid_database.cluster_identifier
}

output "pygrid_role_secret_arn" {
  description = "The secret of the shared PyGrid role the apply creates (the ARN only); nodes do not use it: each reads a secret and role of its own (docs/pygrid-nodes.md)."
  value       = module.pygrid_database.pygrid_role_secret_arn
}

output "pygrid_role_function_name" {
  description = "The in-VPC function that creates PyGrid's database role and writes its secret."
  value       = module.pygrid_database.role_function_name
}

# Images ------------------------------------------------------------------------------------------

output "ecr_repository_urls" {
  description = "Repository => URL of the platform's registry (push tagged copies of the orchestration and PyGrid images here)."
  value       = module.ecr.repository_urls
}

# Orchestration node ------------------------------------------------------------------------------

output "orchestration_master_node_url" {
  description = "The orchestration node's public name as host[:port] (its and the PyGrid nodes' MASTER_NODE_URL)."
  value       = module.orchestration.master_node_url
}

output "orchestration_service_url" {
  description = "URL of the orchestration node."
  value       = module.orchestration.service_url
}

output "orchestration_service_name" {
  description = "ECS service of the orchestration node."
  value       = module.orchestration.service_name
}

output "orchestration_load_balancer_arn" {
  description = "Load balancer of the orchestration node."
  value       = module.orchestration.load_balancer_arn
}

output "orchestration_listener_arn" {
  description = "Listener that serves the orchestration node."
  value       = module.orchestration.listener_arn
}

output "orchestration_target_group_arn" {
  description = "Target group of the orchestration tasks."
  value       = module.orchestration.target_group_arn
}

output "orchestration_load_balancer_security_group_id" {
  description = "Security group of the orchestration load balancer."
  value       = module.orchestration.load_balancer_security_group_id
}

output "orchestration_service_security_group_id" {
  description = "Security group of the orchestration tasks."
  value       = module.orchestration.service_security_group_id
}

output "orchestration_task_role_arn" {
  description = "Task role of the orchestration node."
  value       = module.orchestration.task_role_arn
}

# PyGrid nodes ------------------------------------------------------------------------------------

output "pygrid_node_manager" {
  description = "Everything the PyGrid node manager reads, every name prefix included (artificien-infra nodes); the node-manager function's NODE_MANAGER_CONFIG is the same object."
  value       = module.node_manager.config
}

output "node_manager_function_name" {
  description = "The node-manager function (artificien-infra nodes --remote, and what the orchestration node invokes)."
  value       = module.node_manager.function_name
}

output "node_manager_function_arn" {
  description = "ARN of the node-manager function."
  value       = module.node_manager.function_arn
}

output "pygrid_nodes_load_balancer_dns_name" {
  description = "DNS name of the shared PyGrid nodes load balancer (target of *.<nodes domain>)."
  value       = module.pygrid_node.load_balancer_dns_name
}

# JupyterHub and the website ----------------------------------------------------------------------

output "jupyterhub_url" {
  description = "Where data scientists open JupyterHub; null when it is off."
  value       = try(module.jupyterhub[0].url, null)
}

output "jupyterhub_instance_id" {
  description = "EC2 instance of JupyterHub (SSM Session Manager target)."
  value       = try(module.jupyterhub[0].instance_id, null)
}

output "jupyterhub_public_ip" {
  description = "Elastic IP of JupyterHub (point jupyter_domain at it when DNS is elsewhere)."
  value       = try(module.jupyterhub[0].public_ip, null)
}

output "jupyterhub_security_group_id" {
  description = "Security group of JupyterHub."
  value       = try(module.jupyterhub[0].security_group_id, null)
}

output "jupyterhub_role_name" {
  description = "Instance role of JupyterHub."
  value       = try(module.jupyterhub[0].role_name, null)
}

output "jupyterhub_client_secret_arn" {
  description = "Secrets Manager secret holding JupyterHub's OAuth client secret (the ARN only)."
  value       = try(module.jupyterhub[0].client_secret_arn, null)
}

output "amplify_app_id" {
  description = "Amplify app of the website; null when Amplify is off."
  value       = try(module.amplify[0].app_id, null)
}

output "amplify_default_domain" {
  description = "Amplify's default domain of the website."
  value       = try(module.amplify[0].default_domain, null)
}

output "amplify_branch_urls" {
  description = "Branch => URL of each deployed stage of the website."
  value       = try(module.amplify[0].branch_urls, null)
}

output "dns_zone_id" {
  description = "The env's public hosted zone (null in local)."
  value       = one(module.dns[*].zone_id)
}

output "dns_name_servers" {
  description = "Name servers of the env's hosted zone: the parent zone's NS record for domain must list them (null in local)."
  value       = one(module.dns[*].name_servers)
}
