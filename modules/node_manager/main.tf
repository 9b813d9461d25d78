# The PyGrid node manager (lambdas/node_manager) as a Lambda function. It alone holds the rights to
# start and stop nodes: register the per-app copies of the template task definition, pass the
# PyGrid roles to them, create and delete their services, target groups and listener rules, write
# and delete each node's database secret (it never reads one back), ask the role function for the
# node's own database role, and write the node claim on the dataset item. The orchestration node
# only invokes it.
#
# One local value, `config`, is both the function's configuration (NODE_MANAGER_CONFIG) and what
# every ARN pattern of its policy is built from, so the names the code derives and the names its
# role may touch cannot drift apart.

locals {
  function_name = "${var.name}-node_manager"

  partition = split(":", var.kms_key_arn)[1]

  config = {
    environment            = var.environment
    region                 = var.region
    cluster_name           = var.cluster.name
    cluster_arn            = var.cluster.arn
    subnet_ids             = var.network.subnet_ids
    security_group_id      = var.pygrid.security_group_id
    vpc_id                 = var.network.vpc_id
    listener_arn           = var.pygrid.listener_arn
    task_definition_family = var.pygrid.task_definition_family
    container_name         = var.pygrid.container_name
    container_port         = var.pygrid.container_port
    nodes_domain           = var.pygrid.nodes_domain
    dataset_table_name     = var.dataset_table.name
    url_scheme             = var.pygrid.url_scheme
    service_prefix         = var.service_prefix
    target_group_prefix    = var.target_group_prefix
    node_secret_prefix     = var.database.secret_name_prefix
    node_secret_kms_key_id = var.kms_key_arn
    database_host          = var.database.host
    database_port          = var.database.port
    database_role_function = var.database.role_function_arn
  }

  environment_variables = {
    NODE_MANAGER_CONFIG = jsonencode(local.config)
    WAIT_TIMEOUT        = tostring(var.wait_timeout)
  }

  ecs_arn = "arn:${local.partition}:ecs:${var.region}:${var.account_id}"
  elb_arn = "arn:${local.partition}:elasticloadbalancing:${var.region}:${var.account_id}"

  # Only the nodes' services: the orchestration service (and any other) is out of reach.
  node_services = "${local.ecs_arn}:service/${local.config.cluster_name}/${local.config.service_prefix}*"
  # Only the per-app families <template>-<slug>, never the Terraform-owned template itself.
  node_task_definitions = "${local.ecs_arn}:task-definition/${local.config.task_definition_family}-*:*"
  node_target_groups    = "${local.elb_arn}:targetgroup/${local.config.target_group_prefix}*/*"
  node_listener_rules   = "${replace(local.config.listener_arn, ":listener/", ":listener-rule/")}/*"
  # Only the node secrets <prefix><slug>-<suffix>, never the shared role's or the master's.
  node_secrets = "arn:${local.partition}:secretsmanager:${var.region}:${var.account_id}:secret:${local.config.node_secret_prefix}*"

  # Where the env runs the role function (not on the local emulator): invoke it, and only it.
  role_function_statements = var.database.role_function_arn == null ? [] : [
    {
      sid        = "AskForNodeDatabaseRoles"
      actions    = ["lambda:InvokeFunction"]
      resources  = [var.database.role_function_arn]
      conditions = []
    },
  ]

  policy_statements = concat([
    {
      # The claim: read the item, set or clear hasNode/nodeURL (conditional updates), and scan
      # for claims without a node (reconcile).
      sid        = "DatasetItemClaim"
      actions    = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Scan"]
      resources  = [var.dataset_table.arn]
      conditions = []
    },
    {
      sid       = "UsePlatformKeyForTheTable"
      actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${var.region}.amazonaws.com"]
      }]
    },
    {
      sid       = "StartPygridNodes"
      actions   = ["ecs:CreateService"]
      resources = [local.node_services]
      conditions = [
        { test = "ArnEquals", variable = "ecs:cluster", values = [var.cluster.arn] },
        { test = "ArnLike", variable = "ecs:task-definition", values = [local.node_task_definitions] },
      ]
    },
    {
      sid        = "StopPygridNodes"
      actions    = ["ecs:DeleteService", "ecs:DescribeServices"]
      resources  = [local.node_services]
      conditions = []
    },
    {
      sid       = "TagPygridNodesOnCreate"
      actions   = ["ecs:TagResource"]
      resources = [local.node_services]
      conditions = [
        { test = "StringEquals", variable = "ecs:CreateAction", values = ["CreateService"] },
      ]
    },
    {
      sid       = "ListPygridNodes"
      actions   = ["ecs:ListServices"]
      resources = ["*"] # ListServices takes no resource; the condition pins the cluster
      conditions = [
        { test = "ArnEquals", variable = "ecs:cluster", values = [var.cluster.arn] },
      ]
    },
    {
      # The per-app copies of the template (a service cannot set NODE_ID per service): only into
      # the per-app families, and only tagged as the node manager's.
      sid       = "RegisterPygridAppTaskDefinitions"
      actions   = ["ecs:RegisterTaskDefinition"]
      resources = [local.node_task_definitions]
      conditions = [
        { test = "StringEquals", variable = "aws:RequestTag/managed_by", values = ["artificien-node-manager"] },
        { test = "StringEquals", variable = "aws:RequestTag/environment", values = [var.environment] },
      ]
    },
    {
      # These actions accept no resource ARN.
      sid = "PygridAppTaskDefinitions"
      actions = [
        "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions",
        "ecs:ListTaskDefinitionFamilies",
      ]
      resources  = ["*"]
      conditions = []
    },
    {
      sid        = "DeletePygridAppTaskDefinitions"
      actions    = ["ecs:DeleteTaskDefinitions"]
      resources  = [local.node_task_definitions]
      conditions = []
    },
    {
      sid       = "TagPygridAppTaskDefinitionsOnCreate"
      actions   = ["ecs:TagResource"]
      resources = [local.node_task_definitions]
      conditions = [
        { test = "StringEquals", variable = "ecs:CreateAction", values = ["RegisterTaskDefinition"] },
      ]
    },
    {
      # The copies run as the template's roles; nothing else may be handed to a task.
      sid       = "PassPygridRoles"
      actions   = ["iam:PassRole"]
      resources = [var.pygrid.task_role_arn, var.pygrid.execution_role_arn]
      conditions = [
        { test = "StringEquals", variable = "iam:PassedToService", values = ["ecs-tasks.amazonaws.com"] },
      ]
    },
    {
      sid        = "PygridTargetGroups"
      actions    = ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup"]
      resources  = [local.node_target_groups]
      conditions = []
    },
    {
      sid        = "PygridListenerRules"
      actions    = ["elasticloadbalancing:CreateRule"]
      resources  = [var.pygrid.listener_arn]
      conditions = []
    },
    {
      sid        = "ManagePygridListenerRules"
      actions    = ["elasticloadbalancing:DeleteRule"]
      resources  = [local.node_listener_rules]
      conditions = []
    },
    {
      sid       = "TagPygridLoadBalancingOnCreate"
      actions   = ["elasticloadbalancing:AddTags"]
      resources = [local.node_target_groups, local.node_listener_rules]
      conditions = [
        { test = "StringEquals", variable = "elasticloadbalancing:CreateAction", values = ["CreateTargetGroup", "CreateRule"] },
      ]
    },
    {
      sid = "DescribeLoadBalancing"
      actions = [
        "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTags",
      ]
      resources  = ["*"] # Describe* actions of Elastic Load Balancing take no resource
      conditions = []
    },
    {
      # Each node's secret is written once, whole, under the platform key (never read back).
      sid       = "CreateNodeDatabaseSecrets"
      actions   = ["secretsmanager:CreateSecret"]
      resources = [local.node_secrets]
      conditions = [
        { test = "ArnEquals", variable = "secretsmanager:KmsKeyArn", values = [var.kms_key_arn] },
      ]
    },
    {
      sid       = "TagNodeDatabaseSecrets"
      actions   = ["secretsmanager:TagResource"]
      resources = [local.node_secrets]
      conditions = [
        { test = "StringEquals", variable = "aws:RequestTag/managed_by", values = ["artificien-node-manager"] },
        { test = "StringEquals", variable = "aws:RequestTag/environment", values = [var.environment] },
      ]
    },
    {
      # Found by name (up, down, status) and deleted without a recovery window on down.
      sid        = "ManageNodeDatabaseSecrets"
      actions    = ["secretsmanager:DescribeSecret", "secretsmanager:DeleteSecret"]
      resources  = [local.node_secrets]
      conditions = []
    },
    {
      # Neither acts on a secret: ListSecrets (reconcile's inventory, names and tags only) and
      # GetRandomPassword can only be granted on "*".
      sid        = "ListNodeSecretsAndGeneratePasswords"
      actions    = ["secretsmanager:ListSecrets", "secretsmanager:GetRandomPassword"]
      resources  = ["*"]
      conditions = []
    },
    {
      sid       = "UsePlatformKeyForNodeSecrets"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.region}.amazonaws.com"]
      }]
    },
  ], local.role_function_statements)
}

module "function" {
  source = "../lambda_function"

  function_name                  = local.function_name
  description                    = "Starts, stops and reconciles the per-app PyGrid nodes of ${var.environment}."
  handler                        = "node_manager.handler.handler"
  package                        = var.package
  layers                         = var.layers
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  environment_variables          = local.environment_variables
  region                         = var.region
  kms_key_arn                    = var.kms_key_arn
  log_retention_days             = var.log_retention_days
  reserved_concurrent_executions = var.reserved_concurrent_executions
  policy_statements              = local.policy_statements

  tags = var.tags
}
