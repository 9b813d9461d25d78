locals {
  # The composition passes the three tables as one list; pick each by its contract name
  # (SCHEMAS.md: only the environment prefix varies). variables.tf holds exactly one of each.
  table_arn_by_name = {
    for name in ["user_table", "model_table", "dataset_table"] :
    name => one([for arn in var.table_arns : arn if endswith(arn, name)])
  }
  model_table_arn   = local.table_arn_by_name["model_table"]
  dataset_table_arn = local.table_arn_by_name["dataset_table"]

  # The indexes the website queries, by their contract names.
  users_username_index_arn = "${var.user_table_arn}/index/users_username_index"
  owner_active_index_arn   = "${local.model_table_arn}/index/owner-active-index"
  dataset_index_arns       = [for arn in var.index_arns : arn if startswith(arn, "${local.dataset_table_arn}/index/")]

  # Session tags (tag => ID-token claim) that the policy below matches rows against.
  # `$${...}` writes a literal IAM policy variable, not a Terraform interpolation.
  principal_tags = {
    email    = "email"
    username = "cognito:username"
  }
  caller_email    = "$${aws:PrincipalTag/email}"
  caller_username = "$${aws:PrincipalTag/username}"

  # The only user_table attributes a browser may write: the key (AWS requires every key
  # attribute in dynamodb:Attributes) and the two onboarding answers. Never api_key,
  # datasets_purchased or username (the index the website finds rows by).
  user_row_writable_attributes = ["user_id", "has_onboarded", "role"]
  # UpdateItem always carries ReturnValues (NONE by default); ALL_OLD/ALL_NEW would read back
  # attributes outside the list above.
  update_return_values = ["NONE", "UPDATED_OLD", "UPDATED_NEW"]

  # Tables encrypted with the platform key need the caller to use that key, only via DynamoDB.
  dynamodb_key_actions = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]

  # ForAllValues is true for a request without the key at all; Null = false makes the key
  # mandatory, so a row condition can never hold vacuously.
  own_row = {
    caller_email = {
      "ForAllValues:StringEquals" = { "dynamodb:LeadingKeys" = [local.caller_email] }
      Null                        = { "dynamodb:LeadingKeys" = "false" }
    }
    caller_username = {
      "ForAllValues:StringEquals" = { "dynamodb:LeadingKeys" = [local.caller_username] }
      Null                        = { "dynamodb:LeadingKeys" = "false" }
    }
  }

  website_statements = [
    {
      Sid       = "ReadOwnUserRow"
      Effect    = "Allow"
      Action    = ["dynamodb:GetItem"]
      Resource  = [var.user_table_arn]
      Condition = local.own_row.caller_email
    },
    {
      Sid      = "OnboardOwnUserRow"
      Effect   = "Allow"
      Action   = ["dynamodb:UpdateItem"]
      Resource = [var.user_table_arn]
      Condition = {
        "ForAllValues:StringEquals" = {
          "dynamodb:LeadingKeys" = [local.caller_email]
          "dynamodb:Attributes"  = local.user_row_writable_attributes
        }
        StringEquals = { "dynamodb:ReturnValues" = local.update_return_values }
        Null         = { "dynamodb:LeadingKeys" = "false" }
      }
    },
    {
      # On an index, LeadingKeys is the index's partition key: here the user name.
      Sid       = "FindOwnUserRowByName"
      Effect    = "Allow"
      Action    = ["dynamodb:Query"]
      Resource  = [local.users_username_index_arn]
      Condition = local.own_row.caller_username
    },
    {
      # model_id (the table's key) says nothing about the owner, so no GetItem: only the
      # owner index, keyed by owner_name, can be tied to the caller.
      Sid       = "ListOwnModels"
      Effect    = "Allow"
      Action    = ["dynamodb:Query"]
      Resource  = [local.owner_active_index_arn]
      Condition = local.own_row.caller_username
    },
    {
      Sid      = "ReadPublicCatalogue"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
      Resource = [local.dataset_table_arn]
    },
    {
      Sid      = "QueryPublicCatalogueIndexes"
      Effect   = "Allow"
      Action   = ["dynamodb:Query"]
      Resource = local.dataset_index_arns
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

# The caller's email and user name become session tags, which the role's policy matches rows
# against. No defaults: the default map (aud, sub) would be tags nothing uses.
resource "aws_cognito_identity_pool_provider_principal_tag" "this" {
  identity_pool_id       = aws_cognito_identity_pool.this.id
  identity_provider_name = aws_cognito_user_pool.this.endpoint
  use_defaults           = false
  principal_tags         = local.principal_tags
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
      # TagSession: the identity pool passes the principal tags above with the session.
      Action = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
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
    Version   = "2012-10-17"
    Statement = local.website_statements
  })

  lifecycle {
    precondition {
      condition     = contains(var.index_arns, local.users_username_index_arn) && contains(var.index_arns, local.owner_active_index_arn)
      error_message = "index_arns must hold the user table's users_username_index and the model table's owner-active-index."
    }
    precondition {
      condition     = length(local.dataset_index_arns) > 0
      error_message = "index_arns must hold the dataset table's indexes (the public catalogue's queries)."
    }
  }
}

resource "aws_cognito_identity_pool_roles_attachment" "this" {
  identity_pool_id = aws_cognito_identity_pool.this.id

  roles = {
    authenticated = aws_iam_role.authenticated.arn
  }
}
