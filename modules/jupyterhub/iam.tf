locals {
  bucket_arns = [var.sample_data_bucket.arn, var.tutorials_bucket.arn]
}

resource "aws_iam_role" "this" {
  name        = "${var.name}-jupyterhub"
  description = "JupyterHub host: reads the sample-data and tutorials buckets and their event queue, and its OAuth client secret; SSM Session Manager for operators"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Ec2AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name = "jupyterhub-host"
  role = aws_iam_role.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListSharedBuckets"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = local.bucket_arns
      },
      {
        Sid      = "ReadSharedObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = [for arn in local.bucket_arns : "${arn}/*"]
      },
      {
        # The notebook sync agent long-polls the buckets' events and deletes what it applied;
        # nothing else (no SendMessage, no queue administration). The queue uses SQS-managed
        # encryption, so no key permission goes with it.
        Sid      = "ReceiveNotebookSyncEvents"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = [var.notebook_sync.queue_arn]
      },
      {
        Sid      = "ReadOAuthClientSecret"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = [aws_secretsmanager_secret.oauth_client.arn]
      },
      {
        # The buckets and the secret are encrypted with the platform key; decrypt only through
        # those two services, never directly.
        Sid      = "DecryptThroughS3AndSecretsManager"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = [var.kms_key_arn]
        Condition = {
          StringEquals = {
            "kms:ViaService" = [
              "s3.${var.region}.amazonaws.com",
              "secretsmanager.${var.region}.amazonaws.com",
            ]
          }
        }
      },
    ]
  })
}

# Operators reach the host through SSM Session Manager instead of SSH (no port 22 anywhere). Only
# what Session Manager needs: AWS's AmazonSSMManagedInstanceCore would also let the host read every
# SSM parameter in the account (e.g. the website's repository token).
resource "aws_iam_role_policy" "session_manager" {
  name = "session-manager"
  role = aws_iam_role.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "RegisterThisInstance"
        Effect   = "Allow"
        Action   = ["ssm:UpdateInstanceInformation"]
        Resource = [aws_instance.this.arn]
      },
      {
        # ssmmessages has no resource-level permissions: "*" is the only value these actions take.
        Sid    = "SessionChannels"
        Effect = "Allow"
        Action = [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ]
        Resource = ["*"]
      },
    ]
  })
}

resource "aws_iam_instance_profile" "this" {
  name = "${var.name}-jupyterhub"
  role = aws_iam_role.this.name

  tags = var.tags
}
