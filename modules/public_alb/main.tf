# The public application load balancer both front doors share (the orchestration node and the
# PyGrid nodes): its security group, access logs, an HTTPS listener with port 80 redirecting to it,
# and, where no certificate can exist (the local emulator), one plain HTTP listener instead. What a
# request no rule matches gets is the caller's `default_action`; WAF, target groups and listener
# rules stay with the callers.

locals {
  https_enabled = var.https_enabled != null ? var.https_enabled : var.certificate_arn != null
  url_scheme    = local.https_enabled ? "https" : "http"
  # Port 80 is open for the redirect, or for the plain listener of the local emulator.
  http_enabled = local.https_enabled ? var.http_redirect_enabled : true

  # One TLS policy for every public listener: TLS 1.3, plus TLS 1.2 with forward-secret AEAD
  # ciphers only. It is in the TLS 1.3 family the stricter of the two former balancers required,
  # and the default both already used, so sharing it changes no listener. TLS13-1-3 (1.3 only)
  # would lock out devices and notebook HTTP stacks that still speak only TLS 1.2.
  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

resource "aws_security_group" "this" {
  # checkov:skip=CKV_AWS_260: port 80 is open only through aws_vpc_security_group_ingress_rule.http: a redirect to HTTPS wherever a certificate exists, plain HTTP only against the local emulator
  name        = var.security_group.name
  description = var.security_group.description
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = var.security_group.name })
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  for_each = local.https_enabled ? toset(var.ingress_cidrs) : toset([])

  security_group_id = aws_security_group.this.id
  description       = "HTTPS from clients"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.key

  tags = var.tags
}

# With a certificate port 80 only answers a redirect to HTTPS (or stays closed when the caller
# wants no redirect); without one (local emulator) it serves the default action.
resource "aws_vpc_security_group_ingress_rule" "http" {
  # checkov:skip=CKV_AWS_260: port 80 is open to clients only to redirect them to HTTPS (the listener's sole action when a certificate is set); plain HTTP is served only in the local emulator.
  for_each = local.http_enabled ? toset(var.ingress_cidrs) : toset([])

  security_group_id = aws_security_group.this.id
  description       = local.https_enabled ? "HTTP from clients, redirected to HTTPS" : "HTTP from clients (local emulator only)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = each.key

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "to_targets" {
  security_group_id            = aws_security_group.this.id
  description                  = "Forward to the targets and health-check them"
  ip_protocol                  = "tcp"
  from_port                    = var.targets.port
  to_port                      = var.targets.port
  referenced_security_group_id = var.targets.security_group_id

  tags = var.tags
}

resource "aws_lb" "this" {
  # checkov:skip=CKV_AWS_150: deletion protection follows var.deletion_protection, which the root sets in prod; dev, staging and local must stay destroyable by `make destroy`
  # checkov:skip=CKV2_AWS_20: with a certificate (every real environment) port 80 either redirects to HTTPS (aws_lb_listener.http_redirect) or, with http_redirect_enabled = false, is not open at all; only the local emulator, which cannot issue certificates, serves plain HTTP.
  # checkov:skip=CKV2_AWS_76: the web ACL is the caller's (see CKV2_AWS_28): the orchestration one (modules/orchestration_waf) runs AWSManagedRulesKnownBadInputsRuleSet, the managed group that carries the Log4j (Log4JRCE) rules; this module attaches none itself.
  # checkov:skip=CKV2_AWS_28: WAF is the caller's: modules/orchestration_waf associates the orchestration web ACL with output load_balancer_arn; the PyGrid nodes have none (model and gradient uploads would trip the managed rules' body inspection, see modules/pygrid_node).
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.subnet_ids
  security_groups            = [aws_security_group.this.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = var.idle_timeout

  access_logs {
    bucket  = var.logs_bucket.name
    prefix  = var.access_logs_prefix
    enabled = true
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count = local.https_enabled ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = local.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = var.default_action.type
    target_group_arn = var.default_action.target_group_arn

    dynamic "fixed_response" {
      for_each = var.default_action.fixed_response == null ? [] : [var.default_action.fixed_response]

      content {
        status_code  = fixed_response.value.status_code
        content_type = fixed_response.value.content_type
        message_body = fixed_response.value.message_body
      }
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.certificate_arn != null
      error_message = "https_enabled needs certificate_arn."
    }
  }
}

resource "aws_lb_listener" "http_redirect" {
  count = local.https_enabled && var.http_redirect_enabled ? 1 : 0

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
# local env serves plain HTTP on loopback. Real environments always pass a certificate.
resource "aws_lb_listener" "http" {
  # checkov:skip=CKV_AWS_2: created only when certificate_arn is null, i.e. in the local emulator that cannot issue certificates; every real environment gets the HTTPS listener and a redirect instead.
  # checkov:skip=CKV_AWS_103: same listener: plain HTTP exists only in the local emulator, so there is no TLS policy to set.
  count = local.https_enabled ? 0 : 1

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = var.default_action.type
    target_group_arn = var.default_action.target_group_arn

    dynamic "fixed_response" {
      for_each = var.default_action.fixed_response == null ? [] : [var.default_action.fixed_response]

      content {
        status_code  = fixed_response.value.status_code
        content_type = fixed_response.value.content_type
        message_body = fixed_response.value.message_body
      }
    }
  }

  tags = var.tags
}
