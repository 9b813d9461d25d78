locals {
  partition = split(":", var.kms_key_arn)[1]
  ecs_arn   = "arn:${local.partition}:ecs:${var.region}:${var.account_id}"

  # Pull permissions only when the image lives in ECR (a public registry needs none).
  ecr_match          = regex("^(?:([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com/([^:@]+))?", var.container_image)
  ecr_repository_arn = local.ecr_match[0] == null ? null : "arn:${local.partition}:ecr:${local.ecr_match[1]}:${local.ecr_match[0]}:repository/${local.ecr_match[2]}"

  secretsmanager_arns = [for v in values(var.secrets) : join(":", slice(split(":", v), 0, 7)) if can(regex("^arn:[^:]+:secretsmanager:", v))]
  ssm_parameter_arns  = [for v in values(var.secrets) : v if can(regex("^arn:[^:]+:ssm:", v))]

  ecs_tasks_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EcsTasksOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnLike      = { "aws:SourceArn" = "${local.ecs_arn}:*" }
      }
    }]
  })
}

# Execution role: what ECS itself needs to start the container (pull, logs, secrets). ---------------

resource "aws_iam_role" "execution" {
  name               = "${var.name}-orchestration-execution"
  assume_role_policy = local.ecs_tasks_trust

  tags = var.tags
}

resource "aws_iam_role_policy" "execution" {
  name = "start-orchestration-task"
  role = aws_iam_role.execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "WriteServiceLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${aws_cloudwatch_log_group.this.arn}:*"]
      }],
      local.ecr_repository_arn == null ? [] : [
        {
          Sid      = "EcrLogin"
          Effect   = "Allow"
          Action   = ["ecr:GetAuthorizationToken"]
          Resource = ["*"] # GetAuthorizationToken has no resource-level permissions
        },
        {
          Sid      = "PullImage"
          Effect   = "Allow"
          Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
          Resource = [local.ecr_repository_arn]
        },
      ],
      length(local.secretsmanager_arns) == 0 ? [] : [{
        Sid      = "ReadSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = local.secretsmanager_arns
      }],
      length(local.ssm_parameter_arns) == 0 ? [] : [{
        Sid      = "ReadParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameters"]
        Resource = local.ssm_parameter_arns
      }],
      length(var.secrets) == 0 ? [] : [{
        Sid      = "DecryptSecrets"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = [var.kms_key_arn]
        Condition = {
          StringEquals = { "kms:ViaService" = ["secretsmanager.${var.region}.amazonaws.com", "ssm.${var.region}.amazonaws.com"] }
        }
      }],
    )
  })
}

# Task role: exactly what the orchestration node does. -------------------------------------------

resource "aws_iam_role" "task" {
  name               = "${var.name}-orchestration-task"
  assume_role_policy = local.ecs_tasks_trust

  tags = var.tags
}

resource "aws_iam_role_policy" "task" {
  name = "orchestrate-pygrid"
  role = aws_iam_role.task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # Only the item calls the real orchestration node makes (docs/data-model.md): it reads and
      # writes whole items with Query and PutItem, updates a few attributes in place, and scans
      # only the model table (filtered on dataset). No DeleteItem, no batch writes, no Scan of
      # user_table, no other index than the username one its API-key checks use.
      {
        Sid      = "ModelItems"
        Effect   = "Allow"
        Action   = ["dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan"]
        Resource = [var.tables.model_table_arn]
      },
      {
        Sid      = "ModelProgress"
        Effect   = "Allow"
        Action   = ["dynamodb:UpdateItem"]
        Resource = [var.tables.model_table_arn]
        Condition = {
          "ForAllValues:StringEquals" = {
            "dynamodb:Attributes" = ["model_id", "download_link", "percent_complete", "acc_this_cycle", "loss_this_cycle", "devices_trained_this_cycle"]
          }
        }
      },
      {
        Sid      = "DatasetItems"
        Effect   = "Allow"
        Action   = ["dynamodb:PutItem", "dynamodb:Query"]
        Resource = [var.tables.dataset_table_arn]
      },
      {
        Sid      = "DatasetNodeClaims"
        Effect   = "Allow"
        Action   = ["dynamodb:UpdateItem"]
        Resource = [var.tables.dataset_table_arn]
        Condition = {
          "ForAllValues:StringEquals" = {
            "dynamodb:Attributes" = ["dataset_id", "hasNode", "nodeURL", "properlySetUp"]
          }
        }
      },
      {
        Sid      = "UserItems"
        Effect   = "Allow"
        Action   = ["dynamodb:PutItem", "dynamodb:Query"]
        Resource = [var.tables.user_table_arn, "${var.tables.user_table_arn}/index/users_username_index"]
      },
      {
        Sid      = "UserApiKeys"
        Effect   = "Allow"
        Action   = ["dynamodb:UpdateItem"]
        Resource = [var.tables.user_table_arn]
        Condition = {
          "ForAllValues:StringEquals" = { "dynamodb:Attributes" = ["user_id", "api_key"] }
        }
      },
      {
        Sid      = "ModelObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = ["${var.models_bucket.arn}/*"]
      },
      {
        Sid      = "ListModels"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [var.models_bucket.arn]
      },
      {
        Sid      = "UsePlatformKeyForTablesAndModels"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
        Resource = [var.kms_key_arn]
        Condition = {
          StringEquals = { "kms:ViaService" = ["dynamodb.${var.region}.amazonaws.com", "s3.${var.region}.amazonaws.com"] }
        }
      },
      {
        # Starting and stopping PyGrid nodes is the node manager's (modules/node_manager): this
        # role may only ask it to, never touch ECS, load balancing or the PyGrid roles itself.
        Sid      = "InvokeNodeManager"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = [var.node_manager.arn]
      },
    ]
  })
}
