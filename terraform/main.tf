data "aws_caller_identity" "current" {}

locals {
  name = "${var.project}-${var.environment}"

  tags = {
    project     = var.project
    environment = var.environment
    managed_by  = "terraform"
  }

  is_prod = var.environment == "prod"

  # Tables, user pool, database and load balancers refuse deletion in prod, unless lifted (only
  # `artificien-infra rehearse` does, to tear down its throw-away copy of prod).
  deletion_protection = coalesce(var.deletion_protection, local.is_prod)

  # Every env but prod is rebuilt at will, so destroy empties its buckets (the log bucket always
  # holds ALB and S3 access logs and would otherwise stop it); prod keeps its objects, like the
  # rest of what its deletion protection guards.
  storage_force_destroy = !local.deletion_protection

  # "" (the real clients' hard-coded names) only in an account of the env's own: see the variable.
  table_name_prefix = var.table_name_prefix == null ? "${var.environment}-" : var.table_name_prefix

  # The programs the platform runs come from its own registry unless an env names another image.
  orchestration_image = coalesce(var.orchestration_image, "${module.ecr.repository_urls["orchestration"]}:${var.orchestration_image_tag}")
  pygrid_image        = coalesce(var.pygrid_container_image, "${module.ecr.repository_urls["pygrid-node"]}:${var.pygrid_image_tag}")
  pygrid_image_repository_arn = (
    var.pygrid_container_image == null ? module.ecr.repository_arns["pygrid-node"] : var.pygrid_container_image_repository_arn
  )

  # Every public name of the env comes from var.domain (null in local, which sets the two
  # names it needs itself and has no DNS).
  dns_enabled        = var.domain != null
  orchestration_fqdn = local.dns_enabled ? "orchestration.${var.domain}" : null
  nodes_domain       = var.pygrid_nodes_domain != null ? var.pygrid_nodes_domain : "nodes.${var.domain}"
  jupyter_domain     = var.jupyter_domain != null ? var.jupyter_domain : "jupyter.${var.domain}"
  api_fqdn           = local.dns_enabled ? "api.${var.domain}" : null
  # The website: <domain> itself for the branch of this env's stage, <branch>.<domain> for others.
  website_sub_domains = { for branch, stage in var.website_branches : branch => stage == var.environment ? "" : branch }
  # The browser origins the API admits: the website's custom domain and each branch's Amplify
  # domain (the site is reachable on both), plus the env's extra ones (a developer's localhost).
  website_origins = local.dns_enabled && var.amplify_enabled ? concat(
    [for branch, prefix in local.website_sub_domains : "https://${prefix == "" ? "" : "${prefix}."}${var.domain}"],
    values(module.amplify[0].branch_urls),
  ) : []

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
  }
}

module "kms" {
  source = "../modules/kms"

  name       = local.name
  account_id = data.aws_caller_identity.current.account_id
  region     = var.aws_region
  tags       = local.tags
}

# The env's hosted zone and the certificate of its load balancers and API (none in local).
module "dns" {
  source = "../modules/dns"
  count  = local.dns_enabled ? 1 : 0

  domain      = var.domain
  create_zone = var.create_hosted_zone
  tags        = local.tags
}

module "dynamodb" {
  source = "../modules/dynamodb"

  name_prefix         = local.table_name_prefix
  kms_key_arn         = module.kms.key_arn
  deletion_protection = local.deletion_protection
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
  deletion_protection     = local.deletion_protection
  domain_prefix           = var.cognito_domain_prefix
  email_sender            = var.cognito_email_sender

  # JupyterHub's OAuth client follows its domain; passed as a value, not from the jupyterhub
  # module's outputs, because that module needs this client's id (no cycle).
  jupyterhub_callback_urls = ["https://${local.jupyter_domain}/hub/oauth_callback"]
  jupyterhub_logout_urls   = ["https://${local.jupyter_domain}"]

  tags = local.tags
}

module "storage" {
  source = "../modules/storage"

  name                               = local.name
  account_id                         = data.aws_caller_identity.current.account_id
  region                             = var.aws_region
  kms_key_arn                        = module.kms.key_arn
  force_destroy                      = local.storage_force_destroy
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  tags                               = local.tags
}

module "sample_data" {
  source = "../modules/sample_data"

  name                           = local.name
  account_id                     = data.aws_caller_identity.current.account_id
  region                         = var.aws_region
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
  region         = var.aws_region
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
  cors_allowed_origins   = distinct(concat(local.website_origins, var.model_api_cors_allowed_origins))
  cors_allowed_methods   = ["GET", "POST", "OPTIONS"]
  throttling_rate_limit  = var.model_api_throttling.rate_limit
  throttling_burst_limit = var.model_api_throttling.burst_limit
  custom_domain = local.dns_enabled ? {
    domain_name        = local.api_fqdn
    certificate_arn    = module.dns[0].certificate_arn
    route53_zone_id    = module.dns[0].zone_id
    dns_record_enabled = true
  } : null
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
  deletion_protection = local.deletion_protection
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
  # Each node reads its own secret (its url is DATABASE_URL), never the master secret.
  database = {
    port                   = module.pygrid_database.cluster_port
    node_secret_arn_prefix = module.pygrid_database.node_secret_arn_prefix
    security_group_id      = module.pygrid_database.security_group_id
  }
  master_node_url                = module.orchestration.master_node_url
  container_image                = local.pygrid_image
  container_image_repository_arn = local.pygrid_image_repository_arn
  cpu                            = var.pygrid_node_cpu
  memory                         = var.pygrid_node_memory
  nodes_domain                   = local.nodes_domain
  certificate_arn                = local.dns_enabled ? module.dns[0].certificate_arn : null
  https_enabled                  = local.dns_enabled
  route53_zone_id                = local.dns_enabled ? module.dns[0].zone_id : null
  dns_record_enabled             = local.dns_enabled
  logs_bucket = {
    name = module.storage.logs_bucket_name # from the bucket policy: log delivery is granted first
    arn  = module.storage.logs_bucket_arn
  }
  kms_key_arn         = module.kms.key_arn
  log_retention_days  = var.log_retention_days
  deletion_protection = local.deletion_protection
  tags                = local.tags
}

# Starts, stops and reconciles the per-app PyGrid nodes; its role alone holds those rights.
module "node_manager" {
  source = "../modules/node_manager"

  name        = local.name
  account_id  = data.aws_caller_identity.current.account_id
  region      = var.aws_region
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
  # Each node's secret and its own database role (no role function on the emulator: null).
  database = {
    host               = module.pygrid_database.cluster_endpoint
    port               = module.pygrid_database.cluster_port
    secret_name_prefix = module.pygrid_database.node_secret_name_prefix
    role_function_arn  = module.pygrid_database.node_role_function_arn
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
  public_host_name    = local.orchestration_fqdn
  certificate_arn     = local.dns_enabled ? module.dns[0].certificate_arn : null
  https_enabled       = local.dns_enabled
  route53_zone_id     = local.dns_enabled ? module.dns[0].zone_id : null
  dns_record_enabled  = local.dns_enabled
  desired_count       = var.orchestration_desired_count
  log_retention_days  = var.log_retention_days
  deletion_protection = local.deletion_protection
  tags                = local.tags
}

# The web ACL in front of the orchestration node's load balancer (its own module: see its README).
module "orchestration_waf" {
  source = "../modules/orchestration_waf"

  name               = local.name
  account_id         = data.aws_caller_identity.current.account_id
  region             = var.aws_region
  kms_key_arn        = module.kms.key_arn
  load_balancer_arn  = module.orchestration.load_balancer_arn
  log_retention_days = var.log_retention_days
  tags               = local.tags
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
  jupyter_domain              = local.jupyter_domain
  letsencrypt_email           = var.letsencrypt_email
  dns_record_enabled          = local.dns_enabled
  route53_zone_id             = local.dns_enabled ? module.dns[0].zone_id : null
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
    # api.<domain> by name: the API admits the app's own origins, so the app cannot wait on it.
    REACT_APP_MODEL_API_URL = "https://${local.api_fqdn}"
  }
  custom_domain = {
    domain_name = var.domain
    sub_domains = local.website_sub_domains
  }
  tags = local.tags
}
