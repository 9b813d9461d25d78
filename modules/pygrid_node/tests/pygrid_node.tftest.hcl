mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/artificien-test/pygrid-node"
    }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/artificien-test-nodes/50dc6c495c0c9188"
    }
  }
  mock_resource "aws_lb_listener" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/artificien-test-nodes/50dc6c495c0c9188/f2f7dc8efc522ab2"
    }
  }
}

# Distinct ids, so that an assertion on which group a rule references cannot pass by accident.
override_resource {
  target = aws_security_group.this
  values = { id = "sg-0a0de5000000000a1" }
}

override_resource {
  target = module.public_alb.aws_security_group.this
  values = { id = "sg-0b1b0000000000b2" }
}

variables {
  name               = "artificien-test"
  region             = "us-east-1"
  vpc_id             = "vpc-0a1b2c3d"
  public_subnet_ids  = ["subnet-0a1", "subnet-0b2"]
  private_subnet_ids = ["subnet-0c3", "subnet-0d4"]
  account_id         = "123456789012"
  database = {
    port                   = 5432
    node_secret_arn_prefix = "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-test/pygrid-nodes/"
    security_group_id      = "sg-0db"
  }
  master_node_url = "orchestration.example.com"
  container_image = "openmined/grid-node:production"
  nodes_domain    = "nodes.example.com"
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  logs_bucket     = { name = "artificien-test-logs", arn = "arn:aws:s3:::artificien-test-logs" }
  kms_key_arn     = "arn:aws:kms:us-east-1:123456789012:key/00000000-1111-2222-3333-444444444444"
  tags            = { project = "artificien", environment = "test" }
}

# The listener assertions moved to modules/public_alb with the listener; here: what this module
# asks of it.
run "https_listener_answers_404_by_default" {
  command = plan

  assert {
    condition     = module.public_alb.listener_ssl_policy != null && startswith(module.public_alb.listener_ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "the listener must use a TLS 1.3 policy"
  }

  assert {
    condition     = output.url_scheme == "https"
    error_message = "node URLs must be https when a certificate is given"
  }

  assert {
    condition     = module.public_alb.ingress_ports == toset([443])
    error_message = "the load balancer must open only the HTTPS port"
  }
}

run "load_balancer_is_public_hardened_and_logged" {
  command = apply

  assert {
    condition     = module.public_alb.access_logs_bucket_name == "artificien-test-logs" && module.public_alb.access_logs_prefix == "alb"
    error_message = "access logs must go to the logs bucket under alb/"
  }

  assert {
    condition     = output.load_balancer_arn == module.public_alb.load_balancer_arn && output.listener_arn == module.public_alb.listener_arn && output.load_balancer_security_group_id == module.public_alb.security_group_id
    error_message = "the load balancer outputs come from the shared module"
  }
}

run "local_emulator_gets_plain_http" {
  command = plan

  variables {
    certificate_arn = null
  }

  assert {
    condition     = module.public_alb.listener_ssl_policy == null
    error_message = "without a certificate there must be only the HTTP listener"
  }

  assert {
    condition     = output.url_scheme == "http"
    error_message = "node URLs must be http without a certificate"
  }

  assert {
    condition     = module.public_alb.ingress_ports == toset([80])
    error_message = "the local load balancer must open only port 80"
  }
}

run "task_definition_gets_database_from_secret" {
  command = apply

  assert {
    condition     = aws_ecs_task_definition.this.family == "artificien-test-pygrid-node"
    error_message = "the template family must be <name>-pygrid-node"
  }

  assert {
    condition     = aws_ecs_task_definition.this.cpu == "512" && aws_ecs_task_definition.this.memory == "1024" && aws_ecs_task_definition.this.network_mode == "awsvpc"
    error_message = "cpu/memory must follow the variables and the task must use awsvpc"
  }

  # The master secret's username/password moved out: DATABASE_URL comes from the url key of a
  # node secret (the node manager points each copy at that node's own), the only secret a node
  # holds. The template's is a name no app slug can take ("_").
  assert {
    condition = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets == [
      { name = "DATABASE_URL", valueFrom = "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-test/pygrid-nodes/_template:url::" },
    ]
    error_message = "DATABASE_URL must come from the url key of a node secret, and be the only secret"
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets : !strcontains(s.valueFrom, ":secret:rds!")])
    error_message = "no node secret may point at an RDS-managed master secret"
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value
      } == {
      NODE_ID         = "unset"
      PORT            = "5000"
      MASTER_NODE_URL = "orchestration.example.com"
      NODES_DOMAIN    = "nodes.example.com"
      NODE_URL_SCHEME = "https"
    }
    error_message = "plain environment must hold only what the fork reads (NODE_ID, PORT, MASTER_NODE_URL) and ADDRESS's parts, no database value"
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings[0].containerPort == output.container_port
    error_message = "the port mapping must match the container_port output"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "the log group must be encrypted with the platform key and retained"
  }
}

# The defaults are the values under which the fork's image starts: as root (its Poetry
# virtualenv is under /root/.cache), writable root, its own entry point after ADDRESS is set.
run "defaults_start_the_forks_image" {
  command = apply

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].entryPoint == ["/bin/sh", "-c", "ADDRESS=\"$NODE_URL_SCHEME://$NODE_ID.$NODES_DOMAIN\"; export ADDRESS; exec \"$0\" \"$@\""]
    error_message = "a shell must set ADDRESS from the per-node NODE_ID and then exec the image's entry point"
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].command == ["sh", "entrypoint.sh"]
    error_message = "the wrapper must run the fork's own entry point (Dockerfile: sh entrypoint.sh)"
  }

  assert {
    condition     = !jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem && try(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user, null) == null && !jsondecode(aws_ecs_task_definition.this.container_definitions)[0].privileged
    error_message = "the fork's image starts as its own user (root) on a writable root, never privileged"
  }
}

run "hardened_image_runs_read_only_as_a_user" {
  command = apply

  variables {
    container_user           = "1000:1000"
    readonly_root_filesystem = true
    container_entry_point    = []
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem == true
    error_message = "the container's root filesystem must be read-only"
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "1000:1000" && one(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].mountPoints).containerPath == "/tmp"
    error_message = "a hardened image runs as the given user, with /tmp its only writable path"
  }

  assert {
    condition     = try(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].entryPoint, null) == null && try(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].command, null) == null
    error_message = "without a known entry point the image starts as built"
  }
}

run "rejects_the_master_secret" {
  command = plan

  variables {
    database = {
      port                   = 5432
      node_secret_arn_prefix = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-1234/"
      security_group_id      = "sg-0db"
    }
  }

  expect_failures = [var.database]
}

run "rejects_a_master_node_url_with_scheme" {
  command = plan

  variables {
    master_node_url = "http://orchestration.example.com"
  }

  expect_failures = [var.master_node_url]
}

run "rejects_latest_image" {
  command = plan

  variables {
    container_image = "mkenney1/artificien_pygrid:latest"
  }

  expect_failures = [var.container_image]
}

run "rejects_a_non_numeric_user" {
  command = plan

  variables {
    container_user = "root"
  }

  expect_failures = [var.container_user]
}

run "execution_role_is_least_privilege" {
  command = apply

  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Action])) == toset([
      "logs:CreateLogStream", "logs:PutLogEvents", "secretsmanager:GetSecretValue", "kms:Decrypt",
    ])
    error_message = "without an ECR repository the execution role may only write logs and read the secret"
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource != "*"])
    error_message = "no execution statement may use a wildcard resource"
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "ReadNodeDatabaseSecrets"]) == "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-test/pygrid-nodes/*"
    error_message = "the secret statement must name only the node secrets"
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Action if s.Sid == "ReadNodeDatabaseSecrets"]) == ["secretsmanager:GetSecretValue"]
    error_message = "the node secrets may only be read"
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Condition.StringEquals["kms:ViaService"] if s.Sid == "DecryptDatabaseSecret"]) == "secretsmanager.us-east-1.amazonaws.com"
    error_message = "KMS decrypt must be limited to Secrets Manager"
  }

  assert {
    condition     = jsondecode(aws_iam_role.task.assume_role_policy).Statement[0].Principal.Service == "ecs-tasks.amazonaws.com" && jsondecode(aws_iam_role.task.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "only ECS tasks of this account may assume the node roles"
  }
}

run "ecr_image_adds_pull_rights_on_that_repository" {
  command = apply

  variables {
    container_image                = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pygrid:1"
    container_image_repository_arn = "arn:aws:ecr:us-east-1:123456789012:repository/pygrid"
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "PullNodeImage"]) == "arn:aws:ecr:us-east-1:123456789012:repository/pygrid"
    error_message = "image pulls must be scoped to the repository"
  }
}

run "nodes_reachable_only_from_load_balancer" {
  command = apply

  assert {
    condition     = aws_vpc_security_group_ingress_rule.nodes_from_load_balancer.referenced_security_group_id == module.public_alb.security_group_id && aws_vpc_security_group_ingress_rule.nodes_from_load_balancer.from_port == 5000
    error_message = "node ingress must come only from the load balancer's security group on the container port"
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.database_from_nodes.security_group_id == "sg-0db" && aws_vpc_security_group_ingress_rule.database_from_nodes.referenced_security_group_id == aws_security_group.this.id && aws_vpc_security_group_ingress_rule.database_from_nodes.from_port == 5432
    error_message = "the database must admit the nodes on its port"
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.nodes_to_https.from_port == 443 && aws_vpc_security_group_egress_rule.nodes_to_https.to_port == 443
    error_message = "nodes may reach the internet only on HTTPS"
  }
}

run "wildcard_record_when_zone_given" {
  command = plan

  variables {
    route53_zone_id = "Z0123456789ABC"
  }

  assert {
    condition     = aws_route53_record.wildcard[0].name == "*.nodes.example.com" && aws_route53_record.wildcard[0].type == "A"
    error_message = "the wildcard alias must cover every node host name"
  }
}

run "rejects_bad_domain" {
  command = plan

  variables {
    nodes_domain = "Nodes_Example"
  }

  expect_failures = [var.nodes_domain]
}

run "rejects_bad_secret_arn" {
  command = plan

  variables {
    database = {
      port                   = 5432
      node_secret_arn_prefix = "not-an-arn"
      security_group_id      = "sg-0db"
    }
  }

  expect_failures = [var.database]
}

# A whole secret's ARN (the shared role's, say) is not a prefix: the nodes would all share it.
run "rejects_one_secret_for_every_node" {
  command = plan

  variables {
    database = {
      port                   = 5432
      node_secret_arn_prefix = "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-test/pygrid-database/pygrid-AbCdEf"
      security_group_id      = "sg-0db"
    }
  }

  expect_failures = [var.database]
}
