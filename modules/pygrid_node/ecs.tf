# The node tasks: one Terraform-owned task definition family is the template. The node manager
# copies its latest revision into a per-app family `<family>-<app-slug>` with NODE_ID and PORT set,
# because an ECS service cannot override a container's environment (only run-task can).

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}/pygrid-node"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = local.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # PyGrid writes its scratch files under /tmp; everything else stays read-only.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = local.container_name
      image                  = var.container_image
      essential              = true
      command                = length(var.container_command) > 0 ? var.container_command : null
      readonlyRootFilesystem = true
      user                   = "1000:1000"
      portMappings = [
        { containerPort = var.container_port, protocol = "tcp" }
      ]
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }
      ]
      # NODE_ID is the app's slug, set per node by the node manager; PORT matches the port mapping.
      environment = [
        { name = "NODE_ID", value = "unset" },
        { name = "PORT", value = tostring(var.container_port) },
        { name = "DATABASE_HOST", value = var.database.endpoint },
        { name = "DATABASE_PORT", value = tostring(var.database.port) },
        { name = "DATABASE_NAME", value = var.database.name },
      ]
      # From the AWS-managed master-user secret, resolved by ECS at task start: never in state.
      secrets = [
        { name = "DATABASE_USER", valueFrom = "${var.database.master_secret_arn}:username::" },
        { name = "DATABASE_PASSWORD", valueFrom = "${var.database.master_secret_arn}:password::" },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "node"
        }
      }
    }
  ])

  tags = var.tags
}

# The nodes' security group: reachable only from the shared load balancer; reaching only the
# database and HTTPS (AWS APIs through the VPC endpoints or NAT, and the image registry).
resource "aws_security_group" "this" {
  # checkov:skip=CKV2_AWS_5: attached at run time to each app's ECS service by the node manager (services are not Terraform resources)
  name        = "${var.name}-pygrid-nodes"
  description = "PyGrid node tasks: from the nodes load balancer only; to the database and HTTPS"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-pygrid-nodes" })
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_load_balancer" {
  security_group_id            = aws_security_group.this.id
  description                  = "Traffic and health checks from the shared load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = module.public_alb.security_group_id
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "nodes_to_database" {
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL on the PyGrid database"
  ip_protocol                  = "tcp"
  from_port                    = var.database.port
  to_port                      = var.database.port
  referenced_security_group_id = var.database.security_group_id
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "nodes_to_https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs (logs, secrets, image pull)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

# The database's security group has no rule for PyGrid of its own (ecs_cluster); the nodes add it.
resource "aws_vpc_security_group_ingress_rule" "database_from_nodes" {
  security_group_id            = var.database.security_group_id
  description                  = "PostgreSQL from the PyGrid node tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.database.port
  to_port                      = var.database.port
  referenced_security_group_id = aws_security_group.this.id
  tags                         = var.tags
}
