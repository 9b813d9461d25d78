mock_provider "aws" {
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-east-1:111122223333:function:artificien-test-node_manager"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/artificien-test-node_manager"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/artificien-test-node_manager"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:111122223333:artificien-test-node_manager-dlq"
      id  = "https://sqs.us-east-1.amazonaws.com/111122223333/artificien-test-node_manager-dlq"
    }
  }
}

variables {
  region      = "us-east-1"
  account_id  = "111122223333"
  name        = "artificien-test"
  environment = "test"
  package = {
    filename         = "build/lambdas/node_manager.zip"
    source_code_hash = "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc="
  }
  layers      = ["arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27"]
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  cluster = {
    name = "artificien-test"
    arn  = "arn:aws:ecs:us-east-1:111122223333:cluster/artificien-test"
  }
  network = {
    vpc_id     = "vpc-0123456789abcdef0"
    subnet_ids = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
  }
  pygrid = {
    task_definition_family = "artificien-test-pygrid-node"
    task_role_arn          = "arn:aws:iam::111122223333:role/artificien-test-pygrid-task"
    execution_role_arn     = "arn:aws:iam::111122223333:role/artificien-test-pygrid-execution"
    listener_arn           = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/artificien-test-nodes/1111111111111111/2222222222222222"
    security_group_id      = "sg-0123456789abcdef1"
    container_name         = "pygrid-node"
    container_port         = 5000
    nodes_domain           = "nodes.example.com"
    url_scheme             = "https"
  }
  dataset_table = {
    name = "test-dataset_table"
    arn  = "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table"
  }
  database = {
    host               = "artificien-test-pygrid.cluster-abc.us-east-1.rds.amazonaws.com"
    port               = 5432
    secret_name_prefix = "artificien-test/pygrid-nodes/"
    role_function_arn  = "arn:aws:lambda:us-east-1:111122223333:function:artificien-test-pygrid_db_role"
  }
  tags = { project = "artificien", environment = "test" }
}

run "one_configuration_for_the_code_and_its_permissions" {
  command = apply

  assert {
    condition = jsonencode(output.config) == jsonencode({
      environment            = "test"
      region                 = "us-east-1"
      cluster_name           = "artificien-test"
      cluster_arn            = "arn:aws:ecs:us-east-1:111122223333:cluster/artificien-test"
      subnet_ids             = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
      security_group_id      = "sg-0123456789abcdef1"
      vpc_id                 = "vpc-0123456789abcdef0"
      listener_arn           = var.pygrid.listener_arn
      task_definition_family = "artificien-test-pygrid-node"
      container_name         = "pygrid-node"
      container_port         = 5000
      nodes_domain           = "nodes.example.com"
      dataset_table_name     = "test-dataset_table"
      url_scheme             = "https"
      service_prefix         = "pygrid-"
      target_group_prefix    = "pygrid-"
      node_secret_prefix     = "artificien-test/pygrid-nodes/"
      node_secret_kms_key_id = var.kms_key_arn
      database_host          = "artificien-test-pygrid.cluster-abc.us-east-1.rds.amazonaws.com"
      database_port          = 5432
      database_role_function = "arn:aws:lambda:us-east-1:111122223333:function:artificien-test-pygrid_db_role"
    })
    error_message = "the configuration must carry every name the manager derives, prefixes included"
  }

  assert {
    condition     = output.environment_variables.NODE_MANAGER_CONFIG == jsonencode(output.config) && output.environment_variables.WAIT_TIMEOUT == "600" && length(output.environment_variables) == 2
    error_message = "the function's environment is exactly the configuration (JSON) and the wait timeout"
  }

  assert {
    condition     = output.function_name == "artificien-test-node_manager" && output.function_arn == "arn:aws:lambda:us-east-1:111122223333:function:artificien-test-node_manager"
    error_message = "function name must be <name>-node_manager"
  }
}

run "policy_holds_exactly_the_node_manager_statements" {
  command = plan

  assert {
    condition = [for s in local.policy_statements : s.sid] == [
      "DatasetItemClaim",
      "UsePlatformKeyForTheTable",
      "StartPygridNodes",
      "StopPygridNodes",
      "TagPygridNodesOnCreate",
      "ListPygridNodes",
      "RegisterPygridAppTaskDefinitions",
      "PygridAppTaskDefinitions",
      "DeletePygridAppTaskDefinitions",
      "TagPygridAppTaskDefinitionsOnCreate",
      "PassPygridRoles",
      "PygridTargetGroups",
      "PygridListenerRules",
      "ManagePygridListenerRules",
      "TagPygridLoadBalancingOnCreate",
      "DescribeLoadBalancing",
      "CreateNodeDatabaseSecrets",
      "TagNodeDatabaseSecrets",
      "ManageNodeDatabaseSecrets",
      "ListNodeSecretsAndGeneratePasswords",
      "UsePlatformKeyForNodeSecrets",
      "AskForNodeDatabaseRoles",
    ]
    error_message = "the function's statements must be exactly the node manager's"
  }

  # Every statement with a wildcard-only resource must be an action that has no resource-level permissions.
  assert {
    condition = alltrue(flatten([
      for s in local.policy_statements : [
        for a in s.actions : contains(["ecs:ListServices", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTags", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "ecs:ListTaskDefinitionFamilies", "secretsmanager:ListSecrets", "secretsmanager:GetRandomPassword"], a)
      ] if contains(s.resources, "*")
    ]))
    error_message = "only actions without resource-level permissions may use *"
  }

  assert {
    condition     = alltrue(flatten([for s in local.policy_statements : [for a in s.actions : !endswith(a, "*") && a != "*"]]))
    error_message = "no wildcard actions"
  }

  assert {
    condition     = one([for s in local.policy_statements : s if s.sid == "DatasetItemClaim"]).resources == [var.dataset_table.arn] && toset(one([for s in local.policy_statements : s if s.sid == "DatasetItemClaim"]).actions) == toset(["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Scan"])
    error_message = "item access only on the dataset table: read, update the claim, scan for claims"
  }

  assert {
    condition     = one([for s in local.policy_statements : s if s.sid == "UsePlatformKeyForTheTable"]).resources == [var.kms_key_arn] && one(one([for s in local.policy_statements : s if s.sid == "UsePlatformKeyForTheTable"]).conditions).values == ["dynamodb.us-east-1.amazonaws.com"]
    error_message = "the key may only be used through DynamoDB"
  }
}

run "nodes_only_in_this_cluster_from_the_per_app_families" {
  command = plan

  assert {
    condition = one([for s in local.policy_statements : s if s.sid == "StartPygridNodes"]) == {
      sid       = "StartPygridNodes"
      actions   = ["ecs:CreateService"]
      resources = ["arn:aws:ecs:us-east-1:111122223333:service/artificien-test/pygrid-*"]
      conditions = [
        { test = "ArnEquals", variable = "ecs:cluster", values = ["arn:aws:ecs:us-east-1:111122223333:cluster/artificien-test"] },
        { test = "ArnLike", variable = "ecs:task-definition", values = ["arn:aws:ecs:us-east-1:111122223333:task-definition/artificien-test-pygrid-node-*:*"] },
      ]
    }
    error_message = "services may be created only in this cluster, under the service prefix, and only from the per-app copies of the template"
  }

  # The orchestration service (<name>-orchestration) and any other service of the cluster are out of reach.
  assert {
    condition = alltrue(flatten([
      for s in local.policy_statements : [
        for r in s.resources : r == "arn:aws:ecs:us-east-1:111122223333:service/artificien-test/pygrid-*" if strcontains(r, ":service/")
      ]
    ])) && !startswith("artificien-test-orchestration", var.service_prefix)
    error_message = "service permissions must cover only the nodes' services, never the orchestration node's"
  }

  assert {
    condition = one([for s in local.policy_statements : s if s.sid == "RegisterPygridAppTaskDefinitions"]) == {
      sid       = "RegisterPygridAppTaskDefinitions"
      actions   = ["ecs:RegisterTaskDefinition"]
      resources = ["arn:aws:ecs:us-east-1:111122223333:task-definition/artificien-test-pygrid-node-*:*"]
      conditions = [
        { test = "StringEquals", variable = "aws:RequestTag/managed_by", values = ["artificien-node-manager"] },
        { test = "StringEquals", variable = "aws:RequestTag/environment", values = ["test"] },
      ]
    }
    error_message = "task definitions may be registered only in the per-app families, tagged as this environment's node manager"
  }

  assert {
    condition     = one([for s in local.policy_statements : s if s.sid == "DeletePygridAppTaskDefinitions"]).resources == ["arn:aws:ecs:us-east-1:111122223333:task-definition/artificien-test-pygrid-node-*:*"]
    error_message = "the node manager may delete only the per-app task definitions, never the Terraform-owned template"
  }

  assert {
    condition = one([for s in local.policy_statements : s if s.sid == "PassPygridRoles"]) == {
      sid        = "PassPygridRoles"
      actions    = ["iam:PassRole"]
      resources  = [var.pygrid.task_role_arn, var.pygrid.execution_role_arn]
      conditions = [{ test = "StringEquals", variable = "iam:PassedToService", values = ["ecs-tasks.amazonaws.com"] }]
    }
    error_message = "PassRole only for the two PyGrid roles, only to ECS tasks"
  }

  assert {
    condition     = one([for s in local.policy_statements : s if s.sid == "PygridListenerRules"]).resources == [var.pygrid.listener_arn] && one([for s in local.policy_statements : s if s.sid == "ManagePygridListenerRules"]).resources == ["arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/artificien-test-nodes/1111111111111111/2222222222222222/*"]
    error_message = "listener rules only on the shared PyGrid listener"
  }

  assert {
    condition     = one([for s in local.policy_statements : s if s.sid == "PygridTargetGroups"]).resources == ["arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/pygrid-*/*"]
    error_message = "target groups only under the PyGrid prefix"
  }

  assert {
    condition     = one(one([for s in local.policy_statements : s if s.sid == "TagPygridNodesOnCreate"]).conditions).values == ["CreateService"] && one(one([for s in local.policy_statements : s if s.sid == "TagPygridAppTaskDefinitionsOnCreate"]).conditions).values == ["RegisterTaskDefinition"] && one(one([for s in local.policy_statements : s if s.sid == "TagPygridLoadBalancingOnCreate"]).conditions).values == ["CreateTargetGroup", "CreateRule"]
    error_message = "tags only while creating, never on existing resources"
  }
}

run "prefixes_scope_names_and_permissions_together" {
  command = apply

  variables {
    service_prefix      = "node-"
    target_group_prefix = "ng-"
    wait_timeout        = 120
    timeout             = 240
  }

  assert {
    condition     = output.config.service_prefix == "node-" && output.config.target_group_prefix == "ng-" && output.environment_variables.WAIT_TIMEOUT == "120"
    error_message = "the function must derive its names from the configured prefixes"
  }

  assert {
    condition     = one([for s in local.policy_statements : s if s.sid == "StopPygridNodes"]).resources == ["arn:aws:ecs:us-east-1:111122223333:service/artificien-test/node-*"] && one([for s in local.policy_statements : s if s.sid == "PygridTargetGroups"]).resources == ["arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/ng-*/*"]
    error_message = "the permissions must follow the same prefixes"
  }
}

run "rejects_prefixes_that_cannot_name_a_target_group_or_service" {
  command = plan

  variables {
    service_prefix      = "-pygrid"
    target_group_prefix = "pygrid-nodes-"
  }

  expect_failures = [var.service_prefix, var.target_group_prefix]
}

run "rejects_a_wait_that_leaves_no_time_to_roll_back" {
  command = plan

  variables {
    timeout      = 300
    wait_timeout = 290
  }

  expect_failures = [var.wait_timeout]
}

run "rejects_resources_that_do_not_match_their_names" {
  command = plan

  variables {
    cluster = {
      name = "artificien-test"
      arn  = "arn:aws:ecs:us-east-1:111122223333:cluster/artificien-other"
    }
    dataset_table = {
      name = "test-dataset_table"
      arn  = "arn:aws:dynamodb:us-east-1:111122223333:table/prod-dataset_table"
    }
  }

  expect_failures = [var.cluster, var.dataset_table]
}

run "rejects_a_template_that_is_not_a_pygrid_node" {
  command = plan

  variables {
    pygrid = {
      task_definition_family = "artificien-test-pygrid-node"
      task_role_arn          = "artificien-test-pygrid-task"
      execution_role_arn     = "arn:aws:iam::111122223333:role/artificien-test-pygrid-execution"
      listener_arn           = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/artificien-test-nodes/1111111111111111"
      security_group_id      = "sg-0123456789abcdef1"
      container_name         = "pygrid-node"
      container_port         = 5000
      nodes_domain           = "nodes.example.com"
      url_scheme             = "ftp"
    }
  }

  expect_failures = [var.pygrid]
}

# Each node's database credentials: a secret of its own, and its own role from the role function.
run "node_secrets_only_under_their_prefix_and_never_read" {
  command = plan

  assert {
    condition = toset(flatten([
      for s in local.policy_statements : s.resources if anytrue([for a in s.actions : startswith(a, "secretsmanager:") && !contains(["secretsmanager:ListSecrets", "secretsmanager:GetRandomPassword"], a)])
    ])) == toset(["arn:aws:secretsmanager:us-east-1:111122223333:secret:artificien-test/pygrid-nodes/*"])
    error_message = "every secret the function touches is a node secret under the prefix"
  }

  assert {
    condition = toset(flatten([for s in local.policy_statements : [for a in s.actions : a if startswith(a, "secretsmanager:")]])) == toset([
      "secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:DescribeSecret",
      "secretsmanager:DeleteSecret", "secretsmanager:ListSecrets", "secretsmanager:GetRandomPassword",
    ])
    error_message = "the node manager writes, finds and deletes node secrets but never reads or changes a value"
  }

  assert {
    condition     = one([for s in local.policy_statements : s if s.sid == "CreateNodeDatabaseSecrets"]).conditions == [{ test = "ArnEquals", variable = "secretsmanager:KmsKeyArn", values = [var.kms_key_arn] }] && [for c in one([for s in local.policy_statements : s if s.sid == "TagNodeDatabaseSecrets"]).conditions : [c.variable, c.values]] == [["aws:RequestTag/managed_by", ["artificien-node-manager"]], ["aws:RequestTag/environment", ["test"]]]
    error_message = "secrets only under the platform key, tags only as this environment's node manager"
  }

  assert {
    condition     = one([for s in local.policy_statements : s if s.sid == "UsePlatformKeyForNodeSecrets"]).resources == [var.kms_key_arn] && one(one([for s in local.policy_statements : s if s.sid == "UsePlatformKeyForNodeSecrets"]).conditions).values == ["secretsmanager.us-east-1.amazonaws.com"]
    error_message = "the key may be used for the secrets only through Secrets Manager"
  }

  assert {
    condition = one([for s in local.policy_statements : s if s.sid == "AskForNodeDatabaseRoles"]) == {
      sid        = "AskForNodeDatabaseRoles"
      actions    = ["lambda:InvokeFunction"]
      resources  = [var.database.role_function_arn]
      conditions = []
    }
    error_message = "the function may invoke the role function, and no other"
  }
}

run "without_a_role_function_nothing_is_invoked" {
  command = apply

  variables {
    database = {
      host               = "localhost.localstack.cloud"
      port               = 5432
      secret_name_prefix = "artificien-local/pygrid-nodes/"
    }
  }

  assert {
    condition     = !contains([for s in local.policy_statements : s.sid], "AskForNodeDatabaseRoles") && alltrue(flatten([for s in local.policy_statements : [for a in s.actions : !startswith(a, "lambda:")]]))
    error_message = "where the env runs no role function, the function may invoke none"
  }

  assert {
    condition     = output.config.database_role_function == null && output.config.node_secret_prefix == "artificien-local/pygrid-nodes/" && strcontains(output.environment_variables.NODE_MANAGER_CONFIG, "\"database_role_function\":null")
    error_message = "the configuration says there is no role function to ask (the secrets are still written)"
  }
}

run "rejects_a_secret_prefix_that_could_reach_other_secrets" {
  command = plan

  variables {
    database = {
      host               = "db.example.com"
      port               = 5432
      secret_name_prefix = "artificien-test"
      role_function_arn  = "artificien-test-pygrid_db_role"
    }
  }

  expect_failures = [var.database]
}

run "rejects_a_bad_database_endpoint" {
  command = plan

  variables {
    database = {
      host               = "db host"
      port               = 70000
      secret_name_prefix = "artificien-test/pygrid-nodes/"
    }
  }

  expect_failures = [var.database]
}
