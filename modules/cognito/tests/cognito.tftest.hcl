mock_provider "aws" {
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "us-east-1_TestPool1"
      arn      = "arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_TestPool1"
      endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"
    }
  }
  mock_resource "aws_cognito_identity_pool" {
    defaults = {
      id = "us-east-1:11111111-2222-3333-4444-555555555555"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/artificien-test-website-authenticated"
    }
  }
  # The provider validates the function's DLQ ARN even on the mock.
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:111122223333:artificien-test-post_confirmation-dlq"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-east-1:111122223333:function:artificien-test-post_confirmation"
    }
  }
}

variables {
  name        = "artificien-test"
  account_id  = "111122223333"
  region      = "us-east-1"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  user_table_name = "test-user_table"
  user_table_arn  = "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table"
  table_arns = [
    "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table",
    "arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table",
    "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table",
  ]
  index_arns = [
    "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table/index/users_username_index",
    "arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table/index/owner-active-index",
    "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/index/owner_username-index",
    "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/index/category-app-index",
    "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/index/placeholder-app",
  ]
  post_confirmation_package = {
    filename         = "build/lambda/post_confirmation.zip"
    source_code_hash = "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc="
  }
  domain_prefix            = "artificien-test-auth"
  jupyterhub_callback_urls = ["https://hub.artificien.example/hub/oauth_callback"]
  jupyterhub_logout_urls   = ["https://hub.artificien.example/hub/logout"]
  tags                     = { project = "artificien", environment = "test" }
}

run "user_pool_sign_in_verification_and_recovery" {
  command = apply

  assert {
    condition     = aws_cognito_user_pool.this.name == "artificien-test"
    error_message = "pool name must be the prefix"
  }
  assert {
    condition     = aws_cognito_user_pool.this.alias_attributes == toset(["email"]) && aws_cognito_user_pool.this.auto_verified_attributes == toset(["email"])
    error_message = "users must sign in with user name or email, and email must be auto-verified"
  }
  assert {
    condition     = aws_cognito_user_pool.this.verification_message_template[0].default_email_option == "CONFIRM_WITH_CODE"
    error_message = "verification must be by code"
  }
  assert {
    condition     = aws_cognito_user_pool.this.verification_message_template[0].email_subject == "Verify your email to use Artificien Services"
    error_message = "verification subject wrong"
  }
  assert {
    condition     = aws_cognito_user_pool.this.verification_message_template[0].email_message == "Thanks for signing up for our services! Your verification code is {####}"
    error_message = "verification message wrong"
  }
  assert {
    condition     = [for m in aws_cognito_user_pool.this.account_recovery_setting[0].recovery_mechanism : m.name] == ["verified_email"]
    error_message = "recovery must be by email only"
  }
  assert {
    condition     = aws_cognito_user_pool.this.password_policy[0].minimum_length == 12
    error_message = "default minimum password length must be 12"
  }
  assert {
    condition     = aws_cognito_user_pool.this.deletion_protection == "INACTIVE"
    error_message = "deletion protection must follow the variable (off by default)"
  }
  assert {
    condition     = aws_cognito_user_pool.this.lambda_config[0].post_confirmation == module.post_confirmation.function_arn
    error_message = "the post-confirmation trigger must be the module's function"
  }
  assert {
    condition     = aws_cognito_user_pool.this.tags["environment"] == "test"
    error_message = "tags not applied"
  }
}

run "clients_and_domain" {
  command = apply

  assert {
    condition     = aws_cognito_user_pool_client.web.generate_secret == false && aws_cognito_user_pool_client.web.explicit_auth_flows == toset(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    error_message = "the web client must be public (no secret) and use SRP"
  }
  assert {
    condition     = aws_cognito_user_pool_client.native.generate_secret == true
    error_message = "the native client must have a secret"
  }
  assert {
    condition     = aws_cognito_user_pool_client.jupyterhub.generate_secret == true && aws_cognito_user_pool_client.jupyterhub.allowed_oauth_flows == toset(["code"]) && aws_cognito_user_pool_client.jupyterhub.allowed_oauth_flows_user_pool_client
    error_message = "JupyterHub must use the OAuth code flow with a secret"
  }
  assert {
    condition     = aws_cognito_user_pool_client.jupyterhub.allowed_oauth_scopes == toset(["openid", "email", "profile"])
    error_message = "JupyterHub scopes must be openid, email, profile"
  }
  assert {
    condition     = aws_cognito_user_pool_client.jupyterhub.callback_urls == toset(["https://hub.artificien.example/hub/oauth_callback"]) && aws_cognito_user_pool_client.jupyterhub.logout_urls == toset(["https://hub.artificien.example/hub/logout"])
    error_message = "callback/logout URLs must come from the variables"
  }
  assert {
    condition     = aws_cognito_user_pool_domain.this.domain == "artificien-test-auth" && output.hosted_ui_base_url == "https://artificien-test-auth.auth.us-east-1.amazoncognito.com"
    error_message = "hosted-UI domain wrong"
  }
  assert {
    condition     = output.web_client_id == aws_cognito_user_pool_client.web.id && output.jupyterhub_client_id == aws_cognito_user_pool_client.jupyterhub.id
    error_message = "client id outputs wrong"
  }
}

run "identity_pool_is_authenticated_only" {
  command = apply

  assert {
    condition     = aws_cognito_identity_pool.this.allow_unauthenticated_identities == false && aws_cognito_identity_pool.this.allow_classic_flow == false
    error_message = "no unauthenticated identities and no classic flow"
  }
  assert {
    condition     = [for p in aws_cognito_identity_pool.this.cognito_identity_providers : p.client_id] == [aws_cognito_user_pool_client.web.id]
    error_message = "only the website client may get identities"
  }
  assert {
    condition     = one(aws_cognito_identity_pool.this.cognito_identity_providers).provider_name == aws_cognito_user_pool.this.endpoint
    error_message = "the provider must be this user pool"
  }
  assert {
    condition     = keys(aws_cognito_identity_pool_roles_attachment.this.roles) == tolist(["authenticated"]) && aws_cognito_identity_pool_roles_attachment.this.roles["authenticated"] == aws_iam_role.authenticated.arn
    error_message = "only an authenticated role may be attached"
  }
  assert {
    condition     = jsondecode(aws_iam_role.authenticated.assume_role_policy).Statement[0].Condition.StringEquals["cognito-identity.amazonaws.com:aud"] == aws_cognito_identity_pool.this.id
    error_message = "the role must trust only this identity pool"
  }
  assert {
    condition     = jsondecode(aws_iam_role.authenticated.assume_role_policy).Statement[0].Condition["ForAnyValue:StringEquals"]["cognito-identity.amazonaws.com:amr"] == "authenticated"
    error_message = "the role must trust only authenticated identities"
  }
}

run "website_role_grants_exactly_the_website_actions" {
  command = apply

  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.authenticated.policy).Statement : s.Action if startswith(s.Action[0], "dynamodb:")
    ])) == toset(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:Scan"])
    error_message = "the website role must hold exactly get, put, update, query, scan"
  }
  assert {
    condition     = toset(jsondecode(aws_iam_role_policy.authenticated.policy).Statement[0].Resource) == toset(var.table_arns)
    error_message = "item reads/writes must target exactly the three tables"
  }
  assert {
    condition     = toset(jsondecode(aws_iam_role_policy.authenticated.policy).Statement[1].Resource) == toset(concat(var.table_arns, var.index_arns))
    error_message = "query/scan must target exactly the tables and their indexes"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated.policy).Statement[2].Resource == var.kms_key_arn && jsondecode(aws_iam_role_policy.authenticated.policy).Statement[2].Condition.StringEquals["kms:ViaService"] == "dynamodb.us-east-1.amazonaws.com"
    error_message = "the key may only be used through DynamoDB"
  }
  assert {
    condition     = length(jsondecode(aws_iam_role_policy.authenticated.policy).Statement) == 3
    error_message = "no other statement may be granted"
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.authenticated.policy, "\"*\"")
    error_message = "no wildcard resource"
  }
}

run "post_confirmation_trigger_wiring" {
  command = apply

  assert {
    condition     = aws_lambda_permission.post_confirmation.principal == "cognito-idp.amazonaws.com" && aws_lambda_permission.post_confirmation.action == "lambda:InvokeFunction"
    error_message = "only Cognito may invoke the function"
  }
  assert {
    condition     = aws_lambda_permission.post_confirmation.source_arn == aws_cognito_user_pool.this.arn && aws_lambda_permission.post_confirmation.source_account == "111122223333"
    error_message = "the permission must be scoped to this pool's ARN and account"
  }
  assert {
    condition     = aws_lambda_permission.post_confirmation.function_name == "artificien-test-post_confirmation" && output.post_confirmation_function_name == "artificien-test-post_confirmation"
    error_message = "function name wrong"
  }
  assert {
    condition     = local.post_confirmation_environment == { USER_TABLE = "test-user_table", DEFAULT_DATASETS = "[\"Artificien-Health\"]" }
    error_message = "the function must get USER_TABLE and the default datasets as JSON"
  }
  assert {
    condition     = local.post_confirmation_statements[0].actions == ["dynamodb:PutItem"] && local.post_confirmation_statements[0].resources == [var.user_table_arn]
    error_message = "the function may only put items into the user table"
  }
  assert {
    condition     = length(local.post_confirmation_statements) == 2 && local.post_confirmation_statements[1].resources == [var.kms_key_arn]
    error_message = "the function gets only the table write and the key via DynamoDB"
  }
}

run "prod_settings" {
  command = plan

  variables {
    deletion_protection     = true
    password_minimum_length = 16
    default_datasets        = ["Artificien-Health", "Artificien-Sleep"]
  }

  assert {
    condition     = aws_cognito_user_pool.this.deletion_protection == "ACTIVE"
    error_message = "deletion protection must be on when asked"
  }
  assert {
    condition     = aws_cognito_user_pool.this.password_policy[0].minimum_length == 16
    error_message = "minimum length must follow the variable"
  }
  assert {
    condition     = jsondecode(local.post_confirmation_environment.DEFAULT_DATASETS) == ["Artificien-Health", "Artificien-Sleep"]
    error_message = "default datasets must follow the variable"
  }
}

run "rejects_reserved_words_in_domain_prefix" {
  command = plan

  variables {
    domain_prefix = "artificien-cognito"
  }

  expect_failures = [var.domain_prefix]
}

run "rejects_plain_http_callbacks" {
  command = plan

  variables {
    jupyterhub_callback_urls = ["http://hub.artificien.example/hub/oauth_callback"]
  }

  expect_failures = [var.jupyterhub_callback_urls]
}

run "allows_localhost_callbacks" {
  command = plan

  variables {
    jupyterhub_callback_urls = ["http://localhost:8000/hub/oauth_callback"]
  }

  assert {
    condition     = aws_cognito_user_pool_client.jupyterhub.callback_urls == toset(["http://localhost:8000/hub/oauth_callback"])
    error_message = "localhost callbacks are allowed for the local env"
  }
}

run "rejects_index_arn_as_table" {
  command = plan

  variables {
    table_arns = ["arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table/index/users_username_index"]
  }

  expect_failures = [var.table_arns]
}
