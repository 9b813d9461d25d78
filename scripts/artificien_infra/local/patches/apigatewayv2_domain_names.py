"""API Gateway v2 custom domain names that become AVAILABLE, for moto 5.2.

moto stores a CreateDomainName request's configurations as given and answers them back without
the fields API Gateway adds: ``domainNameStatus`` (the AWS provider waits for AVAILABLE, and
times out on the empty status), ``apiGatewayDomainName`` and ``hostedZoneId`` (the target of the
domain's alias record). The patch adds them as AWS does for a regional endpoint: a
``d-<id>.execute-api.<region>.amazonaws.com`` name, stable per domain, and the region's API Gateway
hosted zone. And like AWS it leaves out ``mutualTlsAuthentication`` when none was asked for (moto
answers an empty object, which every re-plan then shows as a change).
"""

import hashlib
from typing import Any

from moto.apigatewayv2.models import DomainName

_PATCHED = "_artificien_domain_status_patched"
# API Gateway's regional hosted zones (AWS General Reference, "Amazon API Gateway endpoints").
_HOSTED_ZONES = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "eu-west-1": "ZLY8HYME6SFDD",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
}
_FALLBACK_ZONE = "Z1UJRXOUMOOFQ8"


def _target(domain_name: str, region: str) -> str:
    digest = hashlib.sha256(domain_name.encode()).hexdigest()[:10]
    return f"d-{digest}.execute-api.{region}.amazonaws.com"


def register() -> None:
    """Complete every configuration moto answers with (idempotent)."""
    if getattr(DomainName, _PATCHED, False):
        return
    original = DomainName.to_json

    def to_json(self: Any) -> dict[str, Any]:
        answer = original(self)
        if not answer.get("mutualTlsAuthentication"):
            answer.pop("mutualTlsAuthentication", None)
        region = self.domain_name_arn.split(":")[3]
        answer["domainNameConfigurations"] = [
            {
                "endpointType": "REGIONAL",
                "securityPolicy": "TLS_1_2",
                **config,
                "domainNameStatus": "AVAILABLE",
                "apiGatewayDomainName": _target(self.domain_name, region),
                "hostedZoneId": _HOSTED_ZONES.get(region, _FALLBACK_ZONE),
            }
            for config in self.domain_name_configurations or [{}]
        ]
        return answer

    DomainName.to_json = to_json  # type: ignore[method-assign]
    setattr(DomainName, _PATCHED, True)
