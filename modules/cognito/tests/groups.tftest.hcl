mock_provider "aws" {
  source = "./tests/mocks"
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
