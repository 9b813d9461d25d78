locals {
  https_enabled = var.certificate_arn != null
  scheme        = local.https_enabled ? "https" : "http"
}

resource "aws_security_group" "load_balancer" {
  # checkov:skip=CKV_AWS_260: its port-80 ingress is load_balancer_http below: a redirect to HTTPS wherever a certificate exists, plain HTTP only against the local emulator
  name        = "${var.name}-orchestration-lb"
  description = "Orchestration node load balancer: HTTP(S) from clients, to the tasks only"
  vpc_id      = var.network.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-orchestration-lb" })
}

resource "aws_vpc_security_group_ingress_rule" "load_balancer_https" {
  for_each = local.https_enabled ? toset(var.ingress_cidrs) : toset([])

  security_group_id = aws_security_group.load_balancer.id
  description       = "HTTPS from clients"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.key

  tags = var.tags
}

# With a certificate port 80 only answers a redirect to HTTPS; without one (local emulator) it
# serves the API.
resource "aws_vpc_security_group_ingress_rule" "load_balancer_http" {
  # checkov:skip=CKV_AWS_260: port 80 is open to clients only to redirect them to HTTPS (the listener's sole action when a certificate is set); plain HTTP is served only in the local emulator.
  for_each = toset(var.ingress_cidrs)

  security_group_id = aws_security_group.load_balancer.id
  description       = local.https_enabled ? "HTTP from clients, redirected to HTTPS" : "HTTP from clients (local emulator only)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = each.key

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_to_tasks" {
  security_group_id            = aws_security_group.load_balancer.id
  description                  = "To the orchestration tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.service.id

  tags = var.tags
}

resource "aws_lb" "this" {
  # checkov:skip=CKV_AWS_150: deletion protection follows var.deletion_protection, which the root sets in prod; dev, staging and local must stay destroyable by `make destroy`
  # checkov:skip=CKV2_AWS_20: HTTP is redirected to HTTPS by aws_lb_listener.http_redirect whenever a certificate is set (every real environment); only the local emulator, which cannot issue certificates, serves plain HTTP.
  name                       = "${var.name}-orch"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.network.public_subnet_ids
  security_groups            = [aws_security_group.load_balancer.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = 120 # model uploads take longer than the 60 s default

  access_logs {
    bucket  = var.logs_bucket_name
    prefix  = "alb/orchestration"
    enabled = true
  }

  tags = var.tags
}

resource "aws_lb_target_group" "this" {
  # checkov:skip=CKV_AWS_378: TLS ends at the load balancer; the hop to the tasks stays inside the VPC, in private subnets whose security group admits only this load balancer, and the Flask container has no certificate of its own.
  name                 = "${var.name}-orch"
  target_type          = "ip"
  protocol             = "HTTP"
  port                 = var.container_port
  vpc_id               = var.network.vpc_id
  deregistration_delay = 30

  health_check {
    enabled             = true
    protocol            = "HTTP"
    path                = var.health_check_path
    matcher             = "200-399"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count = local.https_enabled ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = var.tags
}

resource "aws_lb_listener" "http_redirect" {
  count = local.https_enabled ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags
}

# Only when certificate_arn is null: the local emulator cannot issue ACM certificates, so the
# local env serves the API over plain HTTP on loopback. Real environments always pass a certificate.
resource "aws_lb_listener" "http_forward" {
  # checkov:skip=CKV_AWS_2: created only when certificate_arn is null, i.e. in the local emulator that cannot issue certificates; every real environment gets the HTTPS listener and a redirect instead.
  # checkov:skip=CKV_AWS_103: same listener: plain HTTP exists only in the local emulator, so there is no TLS policy to set.
  count = local.https_enabled ? 0 : 1

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = var.tags
}
