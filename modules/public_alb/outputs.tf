output "load_balancer_arn" {
  description = "ARN of the load balancer (for a WAF association)."
  value       = aws_lb.this.arn
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer (target of a CNAME or alias record)."
  value       = aws_lb.this.dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone of the load balancer, for a Route 53 alias record."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer; the targets admit traffic from it."
  value       = aws_security_group.this.id
}

output "listener_arn" {
  description = "The listener that serves requests (HTTPS, or HTTP on the local emulator): where rules are added and what a target group must be attached to."
  value       = local.https_enabled ? aws_lb_listener.https[0].arn : aws_lb_listener.http[0].arn
}

output "listener_ssl_policy" {
  description = "TLS policy of the HTTPS listener; null without a certificate (local emulator)."
  value       = local.https_enabled ? aws_lb_listener.https[0].ssl_policy : null
}

output "url_scheme" {
  description = "Scheme clients use: https, or http on the local emulator."
  value       = local.url_scheme
}

output "url" {
  description = "Base URL of the load balancer: <url_scheme>://<load_balancer_dns_name>."
  value       = "${local.url_scheme}://${aws_lb.this.dns_name}"
}

output "access_logs_bucket_name" {
  description = "Bucket the load balancer writes its access logs to."
  value       = aws_lb.this.access_logs[0].bucket
}

output "access_logs_prefix" {
  description = "Key prefix of the access logs (<prefix>/AWSLogs/<account>/elasticloadbalancing/...)."
  value       = aws_lb.this.access_logs[0].prefix
}

output "ingress_ports" {
  description = "Ports the load balancer's security group admits clients on (443 and/or 80)."
  value       = toset(concat([for r in aws_vpc_security_group_ingress_rule.https : r.from_port], [for r in aws_vpc_security_group_ingress_rule.http : r.from_port]))
}
