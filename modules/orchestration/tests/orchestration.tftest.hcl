mock_provider "aws" {
  source = "./tests/mocks"
}

# The listener and load balancer assertions moved to modules/public_alb with those resources (same
# names, this module's inputs); here: what this module asks of the shared load balancer.
run "https_listener_and_redirect_with_certificate" {
  command = plan

  assert {
    condition     = module.public_alb.listener_ssl_policy != null && startswith(module.public_alb.listener_ssl_policy, "ELBSecurityPolicy-TLS13")
    error_message = "a certificate must give an HTTPS listener with a TLS 1.2+ policy"
  }

  assert {
    condition     = module.public_alb.access_logs_bucket_name == "artificien-dev-logs" && module.public_alb.access_logs_prefix == "alb/orchestration"
    error_message = "load balancer must log to alb/orchestration"
  }

  assert {
    condition     = module.public_alb.ingress_ports == toset([80, 443])
    error_message = "clients reach the load balancer on 443 and 80 only"
  }
}

run "http_only_without_certificate" {
  command = apply

  variables {
    certificate_arn     = null
    deletion_protection = false
  }

  assert {
    condition     = module.public_alb.ingress_ports == toset([80]) && module.public_alb.listener_ssl_policy == null
    error_message = "no 443 ingress and no TLS listener in the local setup"
  }

  assert {
    condition     = output.service_url == "http://artificien-dev-orch-1.us-east-1.elb.amazonaws.com" && output.listener_arn == module.public_alb.listener_arn
    error_message = "service URL and listener follow the HTTP-only mode"
  }
}

run "fargate_service_private_with_rollback" {
  command = plan

  assert {
    condition     = aws_ecs_service.this.launch_type == "FARGATE" && aws_ecs_service.this.platform_version == "LATEST" && !aws_ecs_service.this.network_configuration[0].assign_public_ip
    error_message = "the service must run on the latest Fargate platform without a public IP"
  }

  assert {
    condition     = aws_ecs_service.this.network_configuration[0].subnets == toset(var.network.private_subnet_ids)
    error_message = "tasks must run in the private subnets"
  }

  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable && aws_ecs_service.this.deployment_circuit_breaker[0].rollback
    error_message = "deployments must roll back on failure"
  }

  assert {
    condition     = aws_lb_target_group.this.target_type == "ip" && aws_lb_target_group.this.health_check[0].path == "/" && aws_lb_target_group.this.health_check[0].enabled
    error_message = "the target group must health-check the tasks by IP"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "the service log group must be encrypted with the platform key and kept a year"
  }
}

run "security_groups_chain_load_balancer_to_tasks" {
  command = apply

  assert {
    condition     = aws_vpc_security_group_ingress_rule.service_from_load_balancer.referenced_security_group_id == module.public_alb.security_group_id && aws_vpc_security_group_ingress_rule.service_from_load_balancer.from_port == 5001 && aws_vpc_security_group_ingress_rule.service_from_load_balancer.cidr_ipv4 == null
    error_message = "tasks must accept traffic only from the load balancer's group on the container port"
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.service_https.ip_protocol == "tcp" && aws_vpc_security_group_egress_rule.service_https.from_port == 443 && aws_vpc_security_group_egress_rule.service_https.to_port == 443
    error_message = "tasks may only call out over HTTPS"
  }
}

# The image's gunicorn binds 0.0.0.0:5001 and answers "Running" on GET /: the whole chain from
# the load balancer to the container must use that port and probe that path.
run "service_matches_the_orchestration_image" {
  command = apply

  variables {
    certificate_arn     = null
    deletion_protection = false
  }

  assert {
    condition     = [for m in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings : m.containerPort] == [5001]
    error_message = "the container must publish port 5001 only"
  }

  assert {
    condition     = aws_lb_target_group.this.port == 5001 && one(aws_ecs_service.this.load_balancer).container_port == 5001 && aws_lb_target_group.this.health_check[0].path == "/"
    error_message = "the target group and the service's mapping must use 5001 and probe /"
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.service_from_load_balancer.from_port == 5001 && aws_vpc_security_group_ingress_rule.service_from_load_balancer.to_port == 5001
    error_message = "the tasks must admit the load balancer on 5001 only"
  }

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value if contains(["MASTER_NODE_URL", "LOCALTEST"], e.name) } == { MASTER_NODE_URL = "artificien-dev-orch-1.us-east-1.elb.amazonaws.com", LOCALTEST = "False" }
    error_message = "without a DNS name MASTER_NODE_URL is the load balancer's host name (no scheme), and LOCALTEST is False"
  }

  assert {
    condition     = output.master_node_url == "artificien-dev-orch-1.us-east-1.elb.amazonaws.com"
    error_message = "the output must carry what the container got"
  }
}

run "master_node_url_is_the_public_https_name" {
  command = apply

  variables {
    public_host_name = "orchestration.artificien.com"
  }

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value }["MASTER_NODE_URL"] == "orchestration.artificien.com"
    error_message = "MASTER_NODE_URL must be the public DNS name, host only"
  }

  assert {
    condition     = output.service_url == "https://orchestration.artificien.com" && output.master_node_url == "orchestration.artificien.com"
    error_message = "clients are handed the certificate's name over https"
  }
}

run "alias_record_points_the_public_name_at_the_load_balancer" {
  command = apply

  variables {
    public_host_name = "orchestration.artificien.com"
    route53_zone_id  = "Z0ZONE0000000001"
  }

  assert {
    condition     = aws_route53_record.this[0].zone_id == "Z0ZONE0000000001" && aws_route53_record.this[0].name == "orchestration.artificien.com" && aws_route53_record.this[0].type == "A"
    error_message = "orchestration.<domain> must be an A alias in the given zone"
  }

  assert {
    condition     = one(aws_route53_record.this[0].alias).name == "artificien-dev-orch-1.us-east-1.elb.amazonaws.com"
    error_message = "the alias must target the service's load balancer"
  }
}

run "no_record_without_a_zone" {
  command = plan

  variables {
    public_host_name = "orchestration.artificien.com"
  }

  assert {
    condition     = length(aws_route53_record.this) == 0
    error_message = "without route53_zone_id the DNS is managed elsewhere: no record"
  }
}

run "a_zone_without_a_public_name_is_refused" {
  command = plan

  variables {
    route53_zone_id = "Z0ZONE0000000001"
  }

  expect_failures = [aws_route53_record.this]
}

run "rejects_a_public_host_name_with_scheme" {
  command = plan

  variables {
    public_host_name = "https://orchestration.artificien.com"
  }

  expect_failures = [var.public_host_name]
}

run "rejects_a_privileged_container_port" {
  command = plan

  variables {
    container_port = 80
  }

  expect_failures = [var.container_port]
}

run "container_gets_names_and_secrets_never_values" {
  command = apply

  assert {
    condition = alltrue([
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment :
      !can(regex("(?i)(password|secret|token|api_key)", e.name))
    ])
    error_message = "no secret-looking name may travel as a plain environment variable"
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets == [{ name = "NODE_SIGNING_KEY", valueFrom = var.secrets.NODE_SIGNING_KEY }]
    error_message = "secrets must go through ECS secrets by ARN"
  }

  assert {
    condition = { for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value if contains(["USER_TABLE", "MODEL_TABLE", "DATASET_TABLE", "MODEL_BUCKET", "ECS_CLUSTER", "PYGRID_TASK_DEFINITION_FAMILY", "PYGRID_SUBNET_IDS", "PYGRID_LISTENER_ARN", "COGNITO_USER_POOL_ID", "COGNITO_APP_CLIENT_ID", "AWS_REGION", "PYGRID_CONTAINER_PORT"], e.name) } == {
      USER_TABLE                    = "dev-user_table"
      MODEL_TABLE                   = "dev-model_table"
      DATASET_TABLE                 = "dev-dataset_table"
      MODEL_BUCKET                  = "artificien-dev-models"
      ECS_CLUSTER                   = "artificien-dev"
      PYGRID_TASK_DEFINITION_FAMILY = "artificien-dev-pygrid-node"
      PYGRID_SUBNET_IDS             = "subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2"
      PYGRID_LISTENER_ARN           = var.pygrid.listener_arn
      COGNITO_USER_POOL_ID          = "us-east-1_AbCdEf123"
      COGNITO_APP_CLIENT_ID         = "1example23456789"
      AWS_REGION                    = "us-east-1"
      PYGRID_CONTAINER_PORT         = "5000"
    }
    error_message = "the container must receive the table, bucket, cluster, PyGrid and Cognito names"
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem && !jsondecode(aws_ecs_task_definition.this.container_definitions)[0].privileged
    error_message = "the container must run unprivileged on a read-only root"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "ReadSecrets"][0] == [
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-dev/orchestration-AbCdEf",
    ]
    error_message = "the execution role may read exactly the referenced secret (ARN without the JSON key suffix)"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "PullImage"][0] == ["arn:aws:ecr:us-east-1:123456789012:repository/artificien/orchestration"]
    error_message = "the execution role may pull only the image's own ECR repository"
  }
}

run "task_role_is_scoped" {
  command = apply

  assert {
    condition     = aws_iam_role.task.name != aws_iam_role.execution.name
    error_message = "task and execution roles must be separate"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.task.policy).Statement : s.Sid] == ["ModelItems", "ModelProgress", "DatasetItems", "DatasetNodeClaims", "UserItems", "UserApiKeys", "ModelObjects", "ListModels", "UsePlatformKeyForTablesAndModels", "InvokeNodeManager"]
    error_message = "the task role holds the orchestration node's own table and model access and the node-manager invocation, nothing else"
  }

  # The node-manager rights live on the node manager's role (modules/node_manager tests pin them).
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.task.policy).Statement : [
        for a in s.Action : !startswith(a, "ecs:") && !startswith(a, "elasticloadbalancing:") && a != "iam:PassRole" && !startswith(a, "iam:")
      ]
    ]))
    error_message = "the orchestration role must have no ECS, load-balancing or PassRole statement"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.task.policy).Statement : s if s.Sid == "InvokeNodeManager"][0] == {
      Sid      = "InvokeNodeManager"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunction"]
      Resource = ["arn:aws:lambda:us-east-1:123456789012:function:artificien-dev-node_manager"]
    }
    error_message = "the orchestration node may invoke exactly the node-manager function"
  }

  # Every Allow with a wildcard-only resource must be an action that has no resource-level permissions.
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.task.policy).Statement : [
        for a in s.Action : contains(["ecs:ListServices", "ecs:ListTasks", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions"], a)
      ] if contains(s.Resource, "*")
    ]))
    error_message = "only actions without resource-level permissions may use *"
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.task.policy).Statement : [for a in s.Action : !endswith(a, ":*") && a != "*"]
    ]))
    error_message = "no wildcard actions"
  }

  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.task.policy).Statement : s.Resource if startswith(s.Sid, "Model") && s.Sid != "ModelObjects" || startswith(s.Sid, "Dataset") || startswith(s.Sid, "User")])) == toset(
      [var.tables.user_table_arn, var.tables.model_table_arn, var.tables.dataset_table_arn, "${var.tables.user_table_arn}/index/users_username_index"]
    )
    error_message = "item access only on the three tables and the username index"
  }

  # What the real orchestration node does not do, it may not do (issue: a compromised container).
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.task.policy).Statement : [
        for a in s.Action : !contains(["dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem"], a)
      ]
    ]))
    error_message = "the orchestration node never deletes items or writes in batches"
  }

  assert {
    condition = length([
      for s in jsondecode(aws_iam_role_policy.task.policy).Statement : s
      if contains(s.Action, "dynamodb:Scan") && anytrue([for r in s.Resource : startswith(r, var.tables.user_table_arn)])
    ]) == 0
    error_message = "no Scan of user_table: every developer's API key lives there"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.task.policy).Statement :
      can(s.Condition["ForAllValues:StringEquals"]["dynamodb:Attributes"]) if contains(s.Action, "dynamodb:UpdateItem")
    ])
    error_message = "every UpdateItem is limited to the attributes the orchestration node updates"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.task.policy).Statement : s.Condition["ForAllValues:StringEquals"]["dynamodb:Attributes"] if s.Sid == "UserApiKeys"][0] == ["user_id", "api_key"]
    error_message = "in user_table the orchestration node updates only api_key"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.task.policy).Statement : s.Resource if s.Sid == "ModelObjects"][0] == ["arn:aws:s3:::artificien-dev-models/*"]
    error_message = "object access only in the models bucket"
  }

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value }["NODE_MANAGER_FUNCTION"] == "artificien-dev-node_manager"
    error_message = "the container must be told which function to invoke"
  }
}

run "rejects_a_node_manager_that_is_not_a_function" {
  command = plan

  variables {
    node_manager = {
      name = "artificien-dev-node_manager"
      arn  = "arn:aws:lambda:us-east-1:123456789012:function:artificien-dev-other"
    }
  }

  expect_failures = [var.node_manager]
}

run "public_image_needs_no_ecr_permissions" {
  command = apply

  variables {
    container_image = "ghcr.io/artificien/orchestration@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    secrets         = {}
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Sid] == ["WriteServiceLogs"]
    error_message = "without ECR or secrets the execution role only writes logs"
  }
}

run "rejects_latest_image" {
  command = plan

  variables {
    container_image = "artificien/orchestration:latest"
  }

  expect_failures = [var.container_image]
}

run "rejects_unpinned_image" {
  command = plan

  variables {
    container_image = "artificien/orchestration"
  }

  expect_failures = [var.container_image]
}

run "rejects_plain_value_as_secret" {
  command = plan

  variables {
    secrets = { DB_PASSWORD = "hunter2" }
  }

  expect_failures = [var.secrets]
}
