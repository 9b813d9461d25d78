output "domain" {
  description = "The environment's DNS domain."
  value       = var.domain
}

output "zone_id" {
  description = "Id of the domain's public hosted zone: the services' modules write their records into it."
  value       = local.zone_id
}

output "name_servers" {
  description = "Name servers of the hosted zone: the parent zone's NS record for domain must list them."
  value       = var.create_zone ? aws_route53_zone.this[0].name_servers : data.aws_route53_zone.this[0].name_servers
}

output "certificate_arn" {
  description = "ARN of the issued certificate covering certificate_names (known once validation completed)."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "certificate_names" {
  description = "The fully qualified names the certificate covers."
  value       = local.names
}
