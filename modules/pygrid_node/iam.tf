locals {
  ecs_tasks_trust = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EcsTasksOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
      }
    }]
  }

  # ECS itself (the agent) pulls the image, ships logs and resolves the node's database secret at
  # start. Every node's agent uses this one role, so it may read the node secrets (and no other
  # secret); the node's own code runs with the task role below, which reads nothing, and gets only
  # its own secret's url, as DATABASE_URL.
  execution_statements = concat(
    [
      {
        Sid      = "WriteNodeLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this.arn}:log-stream:*"
      },
      {
        # The node secrets (each one's url is that node's DATABASE_URL); never the master secret.
        Sid      = "ReadNodeDatabaseSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = "${var.database.node_secret_arn_prefix}*"
      },
      {
        Sid      = "DecryptDatabaseSecret"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.kms_key_arn
        Condition = {
          StringEquals = { "kms:ViaService" = "secretsmanager.${var.region}.amazonaws.com" }
        }
      },
    ],
    var.container_image_repository_arn == null ? [] : [
      {
        Sid      = "PullNodeImage"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = var.container_image_repository_arn
      },
      {
        # GetAuthorizationToken has no resource type: it can only be granted on "*".
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*"
      },
    ]
  )
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-pygrid-node-execution"
  description        = "ECS agent for PyGrid node tasks: pull image, write logs, read the database secret"
  assume_role_policy = jsonencode(local.ecs_tasks_trust)
  tags               = var.tags
}

resource "aws_iam_role_policy" "execution" {
  name   = "pygrid-node-execution"
  role   = aws_iam_role.execution.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.execution_statements })
}

# The node's own code calls no AWS API (it talks to its database and its clients only), so the task
# role carries no policy: a role still has to exist so nothing falls back to broader credentials.
resource "aws_iam_role" "task" {
  name               = "${var.name}-pygrid-node-task"
  description        = "PyGrid node containers: no AWS permissions"
  assume_role_policy = jsonencode(local.ecs_tasks_trust)
  tags               = var.tags
}
