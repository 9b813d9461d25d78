"""The emulator patch for ACM: a DNS-validated certificate is issued when (and only when) its
validation records are in the emulator's Route 53, driven through a real moto server on loopback."""

import datetime
import pkgutil

import boto3
import pytest
import requests
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from moto import settings
from moto.acm.models import CertBundle
from moto.server import ThreadedMotoServer

from artificien_infra.local import patches as emulator_patches
from artificien_infra.local.patches import acm_dns_validation

REGION = "us-east-1"
DOMAIN = "artificien.com"
NAMES = [f"*.{DOMAIN}", f"api.{DOMAIN}", f"orchestration.{DOMAIN}"]


@pytest.fixture(scope="module")
def endpoint():
    """A moto server on a free loopback port with the patch registered; CertBundle is left as it
    was found afterwards (patched or not)."""
    names = ("check", acm_dns_validation._PATCHED, acm_dns_validation._ORIGINAL)
    saved = {name: CertBundle.__dict__[name] for name in names if name in CertBundle.__dict__}
    acm_dns_validation.register()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    for name in names:
        if name in saved:
            setattr(CertBundle, name, saved[name])
        elif name in CertBundle.__dict__:
            delattr(CertBundle, name)


@pytest.fixture
def aws(endpoint, monkeypatch):
    """boto3 clients of the emulator; moto's own timer set to issue at once, so only the patch can
    keep a certificate pending."""
    requests.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
    monkeypatch.setattr(settings, "ACM_VALIDATION_WAIT", -1)

    def client(service: str):
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}),
        )

    return client


def _request(acm, names=None) -> str:
    return acm.request_certificate(
        DomainName=DOMAIN, SubjectAlternativeNames=names or NAMES, ValidationMethod="DNS"
    )["CertificateArn"]


def _status(acm, arn: str) -> str:
    return acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]


def _records(acm, arn: str) -> dict[str, str]:
    options = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]
    return {o["ResourceRecord"]["Name"]: o["ResourceRecord"]["Value"] for o in options}


def _zone(route53, *, private: bool = False) -> str:
    extra = {}
    if private:
        extra = {
            "HostedZoneConfig": {"PrivateZone": True},
            "VPC": {"VPCRegion": REGION, "VPCId": "vpc-12345678"},
        }
    zone = route53.create_hosted_zone(Name=DOMAIN, CallerReference=str(private), **extra)
    return zone["HostedZone"]["Id"]


def _publish(route53, zone_id: str, records: dict[str, str], record_type: str = "CNAME") -> None:
    route53.change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": name,
                        "Type": record_type,
                        "TTL": 60,
                        "ResourceRecords": [{"Value": value}],
                    },
                }
                for name, value in records.items()
            ]
        },
    )


def test_a_certificate_stays_pending_without_its_records(aws):
    acm = aws("acm")
    arn = _request(acm)
    _zone(aws("route53"))
    assert [_status(acm, arn) for _ in range(3)] == ["PENDING_VALIDATION"] * 3
    listed = acm.list_certificates(CertificateStatuses=["ISSUED"])["CertificateSummaryList"]
    assert listed == []


def test_it_is_issued_once_every_record_exists(aws):
    # GIVEN a pending certificate for the apex, a wildcard and two names, and its zone
    acm, route53 = aws("acm"), aws("route53")
    arn = _request(acm)
    records = _records(acm, arn)
    zone_id = _zone(route53)
    assert len(records) > 1

    # WHEN all but one of its records are published THEN it is still pending
    first, *rest = sorted(records)
    _publish(route53, zone_id, {name: records[name] for name in rest})
    assert _status(acm, arn) == "PENDING_VALIDATION"

    # WHEN the last one is published THEN it is issued, and listed as issued
    _publish(route53, zone_id, {first: records[first]})
    assert _status(acm, arn) == "ISSUED"
    listed = acm.list_certificates(CertificateStatuses=["ISSUED"])["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in listed] == [arn]


def test_list_certificates_runs_the_check_too(aws):
    acm, route53 = aws("acm"), aws("route53")
    arn = _request(acm, names=[DOMAIN])
    _publish(route53, _zone(route53), _records(acm, arn))
    listed = acm.list_certificates(CertificateStatuses=["ISSUED"])["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in listed] == [arn]


def test_records_compare_without_the_final_dot_and_values_without_case(aws):
    acm, route53 = aws("acm"), aws("route53")
    arn = _request(acm, names=[DOMAIN])
    records = {
        name.rstrip("."): value.rstrip(".").upper() for name, value in _records(acm, arn).items()
    }
    _publish(route53, _zone(route53), records)
    assert _status(acm, arn) == "ISSUED"


@pytest.mark.parametrize(
    ("change", "private"),
    [
        ({"value": "_wrong.acm-validations.aws."}, False),
        ({"type": "TXT"}, False),
        ({}, True),
    ],
    ids=["wrong-value", "not-a-cname", "private-zone"],
)
def test_a_record_that_does_not_validate_leaves_it_pending(aws, change, private):
    # GIVEN a pending certificate
    acm, route53 = aws("acm"), aws("route53")
    arn = _request(acm, names=[DOMAIN])
    records = _records(acm, arn)

    # WHEN its record is published wrong (value, type) or where public DNS cannot see it
    if "value" in change:
        records = dict.fromkeys(records, change["value"])
    if change.get("type") == "TXT":
        records = {name: f'"{value}"' for name, value in records.items()}
    _publish(route53, _zone(route53, private=private), records, change.get("type", "CNAME"))

    # THEN it stays pending
    assert _status(acm, arn) == "PENDING_VALIDATION"


def test_records_in_another_accounts_zone_do_not_issue_it(aws):
    # GIVEN a pending certificate, and its records in a zone another account owns
    acm, other = aws("acm"), aws("route53")
    other.meta.events.register(
        "before-sign.route-53.*",
        lambda request, **_: request.headers.__setitem__("x-moto-account-id", "210987654321"),
    )
    arn = _request(acm, names=[DOMAIN])
    _publish(other, _zone(other), _records(acm, arn))

    # THEN it stays pending: only the certificate's own account's Route 53 counts
    assert _status(acm, arn) == "PENDING_VALIDATION"
    assert aws("route53").list_hosted_zones()["HostedZones"] == []


def test_a_fixed_record_then_issues_it(aws):
    acm, route53 = aws("acm"), aws("route53")
    arn = _request(acm, names=[DOMAIN])
    records = _records(acm, arn)
    zone_id = _zone(route53)
    _publish(route53, zone_id, dict.fromkeys(records, "_wrong.acm-validations.aws."))
    assert _status(acm, arn) == "PENDING_VALIDATION"
    _publish(route53, zone_id, records)
    assert _status(acm, arn) == "ISSUED"


def _self_signed() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DOMAIN)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), pem_key


def test_imported_and_private_certificates_keep_motos_behaviour(aws):
    acm = aws("acm")
    certificate, key = _self_signed()
    imported = acm.import_certificate(Certificate=certificate, PrivateKey=key)["CertificateArn"]
    private = acm.request_certificate(
        DomainName=DOMAIN,
        CertificateAuthorityArn=f"arn:aws:acm-pca:{REGION}:123456789012:certificate-authority/x",
    )["CertificateArn"]
    assert _status(acm, imported) == "ISSUED"
    assert _status(acm, private) == "ISSUED"


def test_is_validated_needs_every_record_and_at_least_one():
    wanted = {("_a.x.com", "_v.acm-validations.aws"), ("_a.y.com", "_w.acm-validations.aws")}
    assert acm_dns_validation.is_validated(wanted, wanted | {("other", "value")})
    assert not acm_dns_validation.is_validated(wanted, {("_a.x.com", "_v.acm-validations.aws")})
    assert not acm_dns_validation.is_validated(set(), wanted)
    assert acm_dns_validation.dns_name(" _A.X.com. ") == "_a.x.com"


def test_register_is_idempotent(endpoint):
    acm_dns_validation.register()
    assert CertBundle.check is acm_dns_validation.check
    assert getattr(CertBundle, acm_dns_validation._ORIGINAL) is not acm_dns_validation.check


def test_the_emulator_discovers_the_patch():
    names = {info.name for info in pkgutil.iter_modules(emulator_patches.__path__)}
    assert "acm_dns_validation" in names
