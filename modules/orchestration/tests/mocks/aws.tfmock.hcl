# The AWS provider as this module's tests see it: ARNs the provider validates, and
# distinct security-group ids.
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/ecs/artificien-dev/orchestration" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/artificien-dev-orchestration" }
}
mock_resource "aws_lb" {
  defaults = {
    arn      = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/artificien-dev-orch/0123456789abcdef"
    dns_name = "artificien-dev-orch-1.us-east-1.elb.amazonaws.com"
  }
}
mock_resource "aws_lb_target_group" {
  defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/artificien-dev-orch/0123456789abcdef" }
}
mock_resource "aws_lb_listener" {
  defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/artificien-dev-orch/0123456789abcdef/fedcba9876543210" }
}
mock_resource "aws_ecs_task_definition" {
  defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/artificien-dev-orchestration:1" }
}

# Distinct ids, so that an assertion on which group a rule references cannot pass by accident.
override_resource {
  target = aws_security_group.service
  values = { id = "sg-0a0000000000000a1" }
}

override_resource {
  target = module.public_alb.aws_security_group.this
  values = { id = "sg-0b0000000000000b2" }
}
