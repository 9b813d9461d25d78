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

run "jupyterhub_group_exists_in_the_pool" {
  command = apply

  assert {
    condition     = aws_cognito_user_group.data_scientists.name == "data-scientists" && aws_cognito_user_group.data_scientists.user_pool_id == "us-east-1_TestPool1"
    error_message = "The pool must hold the data-scientists group JupyterHub admits."
  }

  assert {
    condition     = aws_cognito_user_group.data_scientists.role_arn == null && aws_cognito_user_group.data_scientists.precedence == null
    error_message = "The group carries no IAM role: the website's role stays the same for every user."
  }

  assert {
    condition     = output.data_scientists_group_name == aws_cognito_user_group.data_scientists.name
    error_message = "The group's name is an output, for the jupyterhub module."
  }
}

run "jupyterhub_group_name_follows_the_variable" {
  command = plan

  variables {
    data_scientists_group_name = "notebook-users"
  }

  assert {
    condition     = aws_cognito_user_group.data_scientists.name == "notebook-users"
    error_message = "data_scientists_group_name names the group."
  }
}

run "rejects_a_group_name_with_quotes" {
  command = plan

  variables {
    data_scientists_group_name = "data-scientists\"; x"
  }

  expect_failures = [var.data_scientists_group_name]
}
