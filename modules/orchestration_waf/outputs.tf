output "web_acl_arn" {
  description = "ARN of the web ACL in front of the orchestration load balancer (null when disabled)."
  value       = one(aws_wafv2_web_acl.this[*].arn)
}

output "log_group_name" {
  description = "The WAF's log group (aws-waf-logs-<name>-orchestration; null when disabled)."
  value       = one(aws_cloudwatch_log_group.this[*].name)
}
