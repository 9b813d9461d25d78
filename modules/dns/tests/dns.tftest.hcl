mock_provider "aws" {
  mock_data "aws_route53_zone" {
    defaults = {
      zone_id      = "Z0LOOKEDUP000001"
      name_servers = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.net"]
    }
  }
  mock_resource "aws_route53_zone" {
    defaults = {
      zone_id      = "Z0CREATED0000002"
      name_servers = ["ns-3.awsdns-03.com"]
    }
  }
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
      # what ACM answers once the certificate exists: one CNAME per name
      domain_validation_options = [
        { domain_name = "orchestration.dev.example.com", resource_record_name = "_x1.orchestration.dev.example.com.", resource_record_type = "CNAME", resource_record_value = "_y1.acm-validations.aws." },
        { domain_name = "*.nodes.dev.example.com", resource_record_name = "_x2.nodes.dev.example.com.", resource_record_type = "CNAME", resource_record_value = "_y2.acm-validations.aws." },
        { domain_name = "api.dev.example.com", resource_record_name = "_x3.api.dev.example.com.", resource_record_type = "CNAME", resource_record_value = "_y3.acm-validations.aws." },
      ]
    }
  }
  mock_resource "aws_acm_certificate_validation" {
    defaults = {
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    }
  }
}

variables {
  domain = "dev.example.com"
}

run "looks_up_the_zone_by_default" {
  command = plan

  assert {
    condition     = length(data.aws_route53_zone.this) == 1 && length(aws_route53_zone.this) == 0
    error_message = "Without create_zone the zone must be looked up, never created."
  }

  assert {
    condition     = data.aws_route53_zone.this[0].name == "dev.example.com" && data.aws_route53_zone.this[0].private_zone == false
    error_message = "The lookup must ask for the domain's public zone."
  }
}

run "certificate_covers_every_service_name" {
  command = plan

  assert {
    condition     = aws_acm_certificate.this.domain_name == "orchestration.dev.example.com"
    error_message = "The certificate's subject must be the first name."
  }

  assert {
    condition     = toset(aws_acm_certificate.this.subject_alternative_names) == toset(["*.nodes.dev.example.com", "api.dev.example.com"])
    error_message = "The certificate must name the nodes' wildcard and the API as alternative names."
  }

  assert {
    condition     = aws_acm_certificate.this.validation_method == "DNS"
    error_message = "Validation must go through DNS records in the zone (no mail to an owner)."
  }
}

run "validation_records_and_outputs" {
  command = apply

  assert {
    condition     = length(aws_route53_record.validation) == 3
    error_message = "Each name needs its validation record."
  }

  assert {
    condition     = alltrue([for r in aws_route53_record.validation : r.zone_id == "Z0LOOKEDUP000001"])
    error_message = "Validation records must go into the looked-up zone."
  }

  assert {
    condition     = aws_route53_record.validation["*.nodes.dev.example.com"].name == "_x2.nodes.dev.example.com." && aws_route53_record.validation["*.nodes.dev.example.com"].records == toset(["_y2.acm-validations.aws."])
    error_message = "Each validation record must be the CNAME ACM asks for its name."
  }

  assert {
    condition     = output.zone_id == "Z0LOOKEDUP000001" && tolist(output.name_servers) == tolist(["ns-1.awsdns-01.org", "ns-2.awsdns-02.net"])
    error_message = "zone_id and name_servers must come from the looked-up zone."
  }

  assert {
    condition     = output.certificate_arn == aws_acm_certificate_validation.this.certificate_arn
    error_message = "Consumers must get the ARN from the validation, so no listener waits on an unissued certificate."
  }
}

run "creates_the_zone_when_asked" {
  command = apply

  variables {
    create_zone = true
  }

  assert {
    condition     = length(aws_route53_zone.this) == 1 && length(data.aws_route53_zone.this) == 0
    error_message = "create_zone must create the zone and skip the lookup."
  }

  assert {
    condition     = output.zone_id == "Z0CREATED0000002" && tolist(output.name_servers) == tolist(["ns-3.awsdns-03.com"])
    error_message = "zone_id and name_servers must come from the created zone."
  }

  assert {
    condition     = alltrue([for r in aws_route53_record.validation : r.zone_id == "Z0CREATED0000002"])
    error_message = "Validation records must go into the created zone."
  }
}

run "rejects_a_domain_with_a_scheme" {
  command = plan

  variables {
    domain = "https://dev.example.com"
  }

  expect_failures = [var.domain]
}

run "rejects_a_certificate_name_with_the_domain_glued_wrong" {
  command = plan

  variables {
    certificate_names = ["orchestration.", "*nodes"]
  }

  expect_failures = [var.certificate_names]
}
