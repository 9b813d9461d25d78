mock_provider "aws" {
  source = "./tests/mocks"
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
    condition     = [for s in jsondecode(aws_iam_role_policy.authenticated.policy).Statement : s.Sid] == ["ReadOwnUserRow", "OnboardOwnUserRow", "FindOwnUserRowByName", "ListOwnModels", "ReadPublicCatalogue", "QueryPublicCatalogueIndexes", "UseTableKeyViaDynamoDB"]
    error_message = "the website role must hold exactly its seven statements, in order"
  }
  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.authenticated.policy).Statement : s.Action if startswith(s.Action[0], "dynamodb:")
    ])) == toset(["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:Scan"])
    error_message = "the website role may only get, update, query and scan: no PutItem, DeleteItem or batch writes"
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.authenticated.policy).Statement : s.Effect == "Allow" && !can(s.NotAction) && !can(s.NotResource)])
    error_message = "allow-list statements only (no NotAction/NotResource)"
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.authenticated.policy, "\"*\"")
    error_message = "no wildcard resource"
  }
}

run "website_role_reaches_the_user_table_only_through_the_callers_row" {
  command = apply

  # Every statement naming the user table or one of its indexes is tied to the caller's key.
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.authenticated.policy).Statement :
      s.Condition["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"] != null && s.Condition.Null["dynamodb:LeadingKeys"] == "false"
      if anytrue([for r in flatten([s.Resource]) : startswith(r, var.user_table_arn)])
    ])
    error_message = "every statement covering user_table must carry a mandatory LeadingKeys condition"
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.authenticated.policy).Statement : s if anytrue([for r in flatten([s.Resource]) : startswith(r, var.user_table_arn)])]) == 3
    error_message = "exactly three statements may reach the user table (row read, onboarding, own name)"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated.policy).Statement[0].Action == ["dynamodb:GetItem"] && jsondecode(aws_iam_role_policy.authenticated.policy).Statement[0].Resource == [var.user_table_arn] && jsondecode(aws_iam_role_policy.authenticated.policy).Statement[0].Condition["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"] == ["$${aws:PrincipalTag/email}"]
    error_message = "the user row may be read only where user_id is the caller's email tag"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated.policy).Statement[1].Action == ["dynamodb:UpdateItem"] && jsondecode(aws_iam_role_policy.authenticated.policy).Statement[1].Condition["ForAllValues:StringEquals"]["dynamodb:Attributes"] == ["user_id", "has_onboarded", "role"]
    error_message = "an update may touch only the key, has_onboarded and role"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated.policy).Statement[1].Condition.StringEquals["dynamodb:ReturnValues"] == ["NONE", "UPDATED_OLD", "UPDATED_NEW"]
    error_message = "an update must not return the whole item (ALL_OLD/ALL_NEW)"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated.policy).Statement[2].Resource == ["${var.user_table_arn}/index/users_username_index"] && jsondecode(aws_iam_role_policy.authenticated.policy).Statement[2].Condition["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"] == ["$${aws:PrincipalTag/username}"]
    error_message = "users_username_index may be queried only for the caller's user name tag"
  }
  assert {
    condition     = !contains(flatten([for s in jsondecode(aws_iam_role_policy.authenticated.policy).Statement : s.Action if anytrue([for r in flatten([s.Resource]) : startswith(r, var.user_table_arn)])]), "dynamodb:Scan")
    error_message = "no Scan of the user table or its index"
  }
}

run "website_role_reads_own_models_and_the_public_catalogue" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated.policy).Statement[3].Action == ["dynamodb:Query"] && jsondecode(aws_iam_role_policy.authenticated.policy).Statement[3].Resource == ["arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table/index/owner-active-index"] && jsondecode(aws_iam_role_policy.authenticated.policy).Statement[3].Condition["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"] == ["$${aws:PrincipalTag/username}"]
    error_message = "models may only be listed through owner-active-index for the caller's user name"
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.authenticated.policy).Statement : s if anytrue([for r in flatten([s.Resource]) : startswith(r, "arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table")])]) == 1
    error_message = "no other statement may reach the model table (no GetItem, no writes)"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated.policy).Statement[4].Action == ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"] && jsondecode(aws_iam_role_policy.authenticated.policy).Statement[4].Resource == ["arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table"] && !can(jsondecode(aws_iam_role_policy.authenticated.policy).Statement[4].Condition)
    error_message = "the dataset table is the public catalogue: get, query, scan, nothing more"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated.policy).Statement[5].Action == ["dynamodb:Query"] && toset(jsondecode(aws_iam_role_policy.authenticated.policy).Statement[5].Resource) == toset([for a in var.index_arns : a if strcontains(a, "test-dataset_table/index/")])
    error_message = "every dataset-table index may be queried, and only those"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated.policy).Statement[6].Resource == var.kms_key_arn && jsondecode(aws_iam_role_policy.authenticated.policy).Statement[6].Condition.StringEquals["kms:ViaService"] == "dynamodb.us-east-1.amazonaws.com"
    error_message = "the key may only be used through DynamoDB"
  }
}

run "session_tags_from_the_id_token" {
  command = apply

  assert {
    condition     = aws_cognito_identity_pool_provider_principal_tag.this.principal_tags == tomap({ email = "email", username = "cognito:username" }) && aws_cognito_identity_pool_provider_principal_tag.this.use_defaults == false
    error_message = "the session must carry exactly the email and cognito:username claims as tags"
  }
  assert {
    condition     = aws_cognito_identity_pool_provider_principal_tag.this.identity_pool_id == aws_cognito_identity_pool.this.id && aws_cognito_identity_pool_provider_principal_tag.this.identity_provider_name == aws_cognito_user_pool.this.endpoint
    error_message = "the tags must come from this user pool, for this identity pool"
  }
  assert {
    condition     = toset(jsondecode(aws_iam_role.authenticated.assume_role_policy).Statement[0].Action) == toset(["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]) && length(jsondecode(aws_iam_role.authenticated.assume_role_policy).Statement) == 1
    error_message = "the trust must allow sts:TagSession alongside the web-identity assume, in its one conditioned statement"
  }
  assert {
    condition     = aws_cognito_user_pool.this.user_attribute_update_settings[0].attributes_require_verification_before_update == toset(["email"])
    error_message = "a changed email must take effect only once verified"
  }
}

run "rejects_tables_without_a_model_table" {
  command = plan

  variables {
    table_arns = [
      "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table",
      "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table",
    ]
  }

  expect_failures = [var.table_arns]
}

run "rejects_two_tables_with_one_contract_name" {
  command = plan

  variables {
    table_arns = [
      "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table",
      "arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table",
      "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table",
      "arn:aws:dynamodb:us-east-1:111122223333:table/old-dataset_table",
    ]
  }

  expect_failures = [var.table_arns]
}

run "rejects_a_user_table_arn_outside_the_tables" {
  command = plan

  variables {
    user_table_arn = "arn:aws:dynamodb:us-east-1:111122223333:table/other-user_table"
  }

  expect_failures = [var.table_arns]
}

run "refuses_a_role_without_the_owner_indexes" {
  command = plan

  variables {
    index_arns = [
      "arn:aws:dynamodb:us-east-1:111122223333:table/test-dataset_table/index/placeholder-app",
    ]
  }

  expect_failures = [aws_iam_role_policy.authenticated]
}

run "refuses_a_role_without_the_catalogue_indexes" {
  command = plan

  variables {
    index_arns = [
      "arn:aws:dynamodb:us-east-1:111122223333:table/test-user_table/index/users_username_index",
      "arn:aws:dynamodb:us-east-1:111122223333:table/test-model_table/index/owner-active-index",
    ]
  }

  expect_failures = [aws_iam_role_policy.authenticated]
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
