resource "aws_security_group" "this" {
  # checkov:skip=CKV_AWS_260: its port-80 ingress is aws_vpc_security_group_ingress_rule.http below, open for Let's Encrypt's HTTP-01 challenge and redirected to HTTPS by the proxy
  # A prefix, not a fixed name: with create_before_destroy the replacement group exists next to
  # the old one for a while, and two groups of one VPC cannot share a name.
  name_prefix = "${var.name}-jupyterhub-"
  description = "JupyterHub host: HTTP/HTTPS in from anywhere; HTTP/HTTPS out (packages, S3, Secrets Manager, SSM, Let's Encrypt)"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-jupyterhub" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  # checkov:skip=CKV_AWS_260: port 80 must be open to the internet: Let's Encrypt's HTTP-01 challenge reaches the host there, and TLJH's proxy redirects every other request to HTTPS.
  security_group_id = aws_security_group.this.id
  description       = "HTTP from anywhere: Let's Encrypt HTTP-01 challenge, then redirect to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS from anywhere: JupyterHub users"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS out: S3, Secrets Manager, SSM Session Manager, PyPI, Let's Encrypt ACME"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "http" {
  security_group_id = aws_security_group.this.id
  description       = "HTTP out: Ubuntu package mirrors (apt verifies packages by signature)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}
