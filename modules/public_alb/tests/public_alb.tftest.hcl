mock_provider "aws" {
  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/artificien-dev-orch/0123456789abcdef"
      dns_name = "artificien-dev-orch-1.us-east-1.elb.amazonaws.com"
    }
  }
  mock_resource "aws_lb_listener" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/artificien-dev-orch/0123456789abcdef/fedcba9876543210" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0123456789abcdef0" }
  }
}

# The orchestration node's shape: forward to its target group, logs under alb/orchestration.
variables {
  name = "artificien-dev-orch"
  security_group = {
    name        = "artificien-dev-orchestration-lb"
    description = "Orchestration node load balancer: HTTP(S) from clients, to the tasks only"
  }
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  default_action = {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/artificien-dev-orch/0123456789abcdef"
  }
  targets            = { security_group_id = "sg-0fedcba9876543210", port = 5000 }
  logs_bucket        = { name = "artificien-dev-logs", arn = "arn:aws:s3:::artificien-dev-logs" }
  access_logs_prefix = "alb/orchestration"
  idle_timeout       = 120
  tags               = { project = "artificien", environment = "dev" }
}

# Moved from modules/orchestration (https_listener_and_redirect_with_certificate).
run "https_listener_and_redirect_with_certificate" {
  command = plan

  assert {
    condition     = length(aws_lb_listener.https) == 1 && aws_lb_listener.https[0].protocol == "HTTPS" && aws_lb_listener.https[0].certificate_arn == var.certificate_arn && startswith(aws_lb_listener.https[0].ssl_policy, "ELBSecurityPolicy-TLS13")
    error_message = "a certificate must give an HTTPS listener with a TLS 1.2+ policy"
  }

  assert {
    condition     = length(aws_lb_listener.http) == 0 && aws_lb_listener.http_redirect[0].default_action[0].type == "redirect" && aws_lb_listener.http_redirect[0].default_action[0].redirect[0].protocol == "HTTPS"
    error_message = "with a certificate, port 80 must only redirect to HTTPS"
  }

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields && aws_lb.this.enable_deletion_protection && aws_lb.this.access_logs[0].enabled && aws_lb.this.access_logs[0].bucket == "artificien-dev-logs" && aws_lb.this.access_logs[0].prefix == "alb/orchestration"
    error_message = "load balancer must drop invalid headers, log to alb/orchestration and be protected by default"
  }

  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.https : r.from_port]) == toset([443]) && toset([for r in aws_vpc_security_group_ingress_rule.http : r.from_port]) == toset([80]) && output.ingress_ports == toset([80, 443])
    error_message = "clients reach the load balancer on 443 and 80 only"
  }

  assert {
    condition     = aws_lb_listener.https[0].default_action[0].type == "forward" && aws_lb_listener.https[0].default_action[0].target_group_arn == var.default_action.target_group_arn && length(aws_lb_listener.https[0].default_action[0].fixed_response) == 0
    error_message = "a forward default action must forward to the given target group"
  }
}

run "one_tls_policy" {
  command = plan

  assert {
    condition     = aws_lb_listener.https[0].ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06" && output.listener_ssl_policy == aws_lb_listener.https[0].ssl_policy
    error_message = "every public listener uses the one shared TLS 1.3 policy"
  }
}

# Moved from modules/orchestration (http_only_without_certificate).
run "http_only_without_certificate" {
  command = apply

  variables {
    certificate_arn     = null
    deletion_protection = false
  }

  assert {
    condition     = length(aws_lb_listener.https) == 0 && length(aws_lb_listener.http_redirect) == 0 && aws_lb_listener.http[0].default_action[0].type == "forward"
    error_message = "without a certificate (local emulator) port 80 forwards to the service"
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.https) == 0 && !aws_lb.this.enable_deletion_protection
    error_message = "no 443 ingress and no deletion protection in the local setup"
  }

  assert {
    condition     = output.url == "http://artificien-dev-orch-1.us-east-1.elb.amazonaws.com" && output.listener_arn == aws_lb_listener.http[0].arn && output.url_scheme == "http" && output.listener_ssl_policy == null
    error_message = "URL and listener follow the HTTP-only mode"
  }
}

# Moved from modules/orchestration (security_groups_chain_load_balancer_to_tasks).
run "load_balancer_sends_only_to_its_targets" {
  command = apply

  assert {
    condition     = aws_vpc_security_group_egress_rule.to_targets.referenced_security_group_id == var.targets.security_group_id && aws_vpc_security_group_egress_rule.to_targets.from_port == 5000 && aws_vpc_security_group_egress_rule.to_targets.to_port == 5000 && aws_vpc_security_group_egress_rule.to_targets.cidr_ipv4 == null
    error_message = "the load balancer may only send to the targets' group on their port"
  }

  assert {
    condition     = aws_lb.this.security_groups == toset([aws_security_group.this.id]) && output.security_group_id == aws_security_group.this.id && aws_security_group.this.name == "artificien-dev-orchestration-lb"
    error_message = "the load balancer sits in its own group only, named as the caller asked"
  }

  assert {
    condition     = output.access_logs_bucket_name == "artificien-dev-logs" && output.access_logs_prefix == "alb/orchestration"
    error_message = "the access-log outputs report where the load balancer really logs"
  }
}

# The PyGrid nodes' shape: a fixed 404 for hosts no rule knows, HTTPS only, logs directly under alb.
# Moved from modules/pygrid_node (https_listener_answers_404_by_default).
run "https_listener_answers_404_by_default" {
  command = plan

  variables {
    name                  = "artificien-test-nodes"
    http_redirect_enabled = false
    default_action = {
      type = "fixed-response"
      fixed_response = {
        status_code  = "404"
        message_body = "{\"message\":\"no PyGrid node for this host\"}"
      }
    }
    access_logs_prefix = "alb"
  }

  assert {
    condition     = length(aws_lb_listener.https) == 1 && length(aws_lb_listener.http) == 0 && length(aws_lb_listener.http_redirect) == 0
    error_message = "a certificate must give exactly one HTTPS listener and no HTTP listener"
  }

  assert {
    condition     = aws_lb_listener.https[0].port == 443 && aws_lb_listener.https[0].protocol == "HTTPS"
    error_message = "the listener must be HTTPS on 443"
  }

  assert {
    condition     = startswith(aws_lb_listener.https[0].ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "the listener must use a TLS 1.3 policy"
  }

  assert {
    condition     = aws_lb_listener.https[0].default_action[0].type == "fixed-response" && aws_lb_listener.https[0].default_action[0].fixed_response[0].status_code == "404" && aws_lb_listener.https[0].default_action[0].fixed_response[0].content_type == "application/json" && aws_lb_listener.https[0].default_action[0].target_group_arn == null
    error_message = "an unknown host must get a fixed 404"
  }

  assert {
    condition     = output.url_scheme == "https"
    error_message = "URLs must be https when a certificate is given"
  }

  assert {
    condition     = one([for r in aws_vpc_security_group_ingress_rule.https : r.from_port]) == 443 && length(aws_vpc_security_group_ingress_rule.http) == 0 && output.ingress_ports == toset([443])
    error_message = "the load balancer must open only the HTTPS port"
  }

  assert {
    condition     = aws_lb.this.access_logs[0].prefix == "alb"
    error_message = "the access-log prefix follows the caller"
  }
}

# Moved from modules/pygrid_node (prod_protects_the_load_balancer).
run "prod_protects_the_load_balancer" {
  command = plan

  variables {
    deletion_protection = true
  }

  assert {
    condition     = aws_lb.this.enable_deletion_protection == true
    error_message = "prod must enable deletion protection"
  }
}

# Moved from modules/pygrid_node (load_balancer_is_public_hardened_and_logged, local_emulator_gets_plain_http).
run "load_balancer_is_public_hardened_and_logged" {
  command = plan

  variables {
    deletion_protection = false
  }

  assert {
    condition     = aws_lb.this.internal == false && aws_lb.this.load_balancer_type == "application"
    error_message = "the load balancer must be a public ALB"
  }

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields == true && aws_lb.this.idle_timeout == 120
    error_message = "invalid headers must be dropped and the idle timeout follow the caller"
  }

  assert {
    condition     = aws_lb.this.enable_deletion_protection == false
    error_message = "deletion protection must be off outside prod"
  }

  assert {
    condition     = aws_lb.this.tags["environment"] == "dev" && aws_security_group.this.tags["Name"] == "artificien-dev-orchestration-lb"
    error_message = "tags must be applied"
  }
}

run "local_emulator_gets_plain_http_with_the_fixed_response" {
  command = plan

  variables {
    certificate_arn       = null
    http_redirect_enabled = false
    default_action = {
      type           = "fixed-response"
      fixed_response = { status_code = "404", message_body = "{\"message\":\"no PyGrid node for this host\"}" }
    }
  }

  assert {
    condition     = length(aws_lb_listener.http) == 1 && length(aws_lb_listener.https) == 0 && length(aws_lb_listener.http_redirect) == 0
    error_message = "without a certificate there must be only the HTTP listener"
  }

  assert {
    condition     = aws_lb_listener.http[0].default_action[0].fixed_response[0].status_code == "404"
    error_message = "the HTTP listener must answer 404 too"
  }

  assert {
    condition     = one([for r in aws_vpc_security_group_ingress_rule.http : r.from_port]) == 80 && length(aws_vpc_security_group_ingress_rule.https) == 0
    error_message = "the local load balancer must open only port 80"
  }
}

run "rejects_a_name_over_32_characters" {
  command = plan

  variables {
    name = "artificien-staging-orchestration-x"
  }

  expect_failures = [var.name]
}

run "rejects_forward_without_target_group" {
  command = plan

  variables {
    default_action = { type = "forward" }
  }

  expect_failures = [var.default_action]
}

run "rejects_fixed_response_with_target_group" {
  command = plan

  variables {
    default_action = {
      type             = "fixed-response"
      target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/artificien-dev-orch/0123456789abcdef"
      fixed_response   = { status_code = "404" }
    }
  }

  expect_failures = [var.default_action]
}

run "rejects_unknown_action_and_bad_status" {
  command = plan

  variables {
    default_action = {
      type           = "redirect"
      fixed_response = { status_code = "99", content_type = "image/png" }
    }
  }

  expect_failures = [var.default_action]
}

run "rejects_a_prefix_the_bucket_policy_refuses" {
  command = plan

  variables {
    access_logs_prefix = "logs/orchestration"
  }

  expect_failures = [var.access_logs_prefix]
}

run "rejects_a_bucket_arn_of_another_bucket" {
  command = plan

  variables {
    logs_bucket = { name = "artificien-dev-logs", arn = "arn:aws:s3:::artificien-dev-models" }
  }

  expect_failures = [var.logs_bucket]
}

run "rejects_bad_cidrs_and_certificate" {
  command = plan

  variables {
    ingress_cidrs   = ["0.0.0.0"]
    certificate_arn = "arn:aws:iam::123456789012:server-certificate/orch"
  }

  expect_failures = [var.ingress_cidrs, var.certificate_arn]
}

# A certificate created in the same apply has no ARN at plan: the caller states https_enabled.
run "https_enabled_decides_the_listeners" {
  command = plan

  variables {
    https_enabled = false
  }

  assert {
    condition     = length(aws_lb_listener.https) == 0 && length(aws_lb_listener.http) == 1
    error_message = "https_enabled = false must give the plain listener, whatever certificate_arn holds"
  }
}

run "https_enabled_without_a_certificate_is_refused" {
  command = plan

  variables {
    https_enabled   = true
    certificate_arn = null
  }

  expect_failures = [aws_lb_listener.https]
}
