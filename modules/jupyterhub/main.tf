locals {
  url = "https://${var.jupyter_domain}"

  # The name the data volume is attached under. Only Xen instances show it as is (as /dev/xvdf);
  # Nitro instances (t3 and later) show every EBS volume as /dev/nvmeNn1, so the boot script looks
  # the volume up by its id first (see resolve_data_device in the template).
  data_device_name = "/dev/sdf"

  # Everything the host needs at boot except the OAuth client secret, which it fetches from Secrets
  # Manager with its instance role: user data is readable by anyone who can describe the instance.
  # The notebook sync agent's code (agents/notebook_sync) travels inside it, so the host needs no
  # artifact store and boots the same code the tests run.
  user_data = templatefile("${path.module}/templates/user_data.sh.tftpl", {
    region             = var.region
    client_secret_arn  = aws_secretsmanager_secret.oauth_client.arn
    sample_data_bucket = var.sample_data_bucket.name
    tutorials_bucket   = var.tutorials_bucket.name
    jupyter_domain     = var.jupyter_domain
    letsencrypt_email  = var.letsencrypt_email
    cognito_base_url   = var.cognito.hosted_ui_base_url
    client_id          = var.cognito.client_id
    admin_users        = var.admin_users
    user_packages      = var.user_packages
    tljh_version       = var.tljh_version
    kernel             = var.tutorials_kernel
    signin_group       = var.data_scientists_group_name
    user_limits        = var.user_limits
    data_volume_id     = aws_ebs_volume.data.id
    data_device_name   = local.data_device_name
    agent_files = {
      for name in fileset("${path.module}/../../agents/notebook_sync", "*.py") :
      name => file("${path.module}/../../agents/notebook_sync/${name}")
    }
    agent_config = jsonencode({
      region            = var.region
      queue_url         = var.notebook_sync.queue_url
      targets           = { (var.sample_data_bucket.name) = "/srv/data/sample_data", (var.tutorials_bucket.name) = "/srv/data/tutorials" }
      staging_dir       = "/srv/data/.notebook-sync"
      reconcile_seconds = var.reconcile_interval_minutes * 60
      wait_seconds      = 20
    })
    platform_config = jsonencode({
      region            = var.region
      user_pool_id      = var.platform.user_pool_id
      web_client_id     = var.platform.web_client_id
      orchestration_url = var.platform.orchestration_url
      api_url           = var.platform.api_url
    })
  })

  # EC2 takes at most 16 KB of user data; the script with the agent's code is more than that, so
  # it goes gzip-compressed (cloud-init unpacks gzip user data before running it).
  user_data_gzip_base64 = base64gzip(local.user_data)
}

# Canonical publishes a new jammy image every few weeks; the instance ignores later AMI changes
# (see lifecycle below) so a new image never replaces the host and its users' home directories.
data "aws_ami" "ubuntu" {
  count = var.ami_id == null ? 1 : 0

  owners      = [var.ami_filter.owner]
  most_recent = true

  filter {
    name   = "name"
    values = [var.ami_filter.name_pattern]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }

  filter {
    name   = "root-device-type"
    values = ["ebs"]
  }
}

resource "aws_instance" "this" {
  # checkov:skip=CKV_AWS_88: JupyterHub is reached straight from browsers and by Let's Encrypt's challenge, on a stable Elastic IP in a public subnet; its security group opens only 80 and 443, and operators use SSM Session Manager (no SSH)
  ami                         = var.ami_id != null ? var.ami_id : data.aws_ami.ubuntu[0].id
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_id
  vpc_security_group_ids      = [aws_security_group.this.id]
  iam_instance_profile        = aws_iam_instance_profile.this.name
  monitoring                  = true
  ebs_optimized               = true
  user_data_base64            = local.user_data_gzip_base64
  user_data_replace_on_change = false # users' home directories live on the root volume

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required" # IMDSv2 only
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.volume_size
    encrypted             = true
    kms_key_id            = var.kms_key_arn
    delete_on_termination = true
    tags                  = merge(var.tags, { Name = "${var.name}-jupyterhub" })
  }

  tags = merge(var.tags, { Name = "${var.name}-jupyterhub" })

  # associate_public_ip_address is left unset on purpose: the Elastic IP below is the stable public
  # address (it replaces any address the public subnet assigns at launch), and setting the argument
  # makes the provider launch through an explicit network interface and then read the flag back as
  # true once the Elastic IP is associated, forcing a replacement on every plan.

  lifecycle {
    # A newer image must not replace the host and its users' home directories.
    ignore_changes = [ami]
  }

  # The boot script reads the secret and the buckets with this role's policy.
  depends_on = [aws_iam_role_policy.this]
}

# The sample and tutorial copies get a volume of their own, mounted at /srv/data: a full sync (many
# or large samples) fills this volume at worst, never the root volume with the users' homes. It
# lives apart from the instance, so it can grow in place and survives a host rebuild (the new host
# finds its filesystem and mounts it; the agent's reconcile brings it up to date).
data "aws_subnet" "this" {
  id = var.subnet_id
}

# No snapshots or backup plan: it holds only copies of the (versioned) buckets, which the agent's
# reconcile rebuilds on an empty volume.
resource "aws_ebs_volume" "data" {
  availability_zone = data.aws_subnet.this.availability_zone
  type              = "gp3"
  size              = var.data_volume_size
  encrypted         = true
  kms_key_id        = var.kms_key_arn

  tags = merge(var.tags, { Name = "${var.name}-jupyterhub-data" })
}

resource "aws_volume_attachment" "data" {
  device_name = local.data_device_name
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.this.id

  # The volume is mounted: detach it from a stopped host (a replaced attachment, a destroy) rather
  # than from under a running filesystem.
  stop_instance_before_detaching = true
}

# A stable public address: the DNS record and the Let's Encrypt certificate survive a host rebuild.
resource "aws_eip" "this" {
  domain   = "vpc"
  instance = aws_instance.this.id

  tags = merge(var.tags, { Name = "${var.name}-jupyterhub" })
}

resource "aws_route53_record" "this" {
  count = var.dns_record_enabled ? 1 : 0

  zone_id = var.route53_zone_id
  name    = var.jupyter_domain
  type    = "A"
  ttl     = 300
  records = [aws_eip.this.public_ip]

  lifecycle {
    precondition {
      condition     = var.route53_zone_id != null
      error_message = "dns_record_enabled needs route53_zone_id."
    }
  }
}
