locals {
  # Reads (Query/Scan) may target a table or any of its indexes; item writes only tables.
  website_read_resources = concat(var.table_arns, var.index_arns)

  # Tables encrypted with the platform key need the caller to use that key, only via DynamoDB.
  dynamodb_key_actions = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
}

resource "aws_cognito_identity_pool" "this" {
  identity_pool_name               = "${var.name}-website"
  allow_unauthenticated_identities = false
  allow_classic_flow               = false

  cognito_identity_providers {
    client_id               = aws_cognito_user_pool_client.web.id
    provider_name           = aws_cognito_user_pool.this.endpoint
    server_side_token_check = true
  }

  tags = var.tags
}

# How the website reaches DynamoDB: temporary credentials for signed-in users, no access keys.
resource "aws_iam_role" "authenticated" {
  name        = "${var.name}-website-authenticated"
  description = "Assumed by signed-in users of the marketplace website through the ${var.name} identity pool."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CognitoAuthenticatedIdentities"
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals               = { "cognito-identity.amazonaws.com:aud" = aws_cognito_identity_pool.this.id }
        "ForAnyValue:StringEquals" = { "cognito-identity.amazonaws.com:amr" = "authenticated" }
      }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "authenticated" {
  name = "website-dynamodb"
  role = aws_iam_role.authenticated.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadWriteItems"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
        Resource = var.table_arns
      },
      {
        Sid      = "QueryAndScan"
        Effect   = "Allow"
        Action   = ["dynamodb:Query", "dynamodb:Scan"]
        Resource = local.website_read_resources
      },
      {
        Sid      = "UseTableKeyViaDynamoDB"
        Effect   = "Allow"
        Action   = local.dynamodb_key_actions
        Resource = var.kms_key_arn
        Condition = {
          StringEquals = { "kms:ViaService" = "dynamodb.${var.region}.amazonaws.com" }
        }
      },
    ]
  })
}

resource "aws_cognito_identity_pool_roles_attachment" "this" {
  identity_pool_id = aws_cognito_identity_pool.this.id

  roles = {
    authenticated = aws_iam_role.authenticated.arn
  }
}
