data "aws_caller_identity" "current" {}

locals {
  name = "${var.project}-${var.environment}"

  tags = {
    project     = var.project
    environment = var.environment
    managed_by  = "terraform"
  }

  is_prod = var.environment == "prod"

  # Every env but prod is rebuilt at will, so destroy empties its buckets (the log bucket always
  # holds ALB and S3 access logs and would otherwise stop it); prod keeps its objects.
  storage_force_destroy = !local.is_prod

  # "" (the real clients' hard-coded names) only in an account of the env's own: see the variable.
  table_name_prefix = var.table_name_prefix == null ? "${var.environment}-" : var.table_name_prefix

  # The programs the platform runs come from its own registry unless an env names another image.
  orchestration_image = coalesce(var.orchestration_image, "${module.ecr.repository_urls["orchestration"]}:${var.orchestration_image_tag}")
  pygrid_image        = coalesce(var.pygrid_container_image, "${module.ecr.repository_urls["pygrid-node"]}:${var.pygrid_image_tag}")
  pygrid_image_repository_arn = (
    var.pygrid_container_image == null ? module.ecr.repository_arns["pygrid-node"] : var.pygrid_container_image_repository_arn
  )

  # The functions import Powertools from AWS's layer (their zips do not carry it); AWS publishes
  # it from its own account in every commercial region.
  powertools_layer_arn = coalesce(
    var.powertools_layer_arn,
    "arn:aws:lambda:${var.aws_region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27",
  )
}

# The workspace is chosen from --env by the wrapper; a mismatch would write one env's resources
# into another env's state, so the plan fails outright (a `check` block would only warn).
resource "terraform_data" "workspace_guard" {
  input = var.environment

  lifecycle {
    precondition {
      condition     = terraform.workspace == var.environment
      error_message = "Workspace '${terraform.workspace}' does not match environment '${var.environment}': run through artificien-infra --env."
    }

    # The real envs' tfvars ship with placeholders for what only the account owner knows.
    precondition {
      condition     = !strcontains(jsonencode([var.orchestration_certificate_arn, var.pygrid_nodes_certificate_arn, var.orchestration_image]), "replace-me")
      error_message = "terraform/envs/${var.environment}.tfvars still holds placeholder values (replace-me): set the certificate ARNs of your account first."
    }
  }
}

module "kms" {
  source = "../modules/kms"

  name       = local.name
  account_id = data.aws_caller_identity.current.account_id
  region     = var.aws_region
  tags       = local.tags
}

module "dynamodb" {
  source = "../modules/dynamodb"

  name_prefix         = local.table_name_prefix
  kms_key_arn         = module.kms.key_arn
  deletion_protection = local.is_prod
  tags                = local.tags
}

module "cognito" {
  source = "../modules/cognito"

  name        = local.name
  account_id  = data.aws_caller_identity.current.account_id
  region      = var.aws_region
  kms_key_arn = module.kms.key_arn

  user_table_name = module.dynamodb.user_table_name
  user_table_arn  = module.dynamodb.user_table_arn
  table_arns      = module.dynamodb.table_arns
  index_arns      = values(module.dynamodb.index_arns)

  post_confirmation_package = var.lambda_packages["post_confirmation"]
  post_confirmation_layers  = [local.powertools_layer_arn]
  default_datasets          = var.default_datasets
  log_retention_days        = var.log_retention_days

  post_confirmation_reserved_concurrency = try(var.lambda_reserved_concurrency["post_confirmation"], null)

  password_minimum_length = var.password_minimum_length
  deletion_protection     = local.is_prod
  domain_prefix           = var.cognito_domain_prefix
  email_sender            = var.cognito_email_sender

  # JupyterHub's OAuth client follows its domain; passed as a value, not from the jupyterhub
  # module's outputs, because that module needs this client's id (no cycle).
  jupyterhub_callback_urls = ["https://${var.jupyter_domain}/hub/oauth_callback"]
  jupyterhub_logout_urls   = ["https://${var.jupyter_domain}"]

  tags = local.tags
}

module "storage" {
  source = "../modules/storage"

  name                               = local.name
  account_id                         = data.aws_caller_identity.current.account_id
  kms_key_arn                        = module.kms.key_arn
  force_destroy                      = local.storage_force_destroy
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  tags                               = local.tags
}

module "sample_data" {
  source = "../modules/sample_data"

  name                           = local.name
  package                        = var.lambda_packages["sample_data"]
  layers                         = [local.powertools_layer_arn]
  kms_key_arn                    = module.kms.key_arn
  dataset_table_name             = module.dynamodb.dataset_table_name
  dataset_table_stream_arn       = module.dynamodb.dataset_table_stream_arn
  sample_data_bucket_name        = module.storage.sample_data_bucket_name
  sample_data_bucket_arn         = module.storage.sample_data_bucket_arn
  default_sample_rows            = var.default_sample_rows
  max_sample_rows                = var.max_sample_rows
  max_attributes                 = var.dataset_limits.max_attributes
  max_sample_bytes               = var.dataset_limits.max_sample_mib * 1048576
  log_retention_days             = var.log_retention_days
  reserved_concurrent_executions = try(var.lambda_reserved_concurrency["sample_data"], null)
  tags                           = local.tags
}

# The dataset every new account is granted (default_datasets) and the tutorials read. Written
# once the stream's consumer exists, so its INSERT becomes its sample CSV like any registration.
module "default_dataset" {
  source = "../modules/default_dataset"

  table_name = module.dynamodb.dataset_table_name

  depends_on = [module.sample_data]
}

# S3 events of the sample-data and tutorials buckets, queued for the notebook sync agent (on the
# JupyterHub host and, locally, in build/local/notebooks/).
module "notebook_sync" {
  source = "../modules/notebook_sync"

  name       = local.name
  account_id = data.aws_caller_identity.current.account_id
  buckets = {
    sample_data = {
      name = module.storage.sample_data_bucket_name
      arn  = module.storage.sample_data_bucket_arn
    }
    tutorials = {
      name = module.storage.tutorials_bucket_name
      arn  = module.storage.tutorials_bucket_arn
    }
  }
  tags = local.tags
}

module "model_api" {
  source = "../modules/model_api"

  name           = local.name
  kms_key_arn    = module.kms.key_arn
  lambda_package = var.lambda_packages["model_api"]
  lambda_layers  = [local.powertools_layer_arn]
  model_table = {
    name = module.dynamodb.model_table_name
    arn  = module.dynamodb.model_table_arn
  }
  models_bucket = {
    name = module.storage.models_bucket_name
    arn  = module.storage.models_bucket_arn
  }
  cognito = {
    user_pool_endpoint = module.cognito.user_pool_endpoint
    client_ids         = [module.cognito.web_client_id]
  }
  # The registration API's routes (module.marketplace_api) are POSTs on this API.
  cors_allowed_origins           = var.model_api_cors_allowed_origins
  cors_allowed_methods           = ["GET", "POST", "OPTIONS"]
  throttling_rate_limit          = var.model_api_throttling.rate_limit
  throttling_burst_limit         = var.model_api_throttling.burst_limit
  custom_domain                  = var.model_api_custom_domain
  log_retention_days             = var.log_retention_days
  reserved_concurrent_executions = try(var.lambda_reserved_concurrency["model_api"], null)
  tags                           = local.tags
}

# App registration and purchases (POST /datasets, POST /datasets/{dataset_id}/purchase): routes on
# the model API's HTTP API, behind its Cognito JWT authorizer; the only way a website user writes
# to the catalogue or to their purchases.
module "marketplace_api" {
  source = "../modules/marketplace_api"

  name           = local.name
  account_id     = data.aws_caller_identity.current.account_id
  region         = var.aws_region
  kms_key_arn    = module.kms.key_arn
  lambda_package = var.lambda_packages["marketplace_api"]
  lambda_layers  = [local.powertools_layer_arn]
  api = {
    id            = module.model_api.api_id
    execution_arn = module.model_api.api_execution_arn
    authorizer_id = module.model_api.authorizer_id
  }
  dataset_table = {
    name = module.dynamodb.dataset_table_name
    arn  = module.dynamodb.dataset_table_arn
  }
  user_table = {
    name = module.dynamodb.user_table_name
    arn  = module.dynamodb.user_table_arn
  }
  # A registration may not take the name of a running node: the node manager's own names.
  node_cluster = {
    name = module.ecs_cluster.cluster_name
    arn  = module.ecs_cluster.cluster_arn
  }
  node_service_prefix = module.node_manager.config.service_prefix
  limits = {
    max_attributes     = var.dataset_limits.max_attributes
    max_sample_bytes   = var.dataset_limits.max_sample_mib * 1048576
    max_apps_per_owner = var.dataset_limits.max_apps_per_owner
  }
  log_retention_days             = var.log_retention_days
  reserved_concurrent_executions = try(var.lambda_reserved_concurrency["marketplace_api"], null)
  tags                           = local.tags
}

module "network" {
  source = "../modules/network"

  name                        = local.name
  region                      = var.aws_region
  kms_key_arn                 = module.kms.key_arn
  cidr_block                  = var.vpc_cidr_block
  nat_gateway_enabled         = var.nat_gateway_enabled
  single_nat_gateway          = var.single_nat_gateway
  interface_endpoints_enabled = var.interface_endpoints_enabled
  flow_log_retention_days     = var.log_retention_days
  tags                        = local.tags
}

module "ecs_cluster" {
  source = "../modules/ecs_cluster"

  name               = local.name
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
  tags               = local.tags
}

# The registry of the orchestration and PyGrid images (tagged copies of the public ones).
module "ecr" {
  source = "../modules/ecr"

  name        = local.name
  kms_key_arn = module.kms.key_arn
  # like the buckets: a non-prod destroy removes repositories that still hold images
  force_delete = local.storage_force_destroy
  tags         = local.tags
}

module "pygrid_database" {
  source = "../modules/pygrid_database"

  name               = local.name
  account_id         = data.aws_caller_identity.current.account_id
  region             = var.aws_region
  kms_key_arn        = module.kms.key_arn
  vpc_id             = module.network.vpc_id
  private_subnet_ids = module.network.private_subnet_ids
  log_retention_days = var.log_retention_days
  database           = var.pygrid_database
  # PyGrid's own role, created at apply by an in-VPC function (never on the emulator: it cannot
  # run Lambda code and has no PostgreSQL behind its cluster endpoint).
  role = {
    package                     = var.lambda_packages["pygrid_db_role"]
    layers                      = [local.powertools_layer_arn]
    provisioning_enabled        = var.pygrid_role_provisioning_enabled
    secret_recovery_window_days = var.pygrid_role_secret_recovery_window_days
    reserved_concurrency        = try(var.lambda_reserved_concurrency["pygrid_db_role"], null)
  }
  deletion_protection = local.is_prod
  tags                = local.tags
}

module "pygrid_node" {
  source = "../modules/pygrid_node"

  name               = local.name
  account_id         = data.aws_caller_identity.current.account_id
  region             = var.aws_region
  vpc_id             = module.network.vpc_id
  public_subnet_ids  = module.network.public_subnet_ids
  private_subnet_ids = module.network.private_subnet_ids
  # PyGrid's own role secret (its url is DATABASE_URL), never the master secret.
  database = {
    port              = module.pygrid_database.cluster_port
    secret_arn        = module.pygrid_database.pygrid_role_secret_arn
    security_group_id = module.pygrid_database.security_group_id
  }
  master_node_url                = module.orchestration.master_node_url
  container_image                = local.pygrid_image
  container_image_repository_arn = local.pygrid_image_repository_arn
  cpu                            = var.pygrid_node_cpu
  memory                         = var.pygrid_node_memory
  nodes_domain                   = var.pygrid_nodes_domain
  certificate_arn                = var.pygrid_nodes_certificate_arn
  route53_zone_id                = var.pygrid_nodes_route53_zone_id
  logs_bucket = {
    name = module.storage.logs_bucket_name # from the bucket policy: log delivery is granted first
    arn  = module.storage.logs_bucket_arn
  }
  kms_key_arn         = module.kms.key_arn
  log_retention_days  = var.log_retention_days
  deletion_protection = local.is_prod
  tags                = local.tags
}

# Starts, stops and reconciles the per-app PyGrid nodes; its role alone holds those rights.
module "node_manager" {
  source = "../modules/node_manager"

  name        = local.name
  environment = var.environment
  package     = var.lambda_packages["node_manager"]
  layers      = [local.powertools_layer_arn]
  kms_key_arn = module.kms.key_arn
  cluster = {
    name = module.ecs_cluster.cluster_name
    arn  = module.ecs_cluster.cluster_arn
  }
  network = {
    vpc_id     = module.network.vpc_id
    subnet_ids = module.network.private_subnet_ids
  }
  pygrid = {
    task_definition_family = module.pygrid_node.task_definition_family
    task_role_arn          = module.pygrid_node.task_role_arn
    execution_role_arn     = module.pygrid_node.execution_role_arn
    listener_arn           = module.pygrid_node.listener_arn
    security_group_id      = module.pygrid_node.security_group_id
    container_name         = module.pygrid_node.container_name
    container_port         = module.pygrid_node.container_port
    nodes_domain           = module.pygrid_node.nodes_domain
    url_scheme             = module.pygrid_node.url_scheme
  }
  dataset_table = {
    name = module.dynamodb.dataset_table_name
    arn  = module.dynamodb.dataset_table_arn
  }
  log_retention_days             = var.log_retention_days
  reserved_concurrent_executions = try(var.lambda_reserved_concurrency["node_manager"], null)
  tags                           = local.tags
}

module "orchestration" {
  source = "../modules/orchestration"

  name        = local.name
  account_id  = data.aws_caller_identity.current.account_id
  region      = var.aws_region
  kms_key_arn = module.kms.key_arn
  network = {
    vpc_id             = module.network.vpc_id
    vpc_cidr_block     = module.network.vpc_cidr_block
    public_subnet_ids  = module.network.public_subnet_ids
    private_subnet_ids = module.network.private_subnet_ids
  }
  cluster = {
    name = module.ecs_cluster.cluster_name
    arn  = module.ecs_cluster.cluster_arn
  }
  pygrid = {
    task_definition_family = module.pygrid_node.task_definition_family
    listener_arn           = module.pygrid_node.listener_arn
    security_group_id      = module.pygrid_node.security_group_id
    container_name         = module.pygrid_node.container_name
    container_port         = module.pygrid_node.container_port
    nodes_domain           = module.pygrid_node.nodes_domain
  }
  # The orchestration node starts and stops PyGrid nodes only through this function.
  node_manager = {
    name = module.node_manager.function_name
    arn  = module.node_manager.function_arn
  }
  tables = {
    user_table_name    = module.dynamodb.user_table_name
    user_table_arn     = module.dynamodb.user_table_arn
    model_table_name   = module.dynamodb.model_table_name
    model_table_arn    = module.dynamodb.model_table_arn
    dataset_table_name = module.dynamodb.dataset_table_name
    dataset_table_arn  = module.dynamodb.dataset_table_arn
    index_arns         = values(module.dynamodb.index_arns)
  }
  models_bucket = {
    name = module.storage.models_bucket_name
    arn  = module.storage.models_bucket_arn
  }
  cognito = {
    user_pool_id  = module.cognito.user_pool_id
    web_client_id = module.cognito.web_client_id
  }
  logs_bucket = {
    name = module.storage.logs_bucket_name # from the bucket policy: log delivery is granted first
    arn  = module.storage.logs_bucket_arn
  }
  container_image     = local.orchestration_image
  public_host_name    = var.orchestration_domain
  certificate_arn     = var.orchestration_certificate_arn
  desired_count       = var.orchestration_desired_count
  log_retention_days  = var.log_retention_days
  deletion_protection = local.is_prod
  tags                = local.tags
}

module "jupyterhub" {
  source = "../modules/jupyterhub"
  count  = var.jupyterhub_enabled ? 1 : 0

  name        = local.name
  region      = var.aws_region
  kms_key_arn = module.kms.key_arn
  vpc_id      = module.network.vpc_id
  subnet_id   = module.network.public_subnet_ids[0]
  # the hub admits only the members of the pool's data-scientists group
  data_scientists_group_name = module.cognito.data_scientists_group_name
  sample_data_bucket = {
    name = module.storage.sample_data_bucket_name
    arn  = module.storage.sample_data_bucket_arn
  }
  tutorials_bucket = {
    name = module.storage.tutorials_bucket_name
    arn  = module.storage.tutorials_bucket_arn
  }
  cognito = {
    hosted_ui_base_url = module.cognito.hosted_ui_base_url
    client_id          = module.cognito.jupyterhub_client_id
  }
  cognito_client_secret = module.cognito.jupyterhub_client_secret
  notebook_sync = {
    queue_url = module.notebook_sync.queue_url
    queue_arn = module.notebook_sync.queue_arn
  }
  platform = {
    user_pool_id      = module.cognito.user_pool_id
    web_client_id     = module.cognito.web_client_id
    orchestration_url = module.orchestration.service_url
    api_url           = module.model_api.api_endpoint
  }
  jupyter_domain              = var.jupyter_domain
  letsencrypt_email           = var.letsencrypt_email
  dns_record_enabled          = var.jupyterhub_route53_zone_id != null
  route53_zone_id             = var.jupyterhub_route53_zone_id
  instance_type               = var.jupyterhub_instance_type
  volume_size                 = var.jupyterhub_volume_size
  ami_id                      = var.jupyterhub_ami_id
  ami_filter                  = { name_pattern = var.jupyterhub_ami_name_pattern }
  admin_users                 = var.jupyterhub_admin_users
  secret_recovery_window_days = var.jupyterhub_secret_recovery_window_days
  tags                        = local.tags
}

module "amplify" {
  source = "../modules/amplify"
  count  = var.amplify_enabled ? 1 : 0

  name           = local.name
  account_id     = data.aws_caller_identity.current.account_id
  region         = var.aws_region
  repository_url = var.website_repository_url
  repository_token = {
    ssm_parameter_name          = var.amplify_repository_token_ssm_parameter
    secrets_manager_secret_name = var.amplify_repository_token_secret_name
  }
  branches = var.website_branches
  cognito = {
    user_pool_id     = module.cognito.user_pool_id
    web_client_id    = module.cognito.web_client_id
    identity_pool_id = module.cognito.identity_pool_id
    oauth_domain     = trimprefix(module.cognito.hosted_ui_base_url, "https://")
  }
  build = var.website_build
  # The website reaches the tables by their env-prefixed names (never hard-coded) and lists and
  # downloads models through the model API.
  environment_variables = {
    REACT_APP_USER_TABLE    = module.dynamodb.user_table_name
    REACT_APP_MODEL_TABLE   = module.dynamodb.model_table_name
    REACT_APP_DATASET_TABLE = module.dynamodb.dataset_table_name
    REACT_APP_MODEL_API_URL = module.model_api.api_endpoint
  }
  custom_domain = var.website_custom_domain
  tags          = local.tags
}
