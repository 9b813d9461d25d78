"""ACM issues a DNS-validated certificate once its validation records are in Route 53 (moto 5.2).

moto 5.2 answers a requested (``AMAZON_ISSUED``) certificate as ``PENDING_VALIDATION`` and turns
it ``ISSUED`` on the first read after ``MOTO_ACM_VALIDATION_WAIT`` seconds (60 by default),
whatever DNS holds. A rehearsal then either waits a minute per certificate or proves nothing
about the validation records Terraform writes. AWS issues the certificate when every validation
CNAME it asked for resolves to the value it gave; the patch does the same against the emulator's
own Route 53: the certificate becomes ``ISSUED`` as soon as each record named in its
``DomainValidationOptions`` is a CNAME with that value in a public hosted zone of the same
account, and stays ``PENDING_VALIDATION`` (no timer) until then. Private zones do not count:
ACM resolves the records through public DNS. Delegation from a registrar is not modelled.

The check runs where moto's timer ran (every DescribeCertificate / ListCertificates reads the
certificate through the backend's ``get_certificate``). Everything else is moto's: imported
certificates, private-CA certificates (issued at once), expiry.
"""

from __future__ import annotations

from moto.acm.models import CertBundle
from moto.core.utils import utcnow
from moto.route53.models import route53_backends

_PATCHED = "_artificien_dns_validation_patched"
_ORIGINAL = "_artificien_moto_check"


def dns_name(name: str) -> str:
    """Names and CNAME targets compare case-insensitively, with or without the final dot."""
    return name.strip().rstrip(".").lower()


def required_records(cert: CertBundle) -> set[tuple[str, str]]:
    """The (name, value) CNAMEs ACM asked for, as the certificate's description lists them."""
    options = cert.describe()["Certificate"].get("DomainValidationOptions", [])
    return {
        (dns_name(option["ResourceRecord"]["Name"]), dns_name(option["ResourceRecord"]["Value"]))
        for option in options
    }


def published_cnames(account_id: str, partition: str) -> set[tuple[str, str]]:
    """Every (name, value) CNAME in the account's public hosted zones on the emulator."""
    backend = route53_backends[account_id][partition]
    return {
        (dns_name(record_set.name), dns_name(value))
        for zone in backend.zones.values()
        if not zone.private_zone
        for record_set in zone.rrsets
        if record_set.type == "CNAME"
        for value in record_set.records
    }


def is_validated(required: set[tuple[str, str]], published: set[tuple[str, str]]) -> bool:
    """Every record ACM asked for is published with the value it asked for."""
    return bool(required) and required <= published


def _owner(cert: CertBundle) -> tuple[str, str]:
    # arn:<partition>:acm:<region>:<account>:certificate/<id>
    parts = cert.arn.split(":")
    return parts[4], parts[1]


def check(self: CertBundle) -> None:
    """moto's check, with DNS in place of the timer for a pending requested certificate."""
    if not (self.type == "AMAZON_ISSUED" and self.status == "PENDING_VALIDATION"):
        getattr(CertBundle, _ORIGINAL)(self)
        return
    if self._not_valid_after(self._cert) <= utcnow():  # moto's own expiry rule
        self.status = "EXPIRED"
        return
    account_id, partition = _owner(self)
    if is_validated(required_records(self), published_cnames(account_id, partition)):
        self.status = "ISSUED"


def register() -> None:
    """Replace moto's timer with the Route 53 check (idempotent)."""
    if getattr(CertBundle, _PATCHED, False):
        return
    setattr(CertBundle, _ORIGINAL, CertBundle.check)
    CertBundle.check = check  # type: ignore[method-assign]
    setattr(CertBundle, _PATCHED, True)
