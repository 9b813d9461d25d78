# The AWS provider as this module's tests see it: ARNs the provider validates.
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-artificien-dev-orchestration" }
}
mock_resource "aws_wafv2_web_acl" {
  defaults = { arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/artificien-dev-orchestration/00000000-0000-0000-0000-000000000000" }
}
mock_resource "aws_wafv2_regex_pattern_set" {
  defaults = { arn = "arn:aws:wafv2:us-east-1:123456789012:regional/regexpatternset/artificien-dev-orchestration-upload-paths/11111111-1111-1111-1111-111111111111" }
}
mock_resource "aws_cloudwatch_log_resource_policy" {
  defaults = { id = "artificien-dev-orchestration-waf-logs" }
}
