# What the role function may do: read the master secret, keep the shared role's secret, read the
# node secrets (never write them), run in the VPC.
locals {
  ec2_arn = "arn:${local.partition}:ec2:${var.region}:${var.account_id}"

  role_function_statements = [
    {
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.role_function.arn}:*"
    },
    {
      # X-Ray's write actions support no resource-level permissions.
      Sid      = "WriteTraces"
      Effect   = "Allow"
      Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      Resource = "*"
    },
    {
      Sid      = "ReadMasterSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = aws_rds_cluster.this.master_user_secret[0].secret_arn
    },
    {
      Sid      = "KeepRoleSecret"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"]
      Resource = aws_secretsmanager_secret.role.arn
    },
    {
      # The node manager writes each node's secret; the function only reads the password in it.
      Sid      = "ReadNodeSecrets"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = "${local.node_secret_arn_prefix}*"
    },
    {
      # GetRandomPassword acts on no resource: it can only be granted on "*".
      Sid      = "GeneratePassword"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetRandomPassword"]
      Resource = "*"
    },
    {
      # Both secrets are under the platform key; the function's environment too.
      Sid      = "UsePlatformKeyViaServices"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = var.kms_key_arn
      Condition = {
        StringEquals = {
          "kms:ViaService" = ["secretsmanager.${var.region}.amazonaws.com", "lambda.${var.region}.amazonaws.com"]
        }
      }
    },
    {
      # Lambda attaches the function to the VPC through network interfaces it creates with this
      # role: only in the private subnets, only with the function's own security group.
      Sid    = "AttachToPrivateSubnets"
      Effect = "Allow"
      Action = ["ec2:CreateNetworkInterface"]
      Resource = concat(
        ["${local.ec2_arn}:network-interface/*", "${local.ec2_arn}:security-group/${aws_security_group.role_function.id}"],
        [for s in var.private_subnet_ids : "${local.ec2_arn}:subnet/${s}"],
      )
    },
    {
      Sid      = "ManageOwnInterfaces"
      Effect   = "Allow"
      Action   = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
      Resource = "${local.ec2_arn}:network-interface/*"
      Condition = {
        ArnEquals = { "ec2:Vpc" = "${local.ec2_arn}:vpc/${var.vpc_id}" }
      }
    },
    {
      # Describe calls support no resource-level permissions.
      Sid      = "DescribeNetwork"
      Effect   = "Allow"
      Action   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"]
      Resource = "*"
    },
  ]
}

resource "aws_iam_role" "role_function" {
  name        = local.role_function_name
  description = "Execution role of ${local.role_function_name}: the master secret, the role secrets, the VPC."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "role_function" {
  name   = "provision-pygrid-role"
  role   = aws_iam_role.role_function.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.role_function_statements })
}
