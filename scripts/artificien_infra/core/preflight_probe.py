"""What preflight looks at and through what: the env's files, read into a :class:`Target`, and
a :class:`Probe` (the target, a client factory and the public-DNS resolver) that every check of
:mod:`artificien_infra.core.preflight_checks` takes. Reading only: nothing here writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import boto3
import hcl2
from botocore.exceptions import ClientError

from artificien_infra.core.config import (
    LOCAL,
    LOCAL_CREDENTIALS,
    LOCAL_REGION,
    ConfigError,
    Paths,
)

# What bootstrap records: its key's ARN (kms_key_id) and, by default, the account in the bucket's
# name (state.state_bucket_name).
_KMS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:(?P<account>[0-9]{12}):")
_DEFAULT_BUCKET = re.compile(r"^artificien-tfstate-(?P<account>[0-9]{12})-")


class ResolverUnavailable(Exception):
    """The public DNS could not be asked (no resolver library, a timeout, a refusal)."""


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    found: str
    fix: str = ""


# What the env's files say ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """hcl2 keeps strings' quotes ('"x"'); the plain values, with its bookkeeping keys dropped."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"':
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value[1:-1]
        return value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {
            _plain(key): _plain(item)
            for key, item in value.items()
            if not str(key).startswith("__")
        }
    return value


def _parse(path: Path) -> dict[str, Any]:
    try:
        return hcl2.loads(path.read_text())
    except Exception as error:  # hcl2 raises its parser's many exception types
        raise ConfigError(f"cannot parse {path}: {error}") from error


def variable_defaults(variables_tf: Path) -> dict[str, Any]:
    """Each root variable's default (None when it has none)."""
    if not variables_tf.is_file():
        raise ConfigError(f"missing {variables_tf}: preflight reads the variables' defaults there")
    return {
        name.strip('"'): _plain(body.get("default"))
        for block in _parse(variables_tf).get("variable", [])
        for name, body in block.items()
    }


@dataclass(frozen=True)
class Backend:
    """The backend file's values that preflight reads."""

    bucket: str
    region: str
    kms_key_id: str | None = None
    profile: str | None = None

    @property
    def account(self) -> str | None:
        """The account that holds the state, as bootstrap recorded it (None: not recorded)."""
        for text, pattern in ((self.kms_key_id, _KMS_ARN), (self.bucket, _DEFAULT_BUCKET)):
            match = pattern.match(text or "")
            if match:
                return match["account"]
        return None


def read_backend(path: Path) -> Backend | None:
    if not path.is_file():
        return None
    values = _plain(_parse(path))
    missing = [key for key in ("bucket", "region") if not values.get(key)]
    if missing:
        raise ConfigError(f"{path} lacks {', '.join(missing)}: run bootstrap again to rewrite it")
    return Backend(
        bucket=values["bucket"],
        region=values["region"],
        kms_key_id=values.get("kms_key_id"),
        profile=values.get("profile"),
    )


@dataclass(frozen=True)
class Target:
    """One env as its files describe it: settings (tfvars over defaults) and backend."""

    env: str
    settings: Mapping[str, Any]
    backend: Backend | None
    backend_path: Path  # as shown to the operator: relative to the repository when inside it

    def value(self, name: str, fallback: Any = None) -> Any:
        value = self.settings.get(name)
        return fallback if value is None else value

    @property
    def region(self) -> str:
        region = self.value("aws_region")
        if not region:
            raise ConfigError(f"terraform/envs/{self.env}.tfvars sets no aws_region")
        return region

    @property
    def name(self) -> str:
        """<project>-<env>: what names the env's resources (terraform/main.tf local.name)."""
        return f"{self.value('project', 'artificien')}-{self.env}"

    @property
    def bootstrap(self) -> str:
        return f"artificien-infra bootstrap --env {self.env} --region {self.region}"

    def owns(self, tags: Sequence[Mapping[str, str]] | None) -> bool:
        """Whether a resource carries this env's default tags (terraform/main.tf local.tags)."""
        found = {tag.get("Key"): tag.get("Value") for tag in tags or []}
        return (
            found.get("project") == self.value("project", "artificien")
            and found.get("environment") == self.env
        )


def load_target(paths: Paths, env: str) -> Target:
    tfvars = paths.tfvars(env)
    if not tfvars.is_file():
        raise ConfigError(f"missing {tfvars}")
    settings = variable_defaults(paths.terraform / "variables.tf")
    settings.update(_plain(_parse(tfvars)))
    path = paths.backend_hcl(env)
    shown = path.relative_to(paths.root) if path.is_relative_to(paths.root) else path
    return Target(env, settings, read_backend(path), shown)


# Reaching AWS ------------------------------------------------------------------------------------


class Aws(Protocol):
    def client(self, service: str, region: str) -> Any: ...


@dataclass(frozen=True)
class SessionAws:
    """Clients from one boto3 session, at ``endpoint_url`` when given (the emulator)."""

    session: boto3.session.Session
    endpoint_url: str | None = None

    def client(self, service: str, region: str) -> Any:
        return self.session.client(service, region_name=region, endpoint_url=self.endpoint_url)


def aws_for(target: Target, endpoint_url: str | None) -> SessionAws:
    """The env's credentials on AWS: the backend's profile (prod may live in an account of its
    own), else the default chain. At an emulator's ``endpoint_url`` (local's, or a rehearsal's of
    any env) its placeholder keys instead: real credentials are never sent to an emulator."""
    if endpoint_url is not None:
        session = boto3.session.Session(
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=LOCAL_REGION,
        )
        return SessionAws(session, endpoint_url)
    if target.env == LOCAL:
        raise ConfigError("local has no AWS account: its preflight needs the emulator's endpoint")
    profile = target.backend.profile if target.backend else None
    return SessionAws(boto3.session.Session(profile_name=profile, region_name=target.region))


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def public_name_servers(domain: str) -> list[str]:
    """The NS records the public DNS answers for ``domain`` ([] when it has none).

    dnspython is imported here, only when a delegation is checked (the stdlib cannot ask for NS);
    it is a dependency of the project, so the ImportError below means a broken install.
    """
    try:
        import dns.exception
        import dns.resolver
    except ImportError as error:
        raise ResolverUnavailable("dnspython is not installed (pip install dnspython)") from error
    try:
        answer = dns.resolver.resolve(domain, "NS")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.DNSException as error:
        raise ResolverUnavailable(f"the public DNS did not answer: {error}") from error
    return [record.target.to_text() for record in answer]


@dataclass(frozen=True)
class Probe:
    target: Target
    aws: Aws
    resolve: Callable[[str], Sequence[str]] = public_name_servers

    def client(self, service: str, region: str | None = None) -> Any:
        return self.aws.client(service, region or self.target.region)
