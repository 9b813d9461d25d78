# Every run plans: the mocked provider gives its computed values (ARNs) at plan time too
# (override_during), and a mocked apply of the web ACL's nested schema costs about 9 s of CPU.
# Each run plans that schema again (about 3.5 s of CPU), so the asserts of one configuration share
# one run: the WAF on, the WAF off, and the refused network load balancer.
mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

# The WAF in front of the orchestration load balancer: binary-prone body rules count on the
# upload routes and block everywhere else; its logs reach their group through a policy of its own.
# (These asserts were modules/orchestration's waf tests and its two WAF runs.)
variables {
  name              = "artificien-dev"
  account_id        = "123456789012"
  region            = "us-east-1"
  kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/artificien-dev-orch/0123456789abcdef"
}

run "waf_guards_the_load_balancer" {
  command = plan

  # attached to the load balancer, with the managed and rate-limit rules, logging encrypted
  assert {
    condition     = aws_wafv2_web_acl_association.this[0].resource_arn == var.load_balancer_arn && aws_wafv2_web_acl.this[0].scope == "REGIONAL"
    error_message = "the web ACL must be attached to the load balancer"
  }

  assert {
    condition     = toset([for r in aws_wafv2_web_acl.this[0].rule : r.name]) == toset(["aws-common", "aws-known-bad-inputs", "body-rules-outside-uploads", "aws-ip-reputation", "aws-anonymous-ip", "rate-limit-per-ip"])
    error_message = "managed and rate-limit rules must be present"
  }

  assert {
    condition     = startswith(aws_cloudwatch_log_group.this[0].name, "aws-waf-logs-") && aws_cloudwatch_log_group.this[0].kms_key_id == var.kms_key_arn
    error_message = "WAF logs to an encrypted aws-waf-logs- group"
  }

  # body rules only count inside the managed groups
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

  # what they flag is blocked outside the upload paths
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

  # its logs go through an explicit resource policy
  assert {
    condition = jsondecode(aws_cloudwatch_log_resource_policy.this[0].policy_document).Statement == [{
      Sid       = "WafLogDelivery"
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = ["${aws_cloudwatch_log_group.this[0].arn}:log-stream:*"]
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

run "waf_can_be_turned_off" {
  command = plan

  variables {
    enabled = false
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && length(aws_wafv2_web_acl_association.this) == 0 && length(aws_cloudwatch_log_group.this) == 0
    error_message = "no WAF resources when disabled"
  }

  # without the WAF there is nothing to log or to except
  assert {
    condition     = length(aws_wafv2_regex_pattern_set.upload_paths) == 0 && length(aws_cloudwatch_log_resource_policy.this) == 0
    error_message = "without the WAF there is nothing to log or to except"
  }
}

run "rejects_a_network_load_balancer" {
  command = plan

  variables {
    load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/artificien-dev-orch/0123456789abcdef"
  }

  expect_failures = [var.load_balancer_arn]
}
