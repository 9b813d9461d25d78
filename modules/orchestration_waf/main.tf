# AWS managed protections in front of the orchestration node's public load balancer.
#
# The managed groups' body-inspection rules match byte patterns (script tags, "../", URLs with an
# IPv4 host, Java serialization, "${jndi:"...) that model data and training results carry by chance,
# and WAF sees only the first 8 KB of a body on a load balancer. So inside the groups they only
# count (and label the request); rule body-rules-outside-uploads then blocks what they labelled on
# every path except the orchestration node's upload routes, where they stay counted and logged.
#
# A module of its own, next to modules/orchestration in the root: the web ACL's schema is the
# largest the platform uses, and Terraform reads it in every run block of a module test that holds
# it (orchestration's 20 runs took 41 s of Terraform's CPU with it in the module, 5 s without).
locals {
  # The routes through which clients push payloads (artificien_orchestration_node
  # src/pygrid_orchestration.py): /create (a data scientist's model: features, labels),
  # /model_loss (devices' results), /model_progress (the PyGrid nodes' progress). Its other routes
  # carry a few short fields and keep every body rule.
  waf_upload_paths = ["/create", "/model_loss", "/model_progress"]

  # Body rule => the label it adds (AWS WAF developer guide, "Baseline rule groups").
  waf_common_body_rules = {
    SizeRestrictions_BODY   = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"
    CrossSiteScripting_BODY = "awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body"
    GenericLFI_BODY         = "awswaf:managed:aws:core-rule-set:GenericLFI_Body"
    GenericRFI_BODY         = "awswaf:managed:aws:core-rule-set:GenericRFI_Body"
    EC2MetaDataSSRF_BODY    = "awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body"
  }
  waf_known_bad_inputs_body_rules = {
    JavaDeserializationRCE_BODY = "awswaf:managed:aws:known-bad-inputs:JavaDeserializationRCE_Body"
    Log4JRCE_BODY               = "awswaf:managed:aws:known-bad-inputs:Log4JRCE_Body"
    ReactJSRCE_BODY             = "awswaf:managed:aws:known-bad-inputs:ReactJSRCE_Body"
  }
  waf_body_labels = concat(values(local.waf_common_body_rules), values(local.waf_known_bad_inputs_body_rules))

  partition    = split(":", var.kms_key_arn)[1]
  waf_logs_arn = "arn:${local.partition}:logs:${var.region}:${var.account_id}"
}

# Exact paths: anything else (a trailing segment, another route) keeps the blocking body rules.
resource "aws_wafv2_regex_pattern_set" "upload_paths" {
  count = var.enabled ? 1 : 0

  name        = "${var.name}-orchestration-upload-paths"
  description = "Orchestration node routes that receive model data and training results"
  scope       = "REGIONAL"

  dynamic "regular_expression" {
    for_each = local.waf_upload_paths

    content {
      regex_string = "^${regular_expression.value}$"
    }
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl" "this" {
  count = var.enabled ? 1 : 0

  name        = "${var.name}-orchestration"
  description = "Orchestration node load balancer"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "aws-common"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"

        # Counted here, blocked outside the upload paths by body-rules-outside-uploads.
        dynamic "rule_action_override" {
          for_each = local.waf_common_body_rules

          content {
            name = rule_action_override.key

            action_to_use {
              count {}
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"

        dynamic "rule_action_override" {
          for_each = local.waf_known_bad_inputs_body_rules

          content {
            name = rule_action_override.key

            action_to_use {
              count {}
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  # What the body rules above only counted is blocked here, except on the upload paths.
  rule {
    name     = "body-rules-outside-uploads"
    priority = 25

    action {
      block {}
    }

    statement {
      and_statement {
        statement {
          or_statement {
            dynamic "statement" {
              for_each = local.waf_body_labels

              content {
                label_match_statement {
                  scope = "LABEL"
                  key   = statement.value
                }
              }
            }
          }
        }

        statement {
          not_statement {
            statement {
              regex_pattern_set_reference_statement {
                arn = aws_wafv2_regex_pattern_set.upload_paths[0].arn

                field_to_match {
                  uri_path {}
                }

                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "body-rules-outside-uploads"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-ip-reputation"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-ip-reputation"
      sampled_requests_enabled   = true
    }
  }

  # Anonymizers (VPNs, Tor) are blocked; hosting-provider addresses are only counted because the
  # platform's own JupyterHub host calls this API from EC2.
  rule {
    name     = "aws-anonymous-ip"
    priority = 35

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAnonymousIpList"

        rule_action_override {
          name = "HostingProviderIPList"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-anonymous-ip"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 40

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.rate_limit
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate-limit-per-ip"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-orchestration"
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.enabled ? 1 : 0

  resource_arn = var.load_balancer_arn
  web_acl_arn  = aws_wafv2_web_acl.this[0].arn
}
