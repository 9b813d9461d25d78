mock_provider "aws" {
  source = "./tests/mocks"
}

run "app_connects_the_repository_with_the_token_from_ssm" {
  command = apply

  assert {
    condition     = aws_amplify_app.this.repository == "https://github.com/artificien/website" && aws_amplify_app.this.access_token == "ghp_token-from-ssm"
    error_message = "The app must use the repository and the token read from SSM."
  }

  assert {
    condition     = data.aws_ssm_parameter.repository_token[0].name == "/artificien/dev/website-repository-token" && data.aws_ssm_parameter.repository_token[0].with_decryption && length(data.aws_secretsmanager_secret_version.repository_token) == 0
    error_message = "The token comes from the named SecureString parameter, decrypted."
  }

  assert {
    condition     = aws_amplify_app.this.name == "artificien-dev-website" && aws_amplify_app.this.platform == "WEB" && aws_amplify_app.this.enable_branch_auto_build
    error_message = "App name, platform and auto-build."
  }

  assert {
    condition     = aws_amplify_app.this.iam_service_role_arn == "arn:aws:iam::123456789012:role/artificien-dev-amplify"
    error_message = "The app must run with the module's service role."
  }

  assert {
    condition = aws_amplify_app.this.environment_variables == tomap({
      REACT_APP_AWS_REGION              = "us-east-1"
      REACT_APP_USER_POOL_ID            = "us-east-1_AbCdEf123"
      REACT_APP_USER_POOL_WEB_CLIENT_ID = "1example23456789abcdefghij"
      REACT_APP_IDENTITY_POOL_ID        = "us-east-1:0123abcd-4567-89ab-cdef-0123456789ab"
    })
    error_message = "The website gets exactly the Cognito ids as build variables."
  }

  assert {
    condition     = strcontains(aws_amplify_app.this.build_spec, "npm run build") && yamldecode(aws_amplify_app.this.build_spec).frontend.artifacts.baseDirectory == "build"
    error_message = "The default build spec builds with npm and publishes build/."
  }

  assert {
    condition     = one(aws_amplify_app.this.custom_rule).target == "/index.html" && one(aws_amplify_app.this.custom_rule).status == "200"
    error_message = "Client-side routes must be rewritten to index.html."
  }
}

run "one_branch_per_stage_with_its_stage_variable" {
  command = apply

  variables {
    branches = {
      master     = "dev"
      staging    = "staging"
      production = "prod"
    }
  }

  assert {
    condition     = { for k, b in aws_amplify_branch.this : k => [b.stage, b.environment_variables["STAGE"], tostring(b.enable_auto_build)] } == { master = ["DEVELOPMENT", "dev", "true"], staging = ["BETA", "staging", "true"], production = ["PRODUCTION", "prod", "true"] }
    error_message = "Each branch builds on push, with Amplify's stage and its STAGE variable."
  }

  assert {
    condition     = output.branch_urls["production"] == "https://production.d1a2b3c4d5e6f7.amplifyapp.com"
    error_message = "Branch URLs are https://<branch>.<default domain>."
  }

  assert {
    condition     = length(aws_amplify_domain_association.this) == 0 && output.custom_domain_certificate_verification_dns_record == null
    error_message = "No custom domain unless asked for."
  }
}

run "service_role_is_least_privilege" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "amplify.amazonaws.com"
    error_message = "Only Amplify may assume the service role."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012" && jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.ArnLike["aws:SourceArn"] == "arn:aws:amplify:us-east-1:123456789012:apps/*"
    error_message = "The trust must be limited to this account's Amplify apps (confused deputy)."
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => { actions = s.Action, resources = s.Resource }
      } == {
      CreateAppLogGroup = {
        actions   = ["logs:CreateLogGroup"]
        resources = ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/amplify/d1a2b3c4d5e6f7*"]
      }
      WriteAppLogs = {
        actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        resources = ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/amplify/d1a2b3c4d5e6f7*:log-stream:*"]
      }
    }
    error_message = "The service role may only write this app's logs."
  }
}

run "token_from_secrets_manager" {
  command = apply

  variables {
    repository_token = {
      secrets_manager_secret_name = "artificien/dev/website-repository-token"
    }
  }

  assert {
    condition     = aws_amplify_app.this.access_token == "ghp_token-from-secrets-manager" && data.aws_secretsmanager_secret_version.repository_token[0].secret_id == "artificien/dev/website-repository-token" && length(data.aws_ssm_parameter.repository_token) == 0
    error_message = "With a secret name the token comes from Secrets Manager only."
  }
}

run "custom_domain_maps_branches_to_sub_domains" {
  command = apply

  variables {
    branches = {
      master     = "dev"
      production = "prod"
    }
    custom_domain = {
      domain_name = "artificien.example"
      sub_domains = { production = "", master = "dev" }
    }
  }

  assert {
    condition     = aws_amplify_domain_association.this[0].domain_name == "artificien.example" && !aws_amplify_domain_association.this[0].wait_for_verification
    error_message = "The custom domain is associated without blocking on DNS verification."
  }

  assert {
    condition     = { for s in aws_amplify_domain_association.this[0].sub_domain : s.branch_name => s.prefix } == { production = "", master = "dev" }
    error_message = "Each branch gets its sub-domain."
  }
}

run "custom_domain_rejects_unknown_branch" {
  command = plan

  variables {
    custom_domain = {
      domain_name = "artificien.example"
      sub_domains = { nosuchbranch = "www" }
    }
  }

  expect_failures = [aws_amplify_domain_association.this]
}

run "rejects_two_token_sources" {
  command = plan

  variables {
    repository_token = {
      ssm_parameter_name          = "/artificien/dev/token"
      secrets_manager_secret_name = "artificien/dev/token"
    }
  }

  expect_failures = [var.repository_token]
}

run "rejects_no_token_source" {
  command = plan

  variables {
    repository_token = {}
  }

  expect_failures = [var.repository_token]
}

run "rejects_unknown_stage" {
  command = plan

  variables {
    branches = { master = "qa" }
  }

  expect_failures = [var.branches]
}

run "rejects_stage_in_extra_variables" {
  command = plan

  variables {
    environment_variables = { STAGE = "prod" }
  }

  expect_failures = [var.environment_variables]
}
