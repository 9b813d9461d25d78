variable "domain" {
  description = "The environment's DNS domain, e.g. dev.artificien.com. Its public hosted zone holds every name of the env; the certificate covers the names in certificate_names under it."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain)) && length(var.domain) <= 180
    error_message = "domain must be a lower-case DNS name such as dev.artificien.com (at most 180 characters, leaving room for the names under it)."
  }
}

variable "create_zone" {
  description = "Create the public hosted zone of domain (then delegate it: the name_servers output goes into the parent zone's NS record). false: look up the zone, which must already exist and be delegated (artificien-infra preflight checks both)."
  type        = bool
  default     = false
  nullable    = false
}

variable "certificate_names" {
  description = "Names under domain that the one ACM certificate covers, without the domain: the first is its subject, the others its alternative names (a leading \"*.\" for a wildcard). Every name gets a DNS validation record in the zone."
  type        = list(string)
  default     = ["orchestration", "*.nodes", "api"]
  nullable    = false

  validation {
    condition     = length(var.certificate_names) >= 1 && length(var.certificate_names) <= 10 && alltrue([for n in var.certificate_names : can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", n))])
    error_message = "certificate_names must be 1-10 DNS labels (dotted, optionally starting with \"*.\") relative to domain."
  }
}

variable "tags" {
  description = "Tags applied to every resource (the provider's default_tags carry them too)."
  type        = map(string)
  default     = {}
  nullable    = false
}
