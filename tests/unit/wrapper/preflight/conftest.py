"""Preflight against moto in-process: the Service Quotas patch registered (and undone after each
test), and a ``world`` that builds probes and puts in place what each check looks for.

Helpers are fixtures, not imports, so the tests run under any pytest import mode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.servicequotas.models import ServiceQuotasBackend
from moto.servicequotas.responses import ServiceQuotasResponse

from artificien_infra.core.preflight_probe import Backend, Probe, SessionAws, Target
from artificien_infra.local.patches import service_quotas

_MANIFEST = (
    '{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", '
    '"config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, '
    '"digest": "sha256:%s"}, "layers": []}'
)


def no_public_answer(domain: str) -> list[str]:
    return []


@dataclass
class World:
    """One moto account and what a dev env's files say about it."""

    aws: SessionAws
    region: str = "us-east-1"
    account: str = "123456789012"  # moto's
    domain: str = "dev.example.com"
    token_parameter_name: str = "/artificien/dev/website-repository-token"
    orchestration_tag: str = "ec2c677"
    pygrid_tag: str = "31e9ed9"
    _zones: int = 0

    @property
    def state_bucket_name(self) -> str:
        return f"artificien-tfstate-{self.account}-{self.region}"

    @property
    def key_arn(self) -> str:
        return f"arn:aws:kms:{self.region}:{self.account}:key/0f3c5a8e-1111-2222-3333-444455556666"

    def backend(self, **changes: Any) -> Backend:
        values = {"bucket": self.state_bucket_name, "region": self.region}
        return Backend(**{**values, "kms_key_id": self.key_arn, **changes})

    def settings(self) -> dict[str, Any]:
        """What a real env sets in these tests; a test changes one thing."""
        return {
            "aws_region": self.region,
            "project": "artificien",
            "domain": self.domain,
            "create_hosted_zone": False,
            "lambda_reserved_concurrency": {},
            "nat_gateway_enabled": True,
            "single_nat_gateway": True,
            "jupyterhub_enabled": True,
            "amplify_enabled": True,
            "amplify_repository_token_ssm_parameter": self.token_parameter_name,
            "amplify_repository_token_secret_name": None,
            "orchestration_image": None,
            "orchestration_image_tag": self.orchestration_tag,
            "pygrid_container_image": None,
            "pygrid_image_tag": self.pygrid_tag,
            "cognito_email_sender": None,
        }

    def probe(
        self,
        env: str = "dev",
        *,
        backend: Backend | None = None,
        resolve: Callable[[str], Sequence[str]] = no_public_answer,
        **settings: Any,
    ) -> Probe:
        path = Path(f"terraform/envs/{env}.backend.hcl")
        target = Target(env, {**self.settings(), **settings}, backend, path)
        return Probe(target, self.aws, resolve)

    def client(self, service: str) -> Any:
        return self.aws.client(service, self.region)

    # what the checks look for --------------------------------------------------------------------

    def set_quota(self, service: str, code: str, value: float) -> None:
        """The emulator grants a request at once, also one below the default: a test's quota."""
        self.client("service-quotas").request_service_quota_increase(
            ServiceCode=service, QuotaCode=code, DesiredValue=value
        )

    def state_bucket(self, *, versioning: bool = True, encryption: str | None = "aws:kms") -> None:
        s3 = self.client("s3")
        bucket = self.state_bucket_name
        s3.create_bucket(Bucket=bucket)
        if versioning:
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        if encryption:
            default = {"SSEAlgorithm": encryption}
            if encryption == "aws:kms":
                default["KMSMasterKeyID"] = self.key_arn
            s3.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": default}]
                },
            )

    def hosted_zone(self, name: str | None = None, *, private: bool = False) -> dict[str, Any]:
        """A zone named ``name`` (default: the domain); CreateHostedZone's answer."""
        name = name or self.domain
        self._zones += 1
        kwargs: dict[str, Any] = {"Name": name, "CallerReference": f"test-zone-{self._zones}"}
        if private:
            vpc = self.client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
            kwargs["VPC"] = {"VPCRegion": self.region, "VPCId": vpc}
            kwargs["HostedZoneConfig"] = {"PrivateZone": True}
        return self.client("route53").create_hosted_zone(**kwargs)

    def token_parameter(self, kind: str = "SecureString") -> None:
        self.client("ssm").put_parameter(
            Name=self.token_parameter_name, Value="not-a-real-token", Type=kind
        )

    def image(self, repository: str, tag: str | None) -> None:
        """The env's repository artificien-dev/<repository>, holding ``tag`` unless it is None."""
        ecr = self.client("ecr")
        name = f"artificien-dev/{repository}"
        ecr.create_repository(repositoryName=name)
        if tag is not None:
            digest = (repository.encode().hex() * 64)[:64]
            ecr.put_image(repositoryName=name, imageManifest=_MANIFEST % digest, imageTag=tag)

    def everything(self) -> list[str]:
        """What a ready dev account holds (state, zone, token, images); the zone's name servers."""
        self.state_bucket()
        self.token_parameter()
        self.image("orchestration", self.orchestration_tag)
        self.image("pygrid-node", self.pygrid_tag)
        return self.hosted_zone()["DelegationSet"]["NameServers"]


@pytest.fixture
def quotas_patch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator's Service Quotas patch, registered for one test and undone after it."""
    for cls, name in (
        (ServiceQuotasBackend, "get_service_quota"),
        (ServiceQuotasBackend, "get_aws_default_service_quota"),
        (ServiceQuotasBackend, "request_service_quota_increase"),
        (ServiceQuotasResponse, "get_aws_default_service_quota"),
        (ServiceQuotasResponse, "request_service_quota_increase"),
        (ServiceQuotasBackend, "_artificien_service_quotas_patched"),
    ):
        monkeypatch.setattr(cls, name, getattr(cls, name, None), raising=False)
    service_quotas.register()


@pytest.fixture
def world(quotas_patch: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """moto in-process with the patch; clients of one session (no endpoint, no profile)."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield World(SessionAws(boto3.session.Session(region_name="us-east-1")))
