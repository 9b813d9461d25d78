"""Read-only checks of an environment's AWS account before its first plan (``preflight``).

The rule: preflight only reads (Get, List, Describe and Head calls, listed per check in
:data:`CHECKS`), from what the env's own files say: ``terraform/envs/<env>.tfvars`` over the
defaults in ``terraform/variables.tf``, and the backend file that ``bootstrap`` wrote. Each check
answers pass, fail, warn or skip, what it found and, unless it passed, what to do; any fail makes
the command exit 1. A check whose calls AWS refuses fails, naming the calls to allow: a check that
could not look never passes.

Each check is a small function of a :class:`Probe` (the env's settings, a client factory and the
DNS resolver), so each is tested with the thing present and missing against moto.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from botocore.exceptions import BotoCoreError, ClientError

from artificien_infra.core.config import Context
from artificien_infra.core.preflight_checks import (
    check_account,
    check_delegation,
    check_elastic_ips,
    check_hosted_zone,
    check_lambda_concurrency,
    check_orchestration_image,
    check_pygrid_image,
    check_repository_token,
    check_ses_identity,
    check_state_bucket,
    check_vpcs,
)
from artificien_infra.core.preflight_probe import (
    Outcome,
    Probe,
    Verdict,
    aws_for,
    error_code,
    load_target,
    public_name_servers,
)
from artificien_infra.errors import UserError

__all__ = ["CHECKS", "Finding", "PreflightFailed", "Verdict", "preflight", "public_name_servers"]


class PreflightFailed(UserError):
    """At least one check failed; the table names each fix."""


@dataclass(frozen=True)
class Finding:
    check: str
    found: str
    verdict: Verdict
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        return {**asdict(self), "verdict": str(self.verdict)}


# Running them ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    actions: tuple[str, ...]  # what the caller must be allowed: the fix when AWS refuses
    run: Callable[[Probe], Outcome]


_QUOTA_READS = ("servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota")
_IMAGE_READS = ("ecr:DescribeImages", "ecr:DescribeRepositories")
_STATE_READS = ("s3:ListBucket", "s3:GetBucketVersioning", "s3:GetEncryptionConfiguration")
_ZONE_READS = ("route53:ListHostedZonesByName",)
_TOKEN_READS = ("ssm:DescribeParameters", "secretsmanager:DescribeSecret")
CHECKS = (
    Check("credentials' account", ("sts:GetCallerIdentity",), check_account),
    Check("state bucket", _STATE_READS, check_state_bucket),
    Check("Lambda concurrency", _QUOTA_READS, check_lambda_concurrency),
    Check("Elastic IPs", (*_QUOTA_READS, "ec2:DescribeAddresses"), check_elastic_ips),
    Check("VPCs", (*_QUOTA_READS, "ec2:DescribeVpcs"), check_vpcs),
    Check("hosted zone", _ZONE_READS, check_hosted_zone),
    Check("delegation", (*_ZONE_READS, "route53:GetHostedZone"), check_delegation),
    Check("repository token", _TOKEN_READS, check_repository_token),
    Check("orchestration image", _IMAGE_READS, check_orchestration_image),
    Check("PyGrid image", _IMAGE_READS, check_pygrid_image),
    Check("SES identity", ("ses:GetIdentityVerificationAttributes",), check_ses_identity),
)


def _attempt(check: Check, probe: Probe) -> Outcome:
    try:
        return check.run(probe)
    except ClientError as error:
        message = error.response.get("Error", {}).get("Message", "")
        return Outcome(
            Verdict.FAIL,
            f"AWS refused: {error_code(error)} {message}".strip(),
            f"allow the caller {', '.join(check.actions)}",
        )
    except BotoCoreError as error:
        return Outcome(Verdict.FAIL, f"cannot ask AWS: {error}", "check AWS_PROFILE and network")


def run(probe: Probe, checks: Sequence[Check] = CHECKS) -> list[Finding]:
    """Every check, in order; one that cannot look fails instead of stopping the others."""
    findings = []
    for check in checks:
        outcome = _attempt(check, probe)
        findings.append(Finding(check.name, outcome.found, outcome.verdict, outcome.fix))
    return findings


def tally(findings: Sequence[Finding]) -> dict[Verdict, int]:
    return {verdict: sum(f.verdict is verdict for f in findings) for verdict in Verdict}


def require_no_failure(env: str, findings: Sequence[Finding]) -> None:
    failed = [f.check for f in findings if f.verdict is Verdict.FAIL]
    if failed:
        raise PreflightFailed(
            f"preflight of {env}: {len(failed)} check(s) failed ({', '.join(failed)}); "
            "the table says what to do"
        )


def preflight(
    ctx: Context,
    env: str,
    *,
    endpoint_url: str | None = None,
    resolve: Callable[[str], Sequence[str]] = public_name_servers,
) -> list[Finding]:
    """The env's findings (``endpoint_url``: the emulator's, for local)."""
    target = load_target(ctx.paths, env)
    return run(Probe(target, aws_for(target, endpoint_url), resolve))
