mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::111122223333:policy/artificien-test-github-apply-boundary" }
  }
}

variables {
  name               = "artificien-test"
  repository         = "artificien/infrastructure"
  github_environment = "dev"
  state = {
    bucket             = "artificien-tfstate-111122223333-us-east-1"
    object_key         = "env:/dev/artificien.tfstate"
    kms_key_arn        = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    saved_plans_prefix = "plans/dev/"
  }
  tags = { project = "artificien", environment = "test" }
}

run "one_provider_and_two_roles_trusted_only_by_this_repository" {
  command = apply

  assert {
    condition     = length(aws_iam_openid_connect_provider.this) == 1 && aws_iam_openid_connect_provider.this[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.this[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "the module must create GitHub's OIDC provider with the STS audience"
  }
  assert {
    condition     = aws_iam_role.plan.name == "artificien-test-github-plan" && aws_iam_role.apply.name == "artificien-test-github-apply"
    error_message = "the roles are <name>-github-plan and <name>-github-apply: the workflows derive their ARNs from these names"
  }
  assert {
    condition     = jsondecode(aws_iam_role.plan.assume_role_policy).Statement[0].Principal == { Federated = aws_iam_openid_connect_provider.this[0].arn } && jsondecode(aws_iam_role.apply.assume_role_policy).Statement[0].Principal == { Federated = aws_iam_openid_connect_provider.this[0].arn }
    error_message = "both roles must trust the module's OIDC provider and nothing else"
  }
  assert {
    condition     = jsondecode(aws_iam_role.plan.assume_role_policy).Statement[0].Condition == { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = ["repo:artificien/infrastructure:pull_request", "repo:artificien/infrastructure:ref:refs/heads/main"] } }
    error_message = "the plan role must trust exactly this repository's pull requests and its main branch, for the STS audience"
  }
  assert {
    condition     = jsondecode(aws_iam_role.apply.assume_role_policy).Statement[0].Condition == { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = ["repo:artificien/infrastructure:environment:dev"] } }
    error_message = "the apply role must trust only jobs of this repository's dev environment"
  }
  assert {
    condition     = length(jsondecode(aws_iam_role.plan.assume_role_policy).Statement) == 1 && length(jsondecode(aws_iam_role.apply.assume_role_policy).Statement) == 1 && jsondecode(aws_iam_role.apply.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity"
    error_message = "each trust policy is one web-identity statement"
  }
  assert {
    condition     = keys(aws_iam_role_policy_attachment.plan) == ["arn:aws:iam::aws:policy/ReadOnlyAccess"] && keys(aws_iam_role_policy_attachment.apply) == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    error_message = "default rights: ReadOnlyAccess to plan, AdministratorAccess (bounded) to apply"
  }
  assert {
    condition     = aws_iam_role.apply.permissions_boundary == aws_iam_policy.apply_boundary.arn && aws_iam_role.plan.permissions_boundary == null
    error_message = "the apply role must carry the module's permissions boundary"
  }
  assert {
    condition     = aws_iam_role.plan.max_session_duration == 3600 && aws_iam_role.apply.max_session_duration == 7200
    error_message = "sessions: an hour to plan, two to apply"
  }
  assert {
    condition     = output.plan_role_trust_policy == aws_iam_role.plan.assume_role_policy && output.apply_role_trust_policy == aws_iam_role.apply.assume_role_policy
    error_message = "the trust-policy outputs must be what the roles carry"
  }
}

run "the_plan_role_reads_this_envs_state_and_never_writes_it" {
  command = apply

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.plan_state.policy).Statement : s.Sid] == [
      "ListTheStateBucket", "ReadTheState", "HoldTheStateLock", "HandTheSavedPlanToTheApplyJob", "UseTheStateKeyThroughS3",
    ]
    error_message = "the plan role's state statements changed"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.plan_state.policy).Statement[1] == { Sid = "ReadTheState", Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::artificien-tfstate-111122223333-us-east-1/env:/dev/artificien.tfstate" }
    error_message = "the plan role must only read this env's state object"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.plan_state.policy).Statement[2].Resource == "arn:aws:s3:::artificien-tfstate-111122223333-us-east-1/env:/dev/artificien.tfstate.tflock"
    error_message = "the plan role may write only the lock file of this env's state"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.plan_state.policy).Statement[3].Resource == "arn:aws:s3:::artificien-tfstate-111122223333-us-east-1/plans/dev/*" && jsondecode(aws_iam_role_policy.plan_state.policy).Statement[3].Action == "s3:PutObject"
    error_message = "the plan role hands over saved plans only under this env's prefix"
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.plan_state.policy).Statement : s.Resource != "arn:aws:s3:::artificien-tfstate-111122223333-us-east-1/env:/dev/artificien.tfstate" || s.Action == "s3:GetObject"])
    error_message = "no plan statement may write or delete the state object"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.plan_state.policy).Statement[4].Condition == { StringEquals = { "kms:ViaService" = "s3.us-east-1.amazonaws.com" } } && jsondecode(aws_iam_role_policy.plan_state.policy).Statement[4].Resource == var.state.kms_key_arn
    error_message = "the state key is usable only through S3 of the key's region"
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.apply_state.policy).Statement : s.Sid] == ["ListTheStateBucket", "ReadAndWriteTheState", "HoldTheStateLock", "TakeAndDiscardTheSavedPlan", "UseTheStateKeyThroughS3"] && jsondecode(aws_iam_role_policy.apply_state.policy).Statement[3].Action == ["s3:GetObject", "s3:DeleteObject"]
    error_message = "the apply role's state statements changed"
  }
}

run "the_boundary_keeps_an_apply_from_widening_its_own_access" {
  command = apply

  assert {
    condition = [for s in jsondecode(aws_iam_policy.apply_boundary.policy).Statement : s.Sid] == [
      "CeilingOfWhatTheRolesPoliciesGrant", "DenyChangingGitHubAccess", "DenyNewWaysIn", "DenyLoweringTheStateBucketsGuard",
      "DenyRewritingTheStateHistory", "DenyLoweringTheStateKeysGuard", "DenyTheAccountAndTheOrganization", "DenyBlindingTheAudit",
    ]
    error_message = "the boundary's statements changed"
  }
  assert {
    condition     = alltrue([for s in slice(jsondecode(aws_iam_policy.apply_boundary.policy).Statement, 1, 8) : s.Effect == "Deny"])
    error_message = "every statement but the ceiling must deny"
  }
  assert {
    condition = jsondecode(aws_iam_policy.apply_boundary.policy).Statement[1].Resource == [
      "arn:aws:iam::111122223333:role/*-github-plan",
      "arn:aws:iam::111122223333:role/*-github-apply",
      "arn:aws:iam::111122223333:policy/*-github-apply-boundary",
      "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
    ] && jsondecode(aws_iam_policy.apply_boundary.policy).Statement[1].NotAction == ["iam:Get*", "iam:List*"]
    error_message = "an apply must not change any env's GitHub roles, their boundary or the OIDC provider"
  }
  assert {
    condition     = contains(jsondecode(aws_iam_policy.apply_boundary.policy).Statement[2].Action, "iam:CreateAccessKey") && contains(jsondecode(aws_iam_policy.apply_boundary.policy).Statement[2].Action, "iam:CreateUser") && contains(jsondecode(aws_iam_policy.apply_boundary.policy).Statement[2].Action, "iam:CreateOpenIDConnectProvider")
    error_message = "an apply must create no user, access key or identity provider"
  }
  assert {
    condition     = jsondecode(aws_iam_policy.apply_boundary.policy).Statement[3].Resource == "arn:aws:s3:::artificien-tfstate-111122223333-us-east-1" && contains(jsondecode(aws_iam_policy.apply_boundary.policy).Statement[3].Action, "s3:PutBucketPolicy") && contains(jsondecode(aws_iam_policy.apply_boundary.policy).Statement[3].Action, "s3:DeleteBucket")
    error_message = "an apply must not loosen or delete the state bucket"
  }
  assert {
    condition     = jsondecode(aws_iam_policy.apply_boundary.policy).Statement[5].Resource == [var.state.kms_key_arn, "arn:aws:kms:us-east-1:111122223333:alias/artificien/tfstate/*"] && contains(jsondecode(aws_iam_policy.apply_boundary.policy).Statement[5].Action, "kms:ScheduleKeyDeletion")
    error_message = "an apply must not schedule the state key's deletion or rewrite its policy"
  }
}

run "a_second_env_in_the_account_reuses_its_provider" {
  command = apply

  variables {
    github_environment   = "staging"
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.this) == 0 && output.oidc_provider_arn == var.oidc_provider_arn
    error_message = "with create_oidc_provider = false the module must create no provider and use the one given"
  }
  assert {
    condition     = jsondecode(aws_iam_role.apply.assume_role_policy).Statement[0].Principal.Federated == var.oidc_provider_arn && jsondecode(aws_iam_role.apply.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:artificien/infrastructure:environment:staging"]
    error_message = "the reused provider must be the roles' principal, and the apply role trust the staging environment"
  }
}

run "a_repository_url_is_refused" {
  command = plan
  variables {
    repository = "https://github.com/artificien/infrastructure"
  }
  expect_failures = [var.repository]
}

run "a_wildcard_repository_is_refused" {
  command = plan
  variables {
    repository = "artificien/*"
  }
  expect_failures = [var.repository]
}

run "reusing_needs_the_providers_arn" {
  command = plan
  variables {
    create_oidc_provider = false
  }
  expect_failures = [var.oidc_provider_arn]
}

run "creating_and_naming_a_provider_at_once_is_refused" {
  command = plan
  variables {
    oidc_provider_arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
  }
  expect_failures = [var.oidc_provider_arn]
}

run "another_issuers_provider_is_refused" {
  command = plan
  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::111122223333:oidc-provider/gitlab.com"
  }
  expect_failures = [var.oidc_provider_arn]
}

run "saved_plans_inside_the_state_tree_are_refused" {
  command = plan
  variables {
    state = {
      bucket             = "artificien-tfstate-111122223333-us-east-1"
      object_key         = "env:/dev/artificien.tfstate"
      kms_key_arn        = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      saved_plans_prefix = "env:/dev/"
    }
  }
  expect_failures = [var.state]
}

run "a_key_alias_for_the_state_key_is_refused" {
  command = plan
  variables {
    state = {
      bucket             = "artificien-tfstate-111122223333-us-east-1"
      object_key         = "env:/dev/artificien.tfstate"
      kms_key_arn        = "alias/artificien/tfstate/artificien-tfstate-111122223333-us-east-1"
      saved_plans_prefix = "plans/dev/"
    }
  }
  expect_failures = [var.state]
}

run "a_ref_instead_of_a_branch_is_refused" {
  command = plan
  variables {
    main_branch = "refs/heads/main"
  }
  expect_failures = [var.main_branch]
}
