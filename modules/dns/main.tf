# One domain per environment: its public hosted zone (looked up, or created and then delegated by
# the operator) and one ACM certificate, validated through DNS records in that zone, for the names
# the load balancers and the API serve. The records that point those names at the services live in
# the modules that own the services (orchestration, pygrid_node, model_api, jupyterhub, amplify):
# each gets this module's zone id.

locals {
  names = [for n in var.certificate_names : "${n}.${var.domain}"]

  validation = { for o in aws_acm_certificate.this.domain_validation_options : o.domain_name => o }

  zone_id = var.create_zone ? aws_route53_zone.this[0].zone_id : data.aws_route53_zone.this[0].zone_id
}

data "aws_route53_zone" "this" {
  count = var.create_zone ? 0 : 1

  name         = var.domain
  private_zone = false
}

resource "aws_route53_zone" "this" {
  count = var.create_zone ? 1 : 0

  name    = var.domain
  comment = "Public names of ${var.domain}; managed by Terraform"
  tags    = var.tags

  # checkov:skip=CKV2_AWS_38: DNSSEC signing needs a KMS key in us-east-1 and a DS record in the parent zone the operator owns; it is a follow-up documented in docs/aws-account.md.
  # checkov:skip=CKV2_AWS_39: Route 53 delivers a public zone's query logs only to a log group in us-east-1; the load balancers' and the API's access logs already record every request these names receive.
}

resource "aws_acm_certificate" "this" {
  domain_name               = local.names[0]
  subject_alternative_names = slice(local.names, 1, length(local.names))
  validation_method         = "DNS"
  key_algorithm             = "RSA_2048"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  tags = merge(var.tags, { Name = var.domain })

  # A listener holds the certificate: a replacement is issued and swapped in before the old one goes.
  lifecycle {
    create_before_destroy = true
  }
}

# Keyed by the names, which are known at plan (the validation options are not until the certificate
# exists); a wildcard and its parent name would share one record, which allow_overwrite lets both write.
resource "aws_route53_record" "validation" {
  for_each = toset(local.names)

  zone_id         = local.zone_id
  name            = local.validation[each.key].resource_record_name
  type            = local.validation[each.key].resource_record_type
  records         = [local.validation[each.key].resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

# Consumers take the ARN from here, so that no listener is created before the certificate is issued.
resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]

  timeouts {
    create = "45m"
  }
}
