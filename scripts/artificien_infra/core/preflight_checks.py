"""The checks of ``preflight``, one small function of a :class:`Probe` each: what it found, its
verdict and, unless it passed, what to do. Only Get, List, Describe and Head calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from artificien_infra.core.config import LOCAL
from artificien_infra.core.preflight_probe import (
    Outcome,
    Probe,
    ResolverUnavailable,
    Target,
    Verdict,
    error_code,
)

# Lambda keeps this much of an account's concurrency unreserved (PutFunctionConcurrency).
LAMBDA_UNRESERVED_MINIMUM = 100
# modules/network spreads its subnets over exactly two zones, one NAT gateway in each.
NETWORK_ZONES = 2
# modules/ecr's repositories (<project>-<env>/<name>), each with the variables that pick its image.
IMAGES = {
    "orchestration": ("orchestration_image", "orchestration_image_tag"),
    "pygrid-node": ("pygrid_container_image", "pygrid_image_tag"),
}

# Quotas ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    service: str
    code: str
    name: str

    def value(self, probe: Probe) -> float:
        """The applied value; a quota never adjusted may have none, and then its default holds."""
        client = probe.client("service-quotas")
        codes = {"ServiceCode": self.service, "QuotaCode": self.code}
        try:
            return float(client.get_service_quota(**codes)["Quota"]["Value"])
        except ClientError as error:
            if error_code(error) != "NoSuchResourceException":
                raise
        return float(client.get_aws_default_service_quota(**codes)["Quota"]["Value"])

    def request(self, value: float, region: str) -> str:
        return (
            f'request "{self.name}" ({self.code}) of at least {value:g}: aws service-quotas '
            f"request-service-quota-increase --service-code {self.service} --quota-code "
            f"{self.code} --desired-value {value:g} --region {region}"
        )


LAMBDA_CONCURRENCY = Quota("lambda", "L-B99A9384", "Concurrent executions")
ELASTIC_IPS = Quota("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs")
VPCS = Quota("vpc", "L-F678F1CE", "VPCs per Region")


def elastic_ips_needed(target: Target) -> int:
    """One per NAT gateway (modules/network), one for the JupyterHub host (modules/jupyterhub)."""
    nat = 0
    if target.value("nat_gateway_enabled", True):
        nat = 1 if target.value("single_nat_gateway", False) else NETWORK_ZONES
    return nat + (1 if target.value("jupyterhub_enabled", True) else 0)


def _room(probe: Probe, quota: Quota, in_use: int, owned: int, needed: int, what: str) -> Outcome:
    """Enough when the quota's free room takes what the env still lacks (what it already owns
    counts as in use and as needed, so a re-run after the apply still passes)."""
    limit = quota.value(probe)
    lacking = max(0, needed - owned)
    found = (
        f"quota {limit:g}, {in_use} in use ({owned} of {probe.target.name}); "
        f"{probe.target.env} needs {needed} {what}"
    )
    if limit - in_use >= lacking:
        return Outcome(Verdict.PASS, found)
    fix = quota.request(in_use + lacking, probe.target.region)
    return Outcome(Verdict.FAIL, found, f"{fix}; or free {lacking - (limit - in_use):g} {what}")


def check_lambda_concurrency(probe: Probe) -> Outcome:
    reserved = sum(int(n) for n in probe.target.value("lambda_reserved_concurrency", {}).values())
    limit = LAMBDA_CONCURRENCY.value(probe)
    if reserved == 0:
        # Nothing reserved: every function shares the pool, whatever its size.
        return Outcome(Verdict.PASS, f"quota {limit:g}, nothing reserved")
    found = f"quota {limit:g}, {probe.target.env} reserves {reserved}"
    if limit - reserved >= LAMBDA_UNRESERVED_MINIMUM:
        return Outcome(Verdict.PASS, f"{found}, {limit - reserved:g} left unreserved")
    needed = reserved + LAMBDA_UNRESERVED_MINIMUM
    fix = LAMBDA_CONCURRENCY.request(needed, probe.target.region)
    return Outcome(
        Verdict.FAIL,
        f"{found}: Lambda keeps {LAMBDA_UNRESERVED_MINIMUM} unreserved",
        f"{fix}; or lower lambda_reserved_concurrency",
    )


def check_elastic_ips(probe: Probe) -> Outcome:
    addresses = probe.client("ec2").describe_addresses()["Addresses"]
    owned = sum(1 for address in addresses if probe.target.owns(address.get("Tags")))
    needed = elastic_ips_needed(probe.target)
    return _room(probe, ELASTIC_IPS, len(addresses), owned, needed, "address(es)")


def check_vpcs(probe: Probe) -> Outcome:
    pages = probe.client("ec2").get_paginator("describe_vpcs").paginate()
    vpcs = [vpc for page in pages for vpc in page["Vpcs"]]
    owned = sum(1 for vpc in vpcs if probe.target.owns(vpc.get("Tags")))
    return _room(probe, VPCS, len(vpcs), owned, 1, "VPC(s)")


# Identity and state ------------------------------------------------------------------------------


def check_account(probe: Probe) -> Outcome:
    target = probe.target
    if target.env == LOCAL:
        return Outcome(Verdict.SKIP, "the emulator takes any credentials")
    if target.backend is None:
        return Outcome(Verdict.FAIL, f"no backend file {target.backend_path}", target.bootstrap)
    expected = target.backend.account
    caller = probe.client("sts").get_caller_identity()
    if expected is None:
        return Outcome(
            Verdict.WARN,
            f"credentials of account {caller['Account']}; the backend names no account",
            f"{target.bootstrap} (it records its key's ARN, which names the account)",
        )
    if caller["Account"] == expected:
        return Outcome(Verdict.PASS, f"account {expected} ({caller['Arn']})")
    profile = target.backend.profile
    use = f"profile {profile} (the backend's)" if profile else "that account's AWS_PROFILE"
    return Outcome(
        Verdict.FAIL,
        f"credentials of account {caller['Account']}, state in account {expected}",
        f"use credentials of account {expected}: {use}",
    )


def check_state_bucket(probe: Probe) -> Outcome:
    target = probe.target
    if target.backend is None:
        return Outcome(Verdict.FAIL, f"no backend file {target.backend_path}", target.bootstrap)
    bucket = target.backend.bucket
    s3 = probe.client("s3", target.backend.region)
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        if error_code(error) in ("404", "NoSuchBucket", "NotFound"):
            return Outcome(Verdict.FAIL, f"no bucket {bucket}", target.bootstrap)
        if error_code(error) in ("403", "AccessDenied"):
            return Outcome(
                Verdict.FAIL,
                f"bucket {bucket} refuses these credentials",
                f"run as a principal the state admits, or add yours: {target.bootstrap} "
                "--principal <your role ARN>",
            )
        raise
    versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status", "off")
    try:
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
        algorithm = rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
    except ClientError as error:
        if error_code(error) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        algorithm = None
    found = f"{bucket}: versioning {versioning}, default encryption {algorithm or 'none'}"
    if versioning != "Enabled" or algorithm is None:
        return Outcome(Verdict.FAIL, found, f"{target.bootstrap} (versioning and encryption on)")
    if algorithm != "aws:kms":
        return Outcome(Verdict.WARN, found, f"{target.bootstrap} (encrypts with a key of its own)")
    return Outcome(Verdict.PASS, found)


# DNS ---------------------------------------------------------------------------------------------


def _domain(target: Target) -> str | None:
    domain = target.value("domain")
    return domain.rstrip(".").lower() if domain else None


def _public_zones(probe: Probe, domain: str) -> list[dict[str, Any]]:
    """The public hosted zones named ``domain`` (the list starts at that name, sorted)."""
    answer = probe.client("route53").list_hosted_zones_by_name(DNSName=domain)
    return [
        zone
        for zone in answer["HostedZones"]
        if zone["Name"].rstrip(".").lower() == domain
        and not zone.get("Config", {}).get("PrivateZone", False)
    ]


def _no_domain(target: Target) -> Outcome:
    if target.env == LOCAL:
        return Outcome(Verdict.SKIP, "local has no domain")
    return Outcome(
        Verdict.FAIL,
        f"no domain in terraform/envs/{target.env}.tfvars",
        'set domain = "<the env\'s DNS name>" there (e.g. dev.artificien.com)',
    )


def check_hosted_zone(probe: Probe) -> Outcome:
    domain = _domain(probe.target)
    if domain is None:
        return _no_domain(probe.target)
    zones = _public_zones(probe, domain)
    if probe.target.value("create_hosted_zone", False):
        if zones:
            return Outcome(
                Verdict.WARN,
                f"public zone {zones[0]['Id']} already holds {domain}; create_hosted_zone = true "
                "would add a second one",
                "set create_hosted_zone = false to use the existing zone",
            )
        return Outcome(Verdict.SKIP, f"{domain}: created by apply (create_hosted_zone = true)")
    if not zones:
        return Outcome(
            Verdict.FAIL,
            f"no public hosted zone {domain}",
            f"aws route53 create-hosted-zone --name {domain} --caller-reference "
            "preflight-$(date +%s), then delegate it; or set create_hosted_zone = true",
        )
    if len(zones) > 1:
        ids = ", ".join(zone["Id"] for zone in zones)
        return Outcome(
            Verdict.FAIL,
            f"{len(zones)} public zones named {domain} ({ids}): the lookup needs one",
            "delete the one the parent does not delegate to: aws route53 delete-hosted-zone --id",
        )
    zone = zones[0]
    return Outcome(Verdict.PASS, f"{domain}: {zone['Id']}")


def _names(servers: Sequence[str]) -> list[str]:
    return sorted({server.rstrip(".").lower() for server in servers})


def check_delegation(probe: Probe) -> Outcome:
    domain = _domain(probe.target)
    if domain is None:
        return Outcome(Verdict.SKIP, "no domain (see hosted zone)")
    zones = _public_zones(probe, domain)
    if len(zones) != 1:
        after = " after the apply" if probe.target.value("create_hosted_zone", False) else ""
        return Outcome(Verdict.SKIP, f"no single zone to delegate to{after} (see hosted zone)")
    zone = probe.client("route53").get_hosted_zone(Id=zones[0]["Id"])
    own = _names(zone["DelegationSet"]["NameServers"])
    delegate = f"set {domain}'s NS records at its parent (registrar or parent zone) to {own}"
    try:
        public = _names(probe.resolve(domain))
    except ResolverUnavailable as error:
        return Outcome(
            Verdict.WARN,
            f"cannot check delegation: {error}",
            f"compare `dig NS {domain} +short` with the zone's {own}",
        )
    if not public:
        return Outcome(Verdict.FAIL, f"the public DNS has no NS for {domain}", delegate)
    if public != own:
        return Outcome(
            Verdict.FAIL, f"the public DNS answers {public}, the zone is {own}", delegate
        )
    return Outcome(Verdict.PASS, f"delegated to the zone's {len(own)} name servers")


# What only the account owner supplies ------------------------------------------------------------


def check_repository_token(probe: Probe) -> Outcome:
    target = probe.target
    if not target.value("amplify_enabled", True):
        return Outcome(Verdict.SKIP, "amplify_enabled = false")
    region = target.region
    parameter = target.value("amplify_repository_token_ssm_parameter")
    secret = target.value("amplify_repository_token_secret_name")
    if parameter:
        found = probe.client("ssm").describe_parameters(
            ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [parameter]}]
        )["Parameters"]
        create = (
            f"aws ssm put-parameter --name {parameter} --type SecureString --value "
            f"file://token.txt --region {region} (docs/amplify.md: which token)"
        )
        if not found:
            return Outcome(Verdict.FAIL, f"no SSM parameter {parameter}", create)
        kind = found[0].get("Type")
        if kind != "SecureString":
            return Outcome(
                Verdict.WARN,
                f"{parameter} is a {kind}",
                f"store it encrypted: {create} --overwrite",
            )
        return Outcome(Verdict.PASS, f"{parameter} (SecureString)")
    if secret:
        try:
            probe.client("secretsmanager").describe_secret(SecretId=secret)
        except ClientError as error:
            if error_code(error) != "ResourceNotFoundException":
                raise
            return Outcome(
                Verdict.FAIL,
                f"no secret {secret}",
                f"aws secretsmanager create-secret --name {secret} --secret-string "
                f"file://token.txt --region {region}",
            )
        return Outcome(Verdict.PASS, f"secret {secret}")
    return Outcome(
        Verdict.FAIL,
        "amplify is on and no repository token is named",
        f"set amplify_repository_token_ssm_parameter in terraform/envs/{target.env}.tfvars",
    )


def _check_image(probe: Probe, repository: str) -> Outcome:
    target = probe.target
    image_variable, tag_variable = IMAGES[repository]
    if target.env == LOCAL:
        return Outcome(Verdict.SKIP, "the emulator runs no containers")
    external = target.value(image_variable)
    if external:
        return Outcome(Verdict.SKIP, f"external image {external} ({image_variable})")
    name = f"{target.name}/{repository}"
    tag = target.value(tag_variable)
    ecr = probe.client("ecr")
    try:
        ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": tag}])
    except ClientError as error:
        if error_code(error) == "RepositoryNotFoundException":
            return Outcome(
                Verdict.FAIL,
                f"no repository {name}",
                f"ENV={target.env} COMPONENT=ecr make apply, then push {name}:{tag} "
                "(README, Images)",
            )
        if error_code(error) != "ImageNotFoundException":
            raise
        uri = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
        return Outcome(
            Verdict.FAIL,
            f"no image {name}:{tag}",
            f"docker push {uri['repositoryUri']}:{tag} (README, Images)",
        )
    return Outcome(Verdict.PASS, f"{name}:{tag}")


def check_orchestration_image(probe: Probe) -> Outcome:
    return _check_image(probe, "orchestration")


def check_pygrid_image(probe: Probe) -> Outcome:
    return _check_image(probe, "pygrid-node")


def check_ses_identity(probe: Probe) -> Outcome:
    sender = probe.target.value("cognito_email_sender")
    if not sender:
        return Outcome(Verdict.SKIP, "Cognito's default sender (no cognito_email_sender)")
    identity = sender.get("ses_identity") or sender["from_address"]
    region = probe.target.region
    answer = probe.client("ses").get_identity_verification_attributes(Identities=[identity])
    status = answer["VerificationAttributes"].get(identity, {}).get("VerificationStatus")
    if status == "Success":
        return Outcome(Verdict.PASS, f"{identity} verified in {region}")
    if status is None:
        return Outcome(
            Verdict.FAIL,
            f"{identity} is not an SES identity in {region}",
            f"aws sesv2 create-email-identity --email-identity {identity} --region {region}, "
            "then publish the DKIM records it returns",
        )
    return Outcome(
        Verdict.FAIL,
        f"{identity}: verification {status}",
        f"publish its DKIM records (aws sesv2 get-email-identity --email-identity {identity} "
        f"--region {region}) and wait for Success",
    )
