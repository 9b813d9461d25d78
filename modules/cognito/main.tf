locals {
  # SES identities live at arn:<partition>:ses:<region>:<account>:identity/<address or domain>.
  partition = split(":", var.kms_key_arn)[1]
  ses_identity_arn = var.email_sender == null ? null : (
    "arn:${local.partition}:ses:${var.region}:${var.account_id}:identity/${coalesce(var.email_sender.ses_identity, var.email_sender.from_address)}"
  )
  email_from = var.email_sender == null ? null : (
    var.email_sender.from_name == "" ? var.email_sender.from_address : "${var.email_sender.from_name} <${var.email_sender.from_address}>"
  )
}

resource "aws_cognito_user_pool" "this" {
  name = var.name

  # Sign in with the user name or the (verified) email address.
  alias_attributes         = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  mfa_configuration        = "OPTIONAL"

  username_configuration {
    case_sensitive = false
  }

  # The post-confirmation function keys the user's row by this address.
  schema {
    name                     = "email"
    attribute_data_type      = "String"
    required                 = true
    mutable                  = true
    developer_only_attribute = false

    string_attribute_constraints {
      min_length = 3
      max_length = 254
    }
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 7
  }

  software_token_mfa_configuration {
    enabled = true
  }

  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
    email_subject        = "Verify your email to use Artificien Services"
    email_message        = "Thanks for signing up for our services! Your verification code is {####}"
  }

  # Cognito's own sender sends only a small number of mails a day: enough for dev, not for prod's
  # sign-ups, which go through the env's verified SES identity instead.
  email_configuration {
    email_sending_account  = var.email_sender == null ? "COGNITO_DEFAULT" : "DEVELOPER"
    from_email_address     = local.email_from
    source_arn             = local.ses_identity_arn
    reply_to_email_address = try(var.email_sender.reply_to, null)
  }

  # A new email address replaces the old one (in the ID token too, and so in the website's
  # session tag) only once the user enters the code sent to it: nobody can put another user's
  # address, the user table's key, into their token.
  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  # Email only: no SMS role, no phone numbers to verify.
  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = false
  }

  lambda_config {
    post_confirmation = module.post_confirmation.function_arn
  }

  tags = var.tags
}

# The marketplace website: a public (browser) client, so no secret; SRP never sends the password.
resource "aws_cognito_user_pool_client" "web" {
  name         = "${var.name}-web"
  user_pool_id = aws_cognito_user_pool.this.id

  generate_secret               = false
  explicit_auth_flows           = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true
  supported_identity_providers  = ["COGNITO"]
}

# Server-side and native callers that can keep a secret.
resource "aws_cognito_user_pool_client" "native" {
  name         = "${var.name}-native"
  user_pool_id = aws_cognito_user_pool.this.id

  generate_secret               = true
  explicit_auth_flows           = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true
  supported_identity_providers  = ["COGNITO"]
}

# JupyterHub signs users in through the hosted UI (OAuth authorization-code flow).
resource "aws_cognito_user_pool_client" "jupyterhub" {
  name         = "${var.name}-jupyterhub"
  user_pool_id = aws_cognito_user_pool.this.id

  generate_secret                      = true
  explicit_auth_flows                  = ["ALLOW_REFRESH_TOKEN_AUTH"]
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid", "email", "profile"]
  callback_urls                        = var.jupyterhub_callback_urls
  logout_urls                          = var.jupyterhub_logout_urls
  supported_identity_providers         = ["COGNITO"]
  prevent_user_existence_errors        = "ENABLED"
  enable_token_revocation              = true
}

resource "aws_cognito_user_pool_domain" "this" {
  domain       = var.domain_prefix
  user_pool_id = aws_cognito_user_pool.this.id
}
