# The node tasks: one Terraform-owned task definition family is the template. The node manager
# copies its latest revision into a per-app family `<family>-<app-slug>` with NODE_ID and PORT set,
# because an ECS service cannot override a container's environment (only run-task can), and with
# DATABASE_URL pointed at that node's own secret; the copy keeps everything else: the entry point,
# the user, any other secret.

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}/pygrid-node"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

locals {
  # What the fork reads (src/app/__init__.py, cycle_manager.py, entrypoint.sh). NODE_ID is the
  # app's slug, set per node by the node manager (with PORT); "unset" only in the template.
  # MASTER_NODE_URL is host[:port] without a scheme: the fork prepends one when it reports
  # progress. ADDRESS, the node's public name, is composed per node at start (see below).
  node_environment = {
    NODE_ID         = "unset"
    PORT            = tostring(var.container_port)
    MASTER_NODE_URL = var.master_node_url
    NODES_DOMAIN    = var.nodes_domain
    NODE_URL_SCHEME = module.public_alb.url_scheme
  }

  # ADDRESS = <scheme>://<NODE_ID>.<nodes_domain>, the name the node manager routes to this node.
  # A service cannot override a container's environment, and the node manager sets only NODE_ID
  # and PORT, so a shell composes it from those at start and then runs the image's own entry
  # point unchanged ("$0" "$@"). Without a known entry point the image starts as built, no ADDRESS.
  address_wrapper = length(var.container_entry_point) == 0 ? null : [
    "/bin/sh", "-c", "ADDRESS=\"$NODE_URL_SCHEME://$NODE_ID.$NODES_DOMAIN\"; export ADDRESS; exec \"$0\" \"$@\"",
  ]
  container_command = (
    length(var.container_command) > 0 ? var.container_command :
    length(var.container_entry_point) > 0 ? var.container_entry_point : null
  )

  # The template names no real secret: "_" is in no app slug, so no node's secret is ever called
  # this, and the node manager replaces it with the node's own in every copy.
  template_database_secret_arn = "${var.database.node_secret_arn_prefix}_template"
}

resource "aws_ecs_task_definition" "this" {
  # checkov:skip=CKV_AWS_336: read-only root is a per-image variable (readonly_root_filesystem). The fork's image (mkenney1/artificien_pygrid) keeps its Poetry virtualenv under /root/.cache and `poetry run` writes there at start, so it cannot start read-only; the hardened value (true, with a non-root container_user) is documented for images built for it.
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

  # PyGrid writes its scratch files (gunicorn's heartbeat) under /tmp.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = local.container_name
      image                  = var.container_image
      essential              = true
      entryPoint             = local.address_wrapper
      command                = local.container_command
      readonlyRootFilesystem = var.readonly_root_filesystem
      user                   = var.container_user
      privileged             = false
      portMappings = [
        { containerPort = var.container_port, protocol = "tcp" }
      ]
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }
      ]
      environment = [for k in sort(keys(local.node_environment)) : { name = k, value = local.node_environment[k] }]
      # The fork's DATABASE_URL (postgresql://node_<slug>:<password>@<endpoint>:5432/), resolved by
      # ECS at task start from the url key of the node's own secret: never the master's, never
      # another node's, never in state or here.
      secrets = [
        { name = "DATABASE_URL", valueFrom = "${local.template_database_secret_arn}:url::" },
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
