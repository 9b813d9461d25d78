mock_provider "aws" {
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
  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/artificien-dev-orchestration/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_wafv2_regex_pattern_set" {
    defaults = { arn = "arn:aws:wafv2:us-east-1:123456789012:regional/regexpatternset/artificien-dev-orchestration-upload-paths/11111111-1111-1111-1111-111111111111" }
  }
  mock_resource "aws_cloudwatch_log_resource_policy" {
    defaults = { id = "artificien-dev-orchestration-waf-logs" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/artificien-dev-orchestration:1" }
  }
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

variables {
  name        = "artificien-dev"
  account_id  = "123456789012"
  region      = "us-east-1"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  network = {
    vpc_id             = "vpc-0123456789abcdef0"
    vpc_cidr_block     = "10.20.0.0/16"
    public_subnet_ids  = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
    private_subnet_ids = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
  }
  cluster = {
    name = "artificien-dev"
    arn  = "arn:aws:ecs:us-east-1:123456789012:cluster/artificien-dev"
  }
  pygrid = {
    task_definition_family = "artificien-dev-pygrid-node"
    listener_arn           = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/artificien-dev-nodes/1111111111111111/2222222222222222"
    security_group_id      = "sg-0123456789abcdef1"
    container_name         = "pygrid"
    container_port         = 5000
  }
  node_manager = {
    name = "artificien-dev-node_manager"
    arn  = "arn:aws:lambda:us-east-1:123456789012:function:artificien-dev-node_manager"
  }
  tables = {
    user_table_name    = "dev-user_table"
    user_table_arn     = "arn:aws:dynamodb:us-east-1:123456789012:table/dev-user_table"
    model_table_name   = "dev-model_table"
    model_table_arn    = "arn:aws:dynamodb:us-east-1:123456789012:table/dev-model_table"
    dataset_table_name = "dev-dataset_table"
    dataset_table_arn  = "arn:aws:dynamodb:us-east-1:123456789012:table/dev-dataset_table"
    index_arns = [
      "arn:aws:dynamodb:us-east-1:123456789012:table/dev-user_table/index/users_username_index",
      "arn:aws:dynamodb:us-east-1:123456789012:table/dev-model_table/index/owner-active-index",
    ]
  }
  models_bucket   = { name = "artificien-dev-models", arn = "arn:aws:s3:::artificien-dev-models" }
  cognito         = { user_pool_id = "us-east-1_AbCdEf123", web_client_id = "1example23456789" }
  logs_bucket     = { name = "artificien-dev-logs", arn = "arn:aws:s3:::artificien-dev-logs" }
  container_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/artificien/orchestration:1.4.2"
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  secrets = {
    NODE_SIGNING_KEY = "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-dev/orchestration-AbCdEf:signing_key::"
  }
}

# The listener and load balancer assertions moved to modules/public_alb with those resources (same
# names, this module's inputs); here: what this module asks of the shared load balancer.
# The WAF in front of the orchestration load balancer: binary-prone body rules count on the
# upload routes and block everywhere else; its logs reach their group through a policy of its own.

run "body_rules_only_count_inside_the_managed_groups" {
  command = apply

  assert {
    condition = {
      for o in one([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "aws-common"]).statement[0].managed_rule_group_statement[0].rule_action_override :
      o.name => length(o.action_to_use[0].count)
      } == {
      SizeRestrictions_BODY   = 1
      CrossSiteScripting_BODY = 1
      GenericLFI_BODY         = 1
      GenericRFI_BODY         = 1
      EC2MetaDataSSRF_BODY    = 1
    }
    error_message = "exactly the common rule set's body rules must be overridden to count"
  }

  assert {
    condition = {
      for o in one([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "aws-known-bad-inputs"]).statement[0].managed_rule_group_statement[0].rule_action_override :
      o.name => length(o.action_to_use[0].count)
      } == {
      JavaDeserializationRCE_BODY = 1
      Log4JRCE_BODY               = 1
      ReactJSRCE_BODY             = 1
    }
    error_message = "exactly the known-bad-inputs body rules must be overridden to count"
  }
}

run "what_they_flag_is_blocked_outside_the_upload_paths" {
  command = apply

  assert {
    condition     = one([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "body-rules-outside-uploads"]).priority == 25 && length(one([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "body-rules-outside-uploads"]).action[0].block) == 1
    error_message = "the re-blocking rule must block, after both managed groups (10, 20) have labelled the request"
  }

  assert {
    condition = toset([
      for s in one([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "body-rules-outside-uploads"]).statement[0].and_statement[0].statement[0].or_statement[0].statement :
      s.label_match_statement[0].key if s.label_match_statement[0].scope == "LABEL"
      ]) == toset([
      "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body",
      "awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body",
      "awswaf:managed:aws:core-rule-set:GenericLFI_Body",
      "awswaf:managed:aws:core-rule-set:GenericRFI_Body",
      "awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body",
      "awswaf:managed:aws:known-bad-inputs:JavaDeserializationRCE_Body",
      "awswaf:managed:aws:known-bad-inputs:Log4JRCE_Body",
      "awswaf:managed:aws:known-bad-inputs:ReactJSRCE_Body",
    ])
    error_message = "every counted body rule's label, and only those, must be blocked again (a rule left out would be counted everywhere)"
  }

  assert {
    condition     = one([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "body-rules-outside-uploads"]).statement[0].and_statement[0].statement[1].not_statement[0].statement[0].regex_pattern_set_reference_statement[0].arn == aws_wafv2_regex_pattern_set.upload_paths[0].arn
    error_message = "the exception must be the upload-path pattern set, negated"
  }

  assert {
    condition     = length(one([for r in aws_wafv2_web_acl.this[0].rule : r if r.name == "body-rules-outside-uploads"]).statement[0].and_statement[0].statement[1].not_statement[0].statement[0].regex_pattern_set_reference_statement[0].field_to_match[0].uri_path) == 1
    error_message = "the exception must match the URI path (not a header or the query a client controls freely)"
  }

  assert {
    condition     = toset([for e in aws_wafv2_regex_pattern_set.upload_paths[0].regular_expression : e.regex_string]) == toset(["^/create$", "^/model_loss$", "^/model_progress$"])
    error_message = "the upload paths must be the orchestration node's upload routes, matched exactly"
  }
}

run "waf_logs_through_an_explicit_resource_policy" {
  command = apply

  assert {
    condition = jsondecode(aws_cloudwatch_log_resource_policy.waf[0].policy_document).Statement == [{
      Sid       = "WafLogDelivery"
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = ["${aws_cloudwatch_log_group.waf[0].arn}:log-stream:*"]
      Condition = {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:logs:us-east-1:123456789012:*" }
      }
    }]
    error_message = "log delivery may write only the WAF log group's streams, for this account and region"
  }

  assert {
    condition     = toset([for f in aws_wafv2_web_acl_logging_configuration.this[0].redacted_fields : f.single_header[0].name]) == toset(["authorization", "api_key"])
    error_message = "the bearer token and the app API key must be redacted from the logs"
  }
}

run "no_waf_no_pattern_set_and_no_log_policy" {
  command = plan

  variables {
    waf_enabled = false
  }

  assert {
    condition     = length(aws_wafv2_regex_pattern_set.upload_paths) == 0 && length(aws_cloudwatch_log_resource_policy.waf) == 0
    error_message = "without the WAF there is nothing to log or to except"
  }
}
