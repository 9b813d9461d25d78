locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  # The state key lives beside its bucket: its ARN says the region S3 uses it from.
  state_region = split(":", var.state.kms_key_arn)[3]

  state_bucket_arn  = "arn:${local.partition}:s3:::${var.state.bucket}"
  state_object_arn  = "${local.state_bucket_arn}/${var.state.object_key}"
  state_lock_arn    = "${local.state_object_arn}.tflock"
  saved_plans_arn   = "${local.state_bucket_arn}/${var.state.saved_plans_prefix}*"
  state_key_aliases = "arn:${local.partition}:kms:${local.state_region}:${local.account_id}:alias/artificien/tfstate/*"

  # Every env's GitHub access, not only this one's: no apply role may rewrite a sibling's trust.
  github_access_arns = [
    "arn:${local.partition}:iam::${local.account_id}:role/*-github-plan",
    "arn:${local.partition}:iam::${local.account_id}:role/*-github-apply",
    "arn:${local.partition}:iam::${local.account_id}:policy/*-github-apply-boundary",
    "arn:${local.partition}:iam::${local.account_id}:oidc-provider/${local.oidc_host}",
  ]

  # S3 uses the state key on the caller's behalf (the bucket's default encryption), so the roles
  # may use it only through S3, never as a raw decrypt oracle.
  state_key_statement = {
    Sid       = "UseTheStateKeyThroughS3"
    Effect    = "Allow"
    Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
    Resource  = var.state.kms_key_arn
    Condition = { StringEquals = { "kms:ViaService" = "s3.${local.state_region}.amazonaws.com" } }
  }

  # What `terraform plan` does to the S3 backend: list the workspaces, read the state, hold the
  # lock file while it plans; and hand the saved plan to the apply job. It never writes the state
  # (bootstrap creates the env's workspace), so a pull request cannot rewrite it.
  plan_state_policy = {
    Version = "2012-10-17"
    Statement = [
      { Sid = "ListTheStateBucket", Effect = "Allow", Action = "s3:ListBucket", Resource = local.state_bucket_arn },
      { Sid = "ReadTheState", Effect = "Allow", Action = "s3:GetObject", Resource = local.state_object_arn },
      { Sid = "HoldTheStateLock", Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource = local.state_lock_arn },
      { Sid = "HandTheSavedPlanToTheApplyJob", Effect = "Allow", Action = "s3:PutObject", Resource = local.saved_plans_arn },
      local.state_key_statement,
    ]
  }

  # Stated even though AdministratorAccess covers it: a narrower apply_policy_arns keeps the state.
  apply_state_policy = {
    Version = "2012-10-17"
    Statement = [
      { Sid = "ListTheStateBucket", Effect = "Allow", Action = "s3:ListBucket", Resource = local.state_bucket_arn },
      { Sid = "ReadAndWriteTheState", Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = local.state_object_arn },
      { Sid = "HoldTheStateLock", Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource = local.state_lock_arn },
      { Sid = "TakeAndDiscardTheSavedPlan", Effect = "Allow", Action = ["s3:GetObject", "s3:DeleteObject"], Resource = local.saved_plans_arn },
      local.state_key_statement,
    ]
  }

  # The apply role's ceiling. A permissions boundary grants nothing: the role may do what its own
  # policies allow AND this allows. It keeps an approved apply from widening its own access or
  # hiding its tracks: GitHub's roles and provider, new identity providers or long-lived keys, the
  # state bucket's and key's guard rails and history, the account and organization, CloudTrail.
  apply_boundary_policy = {
    Version = "2012-10-17"
    Statement = [
      { Sid = "CeilingOfWhatTheRolesPoliciesGrant", Effect = "Allow", Action = "*", Resource = "*" },
      { Sid = "DenyChangingGitHubAccess", Effect = "Deny", NotAction = ["iam:Get*", "iam:List*"], Resource = local.github_access_arns },
      {
        Sid    = "DenyNewWaysIn"
        Effect = "Deny"
        Action = [
          "iam:AddClientIDToOpenIDConnectProvider",
          "iam:CreateAccessKey",
          "iam:CreateLoginProfile",
          "iam:CreateOpenIDConnectProvider",
          "iam:CreateSAMLProvider",
          "iam:CreateServiceSpecificCredential",
          "iam:CreateUser",
          "iam:UpdateAccessKey",
          "iam:UpdateLoginProfile",
          "iam:UpdateOpenIDConnectProviderThumbprint",
          "iam:UpdateSAMLProvider",
          "iam:UploadSSHPublicKey",
          "iam:UploadSigningCertificate",
        ]
        Resource = "*"
      },
      {
        Sid    = "DenyLoweringTheStateBucketsGuard"
        Effect = "Deny"
        Action = [
          "s3:DeleteBucket",
          "s3:DeleteBucketPolicy",
          "s3:PutBucketAcl",
          "s3:PutBucketObjectLockConfiguration",
          "s3:PutBucketOwnershipControls",
          "s3:PutBucketPolicy",
          "s3:PutBucketPublicAccessBlock",
          "s3:PutBucketVersioning",
          "s3:PutEncryptionConfiguration",
          "s3:PutLifecycleConfiguration",
          "s3:PutReplicationConfiguration",
        ]
        Resource = local.state_bucket_arn
      },
      {
        Sid      = "DenyRewritingTheStateHistory"
        Effect   = "Deny"
        Action   = ["s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"]
        Resource = "${local.state_bucket_arn}/*"
      },
      {
        Sid    = "DenyLoweringTheStateKeysGuard"
        Effect = "Deny"
        Action = [
          "kms:CreateAlias",
          "kms:CreateGrant",
          "kms:DeleteAlias",
          "kms:DisableKey",
          "kms:DisableKeyRotation",
          "kms:PutKeyPolicy",
          "kms:ScheduleKeyDeletion",
          "kms:UpdateAlias",
        ]
        Resource = [var.state.kms_key_arn, local.state_key_aliases]
      },
      {
        Sid      = "DenyTheAccountAndTheOrganization"
        Effect   = "Deny"
        Action   = ["account:*", "organizations:*", "iam:CreateAccountAlias", "iam:DeleteAccountAlias", "iam:DeleteAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy"]
        Resource = "*"
      },
      {
        Sid      = "DenyBlindingTheAudit"
        Effect   = "Deny"
        Action   = ["cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail"]
        Resource = "*"
      },
    ]
  }
}

# Plan -----------------------------------------------------------------------------------------

resource "aws_iam_role_policy_attachment" "plan" {
  for_each = toset(var.plan_policy_arns)

  role       = aws_iam_role.plan.name
  policy_arn = each.value
}

resource "aws_iam_role_policy" "plan_state" {
  name   = "terraform-state"
  role   = aws_iam_role.plan.id
  policy = jsonencode(local.plan_state_policy)
}

# Apply ----------------------------------------------------------------------------------------

resource "aws_iam_role_policy_attachment" "apply" {
  for_each = toset(var.apply_policy_arns)

  # checkov:skip=CKV_AWS_274: applying the platform creates IAM roles, networks, databases and more in one run; only the env's GitHub environment (required reviewers) can assume the role, and the permissions boundary caps it (README)
  role       = aws_iam_role.apply.name
  policy_arn = each.value
}

resource "aws_iam_role_policy" "apply_state" {
  name   = "terraform-state"
  role   = aws_iam_role.apply.id
  policy = jsonencode(local.apply_state_policy)
}

resource "aws_iam_policy" "apply_boundary" {
  # checkov:skip=CKV_AWS_62: a permissions boundary grants nothing: its Allow * is only the ceiling of what the apply role's own policies allow, and its Deny statements are the point
  # checkov:skip=CKV_AWS_63: a permissions boundary grants nothing (see CKV_AWS_62)
  # checkov:skip=CKV_AWS_286: a permissions boundary grants nothing (see CKV_AWS_62)
  # checkov:skip=CKV_AWS_287: a permissions boundary grants nothing (see CKV_AWS_62)
  # checkov:skip=CKV_AWS_288: a permissions boundary grants nothing (see CKV_AWS_62)
  # checkov:skip=CKV_AWS_289: a permissions boundary grants nothing (see CKV_AWS_62)
  # checkov:skip=CKV_AWS_290: a permissions boundary grants nothing (see CKV_AWS_62)
  # checkov:skip=CKV_AWS_355: a permissions boundary grants nothing (see CKV_AWS_62)
  # checkov:skip=CKV2_AWS_40: a permissions boundary grants nothing (see CKV_AWS_62)
  name        = "${var.name}-github-apply-boundary"
  description = "Ceiling of ${var.name}-github-apply: no change to GitHub's access, new credentials, the state's guard rails, the account or CloudTrail."
  policy      = jsonencode(local.apply_boundary_policy)
  tags        = var.tags
}
