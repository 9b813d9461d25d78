locals {
  container_name = "orchestration"

  # Its own public name, as host[:port] without a scheme: the format its code hands on to PyGrid
  # nodes (the fork prepends the scheme itself). The DNS name when one is given, else the load
  # balancer's own name (the local emulator, or before the DNS records exist).
  master_node_url = coalesce(var.public_host_name, module.public_alb.load_balancer_dns_name)

  # What the orchestration node reads at start. Names only: every secret goes through `secrets`.
  environment = merge(var.environment_variables, {
    AWS_REGION                    = var.region
    AWS_DEFAULT_REGION            = var.region
    USER_TABLE                    = var.tables.user_table_name
    MODEL_TABLE                   = var.tables.model_table_name
    DATASET_TABLE                 = var.tables.dataset_table_name
    MODEL_BUCKET                  = var.models_bucket.name
    ECS_CLUSTER                   = var.cluster.name
    PYGRID_TASK_DEFINITION_FAMILY = var.pygrid.task_definition_family
    PYGRID_SUBNET_IDS             = join(",", var.network.private_subnet_ids)
    PYGRID_SECURITY_GROUP_ID      = var.pygrid.security_group_id
    PYGRID_LISTENER_ARN           = var.pygrid.listener_arn
    PYGRID_VPC_ID                 = var.network.vpc_id
    NODE_MANAGER_FUNCTION         = var.node_manager.name
    COGNITO_REGION                = var.region
    COGNITO_USER_POOL_ID          = var.cognito.user_pool_id
    COGNITO_APP_CLIENT_ID         = var.cognito.web_client_id
    MASTER_NODE_URL               = local.master_node_url
    # 'True' makes /create take nodeURL from the dataset item instead of CloudFormation (which
    # nothing here uses any more); the node manager writes that item, so the platform says False.
    LOCALTEST = "False"
    }, {
    # Optional parts of the PyGrid template: set only when given.
    for k, v in {
      PYGRID_CONTAINER_NAME = var.pygrid.container_name
      PYGRID_CONTAINER_PORT = var.pygrid.container_port == null ? null : tostring(var.pygrid.container_port)
      PYGRID_NODES_DOMAIN   = var.pygrid.nodes_domain
    } : k => v if v != null
  })
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/ecs/${var.name}/orchestration"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_security_group" "service" {
  name        = "${var.name}-orchestration"
  description = "Orchestration tasks: from their load balancer only; out to AWS APIs over HTTPS"
  vpc_id      = var.network.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-orchestration" })
}

resource "aws_vpc_security_group_ingress_rule" "service_from_load_balancer" {
  security_group_id            = aws_security_group.service.id
  description                  = "From the orchestration load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = module.public_alb.security_group_id

  tags = var.tags
}

# HTTPS out: AWS APIs (through the VPC endpoints or NAT), Cognito's signing keys, and the PyGrid
# nodes it fetches trained models from: it calls them by their public names <slug>.<nodes domain>,
# which reach the shared nodes load balancer through NAT on 443, so a rule naming that load
# balancer's security group would never match (the packets arrive from the NAT's address).
resource "aws_vpc_security_group_egress_rule" "service_https" {
  security_group_id = aws_security_group.service.id
  description       = "HTTPS to AWS APIs, Cognito keys and the PyGrid nodes (their public names)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = "${var.name}-orchestration"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # The root file system is read-only; Flask and its server get a scratch /tmp.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = local.container_name
    image                  = var.container_image
    essential              = true
    readonlyRootFilesystem = true
    privileged             = false
    portMappings = [{
      containerPort = var.container_port
      hostPort      = var.container_port
      protocol      = "tcp"
    }]
    mountPoints = [{
      sourceVolume  = "tmp"
      containerPath = "/tmp"
      readOnly      = false
    }]
    environment = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]
    secrets     = [for k in sort(keys(var.secrets)) : { name = k, valueFrom = var.secrets[k] }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.region
        awslogs-stream-prefix = local.container_name
      }
    }
  }])

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name                               = "${var.name}-orchestration"
  cluster                            = var.cluster.arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  enable_execute_command             = false
  wait_for_steady_state              = false

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.network.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = local.container_name
    container_port   = var.container_port
  }

  tags = var.tags

  # The target group must be attached to a listener before a service can register into it.
  depends_on = [module.public_alb]
}
