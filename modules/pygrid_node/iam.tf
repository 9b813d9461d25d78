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

  # ECS itself (the agent) pulls the image, ships logs and resolves PyGrid's database secret at start.
  execution_statements = concat(
    [
      {
        Sid      = "WriteNodeLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this.arn}:log-stream:*"
      },
      {
        # PyGrid's own role secret (its url is DATABASE_URL); never the master secret.
        Sid      = "ReadDatabaseSecret"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = var.database.secret_arn
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
