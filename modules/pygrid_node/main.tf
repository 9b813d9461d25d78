# The shared front door of every PyGrid node: one public load balancer whose listener answers 404
# unless a host-header rule `<app-slug>.<nodes_domain>` (added at run time by the node manager)
# forwards to that app's target group. Terraform owns only what does not change per app.

locals {
  https          = var.certificate_arn != null
  listener_port  = local.https ? 443 : 80
  url_scheme     = local.https ? "https" : "http"
  container_name = "pygrid-node"
  family         = "${var.name}-pygrid-node"
}

resource "aws_security_group" "load_balancer" {
  # checkov:skip=CKV_AWS_260: its only ingress is the listener rule below: 443 with a certificate, 80 only against the local emulator
  name        = "${var.name}-pygrid-nodes-lb"
  description = "Shared PyGrid nodes load balancer: listener from the internet, forwards only to node tasks"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-pygrid-nodes-lb" })
}

resource "aws_vpc_security_group_ingress_rule" "load_balancer_listener" {
  # checkov:skip=CKV_AWS_260: the listener port is 443 wherever a certificate exists; it is 80 only against the local emulator (certificate_arn null), where nothing is reachable from outside loopback
  for_each = toset(var.ingress_cidr_blocks)

  security_group_id = aws_security_group.load_balancer.id
  description       = "Devices and notebooks reach the nodes listener"
  ip_protocol       = "tcp"
  from_port         = local.listener_port
  to_port           = local.listener_port
  cidr_ipv4         = each.value
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_to_nodes" {
  security_group_id            = aws_security_group.load_balancer.id
  description                  = "Forward to node tasks and health-check them"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.this.id
  tags                         = var.tags
}

resource "aws_lb" "this" {
  # checkov:skip=CKV2_AWS_28: no WAF on the nodes yet: their traffic is large model and gradient uploads over WebSocket, which the managed rule sets' body inspection would block unless overridden rule by rule (as the orchestration ALB does); the nodes check every request themselves and the listener answers 404 to unknown hosts. A WAF with those overrides plus a rate limit is the follow-up.
  # checkov:skip=CKV_AWS_150: deletion protection follows var.deletion_protection (on in prod); dev, staging and local must stay destroyable by `make destroy`
  # checkov:skip=CKV2_AWS_20: the listener is HTTPS-only (no port 80 is open to redirect); plain HTTP exists only for the local emulator, where certificate_arn is null
  name                       = "${var.name}-nodes"
  internal                   = false # devices connect from the internet
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.load_balancer.id]
  subnets                    = var.public_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = 300 # WebSocket sessions of training rounds outlive the default 60 s

  access_logs {
    bucket  = var.logs_bucket_name
    prefix  = var.access_logs_prefix
    enabled = true
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      message_body = "{\"message\":\"no PyGrid node for this host\"}"
      status_code  = "404"
    }
  }

  tags = var.tags
}

# The local emulator has no ACM to issue a certificate, so there (and only there: certificate_arn is
# null nowhere else) the listener is plain HTTP on loopback.
resource "aws_lb_listener" "http" {
  # checkov:skip=CKV_AWS_2: exists only when certificate_arn is null, i.e. against the local emulator, which cannot issue certificates; every real environment requires a certificate (root validation) and gets the HTTPS listener instead
  # checkov:skip=CKV_AWS_103: same: the TLS policy applies to the HTTPS listener; this one exists only against the local emulator
  count = local.https ? 0 : 1

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      message_body = "{\"message\":\"no PyGrid node for this host\"}"
      status_code  = "404"
    }
  }

  tags = var.tags
}

resource "aws_route53_record" "wildcard" {
  count = var.route53_zone_id != null ? 1 : 0

  zone_id = var.route53_zone_id
  name    = "*.${var.nodes_domain}"
  type    = "A"

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = false
  }
}
