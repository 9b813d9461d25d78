# The shared front door of every PyGrid node: one public load balancer (modules/public_alb) whose
# listener answers 404 unless a host-header rule `<app-slug>.<nodes_domain>` (added at run time by
# the node manager) forwards to that app's target group. Terraform owns only what does not change
# per app. No WAF here: the managed rule sets' body inspection would block model and gradient
# uploads unless overridden rule by rule (as the orchestration ALB does); the nodes check every
# request themselves. A WAF with those overrides plus a rate limit is the follow-up.

locals {
  container_name = "pygrid-node"
  family         = "${var.name}-pygrid-node"
}

module "public_alb" {
  source = "../public_alb"

  name = "${var.name}-nodes"
  security_group = {
    name        = "${var.name}-pygrid-nodes-lb"
    description = "Shared PyGrid nodes load balancer: listener from the internet, forwards only to node tasks"
  }
  vpc_id          = var.vpc_id
  subnet_ids      = var.public_subnet_ids
  ingress_cidrs   = var.ingress_cidr_blocks
  certificate_arn = var.certificate_arn
  https_enabled   = var.https_enabled
  # Devices and notebooks are handed https URLs only: port 80 stays closed (no redirect to serve).
  http_redirect_enabled = false
  # Hosts no node-manager rule knows get a 404 from the load balancer itself.
  default_action = {
    type = "fixed-response"
    fixed_response = {
      status_code  = "404"
      content_type = "application/json"
      message_body = jsonencode({ message = "no PyGrid node for this host" })
    }
  }
  targets             = { security_group_id = aws_security_group.this.id, port = var.container_port }
  logs_bucket         = var.logs_bucket
  access_logs_prefix  = var.access_logs_prefix
  idle_timeout        = 300 # WebSocket sessions of training rounds outlive the default 60 s
  deletion_protection = var.deletion_protection
  tags                = var.tags
}

resource "aws_route53_record" "wildcard" {
  count = (var.dns_record_enabled != null ? var.dns_record_enabled : var.route53_zone_id != null) ? 1 : 0

  zone_id = var.route53_zone_id
  name    = "*.${var.nodes_domain}"
  type    = "A"

  alias {
    name                   = module.public_alb.load_balancer_dns_name
    zone_id                = module.public_alb.load_balancer_zone_id
    evaluate_target_health = false
  }
}
