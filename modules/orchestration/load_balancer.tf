# The orchestration node's front door: the shared public load balancer anatomy (modules/public_alb)
# forwarding to the service's target group. Its WAF is modules/orchestration_waf (applied by the root), attached to its ARN.

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

module "public_alb" {
  source = "../public_alb"

  name = "${var.name}-orch"
  security_group = {
    name        = "${var.name}-orchestration-lb"
    description = "Orchestration node load balancer: HTTP(S) from clients, to the tasks only"
  }
  vpc_id          = var.network.vpc_id
  subnet_ids      = var.network.public_subnet_ids
  ingress_cidrs   = var.ingress_cidrs
  certificate_arn = var.certificate_arn
  https_enabled   = var.https_enabled
  default_action = {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
  targets             = { security_group_id = aws_security_group.service.id, port = var.container_port }
  logs_bucket         = var.logs_bucket
  access_logs_prefix  = "alb/orchestration"
  idle_timeout        = 120 # model uploads take longer than the 60 s default
  deletion_protection = var.deletion_protection
  tags                = var.tags
}

# orchestration.<domain>: the name in MASTER_NODE_URL, in the clients and on the certificate.
resource "aws_route53_record" "this" {
  count = (var.dns_record_enabled != null ? var.dns_record_enabled : var.route53_zone_id != null) ? 1 : 0

  zone_id = var.route53_zone_id
  name    = var.public_host_name
  type    = "A"

  alias {
    name                   = module.public_alb.load_balancer_dns_name
    zone_id                = module.public_alb.load_balancer_zone_id
    evaluate_target_health = true
  }

  lifecycle {
    precondition {
      condition     = var.public_host_name != null
      error_message = "route53_zone_id needs public_host_name (the record's name)."
    }
  }
}
