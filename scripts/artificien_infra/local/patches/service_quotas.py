"""Service Quotas values for the quotas ``artificien-infra preflight`` reads, for moto 5.2.

moto 5.2 answers ``GetServiceQuota`` only with the documented defaults of the ``vpc`` service
(``NoSuchResourceException`` for every other service) and lacks ``GetAWSDefaultServiceQuota`` and
``RequestServiceQuotaIncrease``. Preflight reads Lambda's concurrent executions (``L-B99A9384``),
EC2's Elastic IPs (``L-0263D0A3``) and the VPCs per Region (``L-F678F1CE``); the patch answers
both reads for those with AWS's documented defaults (and moto's own ``vpc`` list).

``RequestServiceQuotaIncrease`` applies the requested value at once and answers ``APPROVED``:
on AWS a person or a rule reviews the request; the emulator stands in for that review, and also
takes a value below the current one, so a test (or a rehearsal) can model a new account whose
applied quota is lower than the default. Applied values live on moto's backend of the account and
region, so moto's reset (the end of ``mock_aws``, or the server's ``/moto-api/reset``) forgets them.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from moto.servicequotas.exceptions import NoSuchResource
from moto.servicequotas.models import ServiceQuotasBackend
from moto.servicequotas.resources.default_quotas.vpc import VPC_DEFAULT_QUOTAS
from moto.servicequotas.responses import ServiceQuotasResponse

_PATCHED = "_artificien_service_quotas_patched"
_APPLIED = "_artificien_applied_quotas"

# (service code, quota code) -> (service name, quota name, documented default), from the Lambda
# and EC2 quota pages (docs/aws-account.md links them). Both are adjustable, account-level quotas.
DOCUMENTED_DEFAULTS: dict[tuple[str, str], tuple[str, str, float]] = {
    ("lambda", "L-B99A9384"): ("AWS Lambda", "Concurrent executions", 1000.0),
    ("ec2", "L-0263D0A3"): (
        "Amazon Elastic Compute Cloud (Amazon EC2)",
        "EC2-VPC Elastic IPs",
        5.0,
    ),
}


def _default(service_code: str, quota_code: str) -> dict[str, Any]:
    """The quota as GetAWSDefaultServiceQuota describes it (no account in its ARN)."""
    known = DOCUMENTED_DEFAULTS.get((service_code, quota_code))
    if known is not None:
        service_name, quota_name, value = known
        return {
            "ServiceCode": service_code,
            "ServiceName": service_name,
            "QuotaCode": quota_code,
            "QuotaName": quota_name,
            "Value": value,
            "Unit": "None",
            "Adjustable": True,
            "GlobalQuota": False,
        }
    if service_code == "vpc":
        for quota in VPC_DEFAULT_QUOTAS:
            if quota["QuotaCode"] == quota_code:
                return {k: v for k, v in quota.items() if k != "QuotaArn"}
    raise NoSuchResource


def _applied(backend: ServiceQuotasBackend) -> dict[tuple[str, str], float]:
    return backend.__dict__.setdefault(_APPLIED, {})


def _arn(backend: ServiceQuotasBackend, quota: dict[str, Any], *, applied: bool) -> str:
    account = backend.account_id if applied else ""
    return (
        f"arn:aws:servicequotas:{backend.region_name}:{account}:"
        f"{quota['ServiceCode']}/{quota['QuotaCode']}"
    )


def get_aws_default_service_quota(
    self: ServiceQuotasBackend, service_code: str, quota_code: str
) -> dict[str, Any]:
    quota = _default(service_code, quota_code)
    return {**quota, "QuotaArn": _arn(self, quota, applied=False)}


def get_service_quota(
    self: ServiceQuotasBackend, service_code: str, quota_code: str
) -> dict[str, Any]:
    """The applied value: the last granted request, else the documented default."""
    quota = _default(service_code, quota_code)
    value = _applied(self).get((service_code, quota_code), quota["Value"])
    return {**quota, "Value": value, "QuotaArn": _arn(self, quota, applied=True)}


def request_service_quota_increase(
    self: ServiceQuotasBackend, service_code: str, quota_code: str, desired_value: float
) -> dict[str, Any]:
    """Grant the request at once (the emulator's stand-in for AWS's review)."""
    quota = _default(service_code, quota_code)
    _applied(self)[(service_code, quota_code)] = desired_value
    now = time.time()
    return {
        "Id": uuid.uuid4().hex,
        "ServiceCode": service_code,
        "ServiceName": quota["ServiceName"],
        "QuotaCode": quota_code,
        "QuotaName": quota["QuotaName"],
        "DesiredValue": desired_value,
        "Status": "APPROVED",
        "Created": now,
        "LastUpdated": now,
        "Requester": f"arn:aws:iam::{self.account_id}:root",
        "QuotaArn": _arn(self, quota, applied=True),
        "GlobalQuota": False,
        "Unit": quota["Unit"],
        "QuotaRequestedAtLevel": "ACCOUNT",
    }


def _codes(response: ServiceQuotasResponse) -> tuple[dict[str, Any], str, str]:
    params = json.loads(response.body or "{}")
    return params, str(params.get("ServiceCode")), str(params.get("QuotaCode"))


def respond_get_default_quota(self: ServiceQuotasResponse) -> str:
    _, service_code, quota_code = _codes(self)
    quota = self.backend.get_aws_default_service_quota(service_code, quota_code)
    return json.dumps({"Quota": quota})


def respond_request_increase(self: ServiceQuotasResponse) -> str:
    params, service_code, quota_code = _codes(self)
    desired = float(params["DesiredValue"])
    requested = self.backend.request_service_quota_increase(service_code, quota_code, desired)
    return json.dumps({"RequestedQuota": requested})


def register() -> None:
    """Teach moto's Service Quotas backend and its responses the three calls (idempotent)."""
    if getattr(ServiceQuotasBackend, _PATCHED, False):
        return
    for cls, name, function in (
        (ServiceQuotasBackend, "get_service_quota", get_service_quota),
        (ServiceQuotasBackend, "get_aws_default_service_quota", get_aws_default_service_quota),
        (ServiceQuotasBackend, "request_service_quota_increase", request_service_quota_increase),
        (ServiceQuotasResponse, "get_aws_default_service_quota", respond_get_default_quota),
        (ServiceQuotasResponse, "request_service_quota_increase", respond_request_increase),
    ):
        setattr(cls, name, function)
    setattr(ServiceQuotasBackend, _PATCHED, True)
