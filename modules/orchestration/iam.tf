locals {
  partition = split(":", var.cluster.arn)[1]
  ecs_arn   = "arn:${local.partition}:ecs:${var.region}:${var.account_id}"
  elb_arn   = "arn:${local.partition}:elasticloadbalancing:${var.region}:${var.account_id}"

  # Services of this cluster; the orchestration service itself is excluded by an explicit deny.
  cluster_services_arn = "${local.ecs_arn}:service/${var.cluster.name}/*"
  own_service_arn      = "${local.ecs_arn}:service/${var.cluster.name}/${var.name}-orchestration"
  # The Terraform-owned template family and the per-app families the node manager derives
  # from it (<family>-<app slug>).
  pygrid_task_definitions = [
    "${local.ecs_arn}:task-definition/${var.pygrid.task_definition_family}:*",
    "${local.ecs_arn}:task-definition/${var.pygrid.task_definition_family}-*:*",
  ]
  pygrid_app_task_definitions = "${local.ecs_arn}:task-definition/${var.pygrid.task_definition_family}-*:*"
  pygrid_target_groups        = "${local.elb_arn}:targetgroup/${var.pygrid_target_group_prefix}*/*"
  pygrid_listener_rules       = "${replace(var.pygrid.listener_arn, ":listener/", ":listener-rule/")}/*"

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
      {
        Sid    = "TableItems"
        Effect = "Allow"
        Action = [
          "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
          "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem",
        ]
        Resource = [var.tables.user_table_arn, var.tables.model_table_arn, var.tables.dataset_table_arn]
      },
      {
        Sid      = "QueryIndexes"
        Effect   = "Allow"
        Action   = ["dynamodb:Query", "dynamodb:Scan"]
        Resource = var.tables.index_arns
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
        Sid      = "StartPygridNodes"
        Effect   = "Allow"
        Action   = ["ecs:CreateService"]
        Resource = [local.cluster_services_arn]
        Condition = {
          ArnEquals = { "ecs:cluster" = var.cluster.arn }
          ArnLike   = { "ecs:task-definition" = local.pygrid_task_definitions }
        }
      },
      {
        Sid      = "UpdatePygridNodes"
        Effect   = "Allow"
        Action   = ["ecs:UpdateService"]
        Resource = [local.cluster_services_arn]
        Condition = {
          ArnEquals       = { "ecs:cluster" = var.cluster.arn }
          ArnLikeIfExists = { "ecs:task-definition" = local.pygrid_task_definitions }
        }
      },
      {
        Sid      = "StopPygridNodes"
        Effect   = "Allow"
        Action   = ["ecs:DeleteService", "ecs:DescribeServices"]
        Resource = [local.cluster_services_arn]
      },
      {
        Sid      = "TagPygridNodesOnCreate"
        Effect   = "Allow"
        Action   = ["ecs:TagResource"]
        Resource = [local.cluster_services_arn]
        Condition = {
          StringEquals = { "ecs:CreateAction" = "CreateService" }
        }
      },
      {
        Sid      = "ListPygridNodes"
        Effect   = "Allow"
        Action   = ["ecs:ListServices", "ecs:ListTasks"]
        Resource = ["*"] # List actions take no resource; the condition pins the cluster
        Condition = {
          ArnEquals = { "ecs:cluster" = var.cluster.arn }
        }
      },
      {
        Sid      = "DescribePygridTasks"
        Effect   = "Allow"
        Action   = ["ecs:DescribeTasks"]
        Resource = ["${local.ecs_arn}:task/${var.cluster.name}/*"]
      },
      {
        # The node manager copies the template task definition into one family per app (a
        # service cannot set NODE_ID per service). These four actions accept no resource ARN.
        Sid    = "PygridAppTaskDefinitions"
        Effect = "Allow"
        Action = [
          "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition",
          "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions",
        ]
        Resource = ["*"]
      },
      {
        Sid      = "DeletePygridAppTaskDefinitions"
        Effect   = "Allow"
        Action   = ["ecs:DeleteTaskDefinitions"]
        Resource = [local.pygrid_app_task_definitions]
      },
      {
        Sid      = "TagPygridAppTaskDefinitionsOnCreate"
        Effect   = "Allow"
        Action   = ["ecs:TagResource"]
        Resource = [local.pygrid_app_task_definitions]
        Condition = {
          StringEquals = { "ecs:CreateAction" = "RegisterTaskDefinition" }
        }
      },
      {
        Sid      = "NeverTouchOwnService"
        Effect   = "Deny"
        Action   = ["ecs:UpdateService", "ecs:DeleteService"]
        Resource = [local.own_service_arn]
      },
      {
        Sid      = "PassPygridRoles"
        Effect   = "Allow"
        Action   = ["iam:PassRole"]
        Resource = [var.pygrid.task_role_arn, var.pygrid.execution_role_arn]
        Condition = {
          StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" }
        }
      },
      {
        Sid    = "PygridTargetGroups"
        Effect = "Allow"
        Action = [
          "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
        ]
        Resource = [local.pygrid_target_groups]
      },
      {
        Sid      = "PygridListenerRules"
        Effect   = "Allow"
        Action   = ["elasticloadbalancing:CreateRule"]
        Resource = [var.pygrid.listener_arn]
      },
      {
        Sid      = "ManagePygridListenerRules"
        Effect   = "Allow"
        Action   = ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:SetRulePriorities"]
        Resource = [local.pygrid_listener_rules]
      },
      {
        Sid      = "TagPygridLoadBalancingOnCreate"
        Effect   = "Allow"
        Action   = ["elasticloadbalancing:AddTags"]
        Resource = [local.pygrid_target_groups, local.pygrid_listener_rules]
        Condition = {
          StringEquals = { "elasticloadbalancing:CreateAction" = ["CreateTargetGroup", "CreateRule"] }
        }
      },
      {
        Sid    = "DescribeLoadBalancing"
        Effect = "Allow"
        Action = [
          "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
        ]
        Resource = ["*"] # Describe* actions of Elastic Load Balancing take no resource
      },
    ]
  })
}
