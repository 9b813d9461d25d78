"""GitHub Actions' way into a real environment, set up by ``bootstrap --github-repository``.

The rule: no long-lived key. The account has one GitHub OIDC provider, which bootstrap creates
when the account has none (and gives the STS audience when it lacks it) and never leaves to an
env's state, so envs sharing an account cannot remove it from each other. Per env the
github_oidc module makes a plan and an apply role (modules/github_oidc/README.md), applied from a
root generated under build/ into a state of its own, ``env:/<env>/github-oidc.tfstate`` in the
env's state bucket, which the roles themselves cannot reach (core/state.py). Bootstrap also
creates the env's workspace of the platform's state, so the plan role never needs to write it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from artificien_infra.core import deploy, state
from artificien_infra.core.config import Context
from artificien_infra.core.files import write_atomic, write_json_atomic
from artificien_infra.core.terraform import Terraform
from artificien_infra.errors import UserError

OIDC_HOST = "token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"
ROLES_STATE_KEY = "github-oidc.tfstate"
MODULE = "github_oidc"
# The same constraints as terraform/versions.tf: the generated root uses the committed providers.
PROVIDER_VERSION = ">= 5.100, < 6.0"
REQUIRED_TERRAFORM = ">= 1.10"

# GitHub's rules: an owner of up to 39 letters, digits and hyphens; a repository of letters,
# digits, '.', '-' and '_' (the module validates the same).
_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")


class GitHubSetupError(UserError):
    """Bootstrap refused the GitHub setup: a malformed repository, an unusable provider."""


@dataclass(frozen=True)
class Provider:
    arn: str
    status: str  # "created", "audience added" or "reused"


@dataclass(frozen=True)
class Roles:
    plan_role_arn: str
    apply_role_arn: str
    oidc_provider_arn: str
    changed: bool


def parse_repository(text: str) -> str:
    """``owner/repo`` exactly as GitHub's ``sub`` claim spells it; refuses URLs and wildcards."""
    value = text.strip()
    if not _REPOSITORY.match(value) or value.split("/", 1)[1] in (".", ".."):
        raise GitHubSetupError(
            f"--github-repository {text!r} must be owner/repo as GitHub spells it "
            "(e.g. artificien/infrastructure): no URL, no .git, no wildcard"
        )
    return value


def find_oidc_provider(iam) -> dict | None:
    """The account's provider for GitHub's issuer: {"arn", "client_ids"}, or None."""
    for entry in iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", []):
        arn = entry["Arn"]
        if arn.endswith(f":oidc-provider/{OIDC_HOST}"):
            found = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
            return {"arn": arn, "client_ids": list(found.get("ClientIDList", []))}
    return None


def ensure_oidc_provider(iam, existing: dict | None) -> Provider:
    """Create the account's GitHub provider, or give the existing one the STS audience (without
    it GitHub's tokens for STS are refused). No thumbprint: IAM checks this host's certificate
    against its own trusted CAs."""
    if existing is None:
        try:
            arn = iam.create_open_id_connect_provider(
                Url=f"https://{OIDC_HOST}",
                ClientIDList=[AUDIENCE],
                Tags=[{"Key": "managed_by", "Value": "artificien-infra bootstrap"}],
            )["OpenIDConnectProviderArn"]
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code", "")
            raise GitHubSetupError(
                f"cannot create the GitHub OIDC provider ({code}): bootstrap needs "
                "iam:CreateOpenIDConnectProvider in this account"
            ) from err
        return Provider(arn, "created")
    if AUDIENCE not in existing["client_ids"]:
        iam.add_client_id_to_open_id_connect_provider(
            OpenIDConnectProviderArn=existing["arn"], ClientID=AUDIENCE
        )
        return Provider(existing["arn"], "audience added")
    return Provider(existing["arn"], "reused")


def module_inputs(
    env: str, repository: str, bucket: str, kms_key_arn: str, oidc_provider_arn: str
) -> dict:
    """The github_oidc module's inputs for ``env`` (names in core/state.py)."""
    return {
        "name": f"{state.PROJECT}-{env}",
        "repository": repository,
        "github_environment": env,
        "create_oidc_provider": False,
        "oidc_provider_arn": oidc_provider_arn,
        "state": {
            "bucket": bucket,
            "object_key": state.state_object_key(env),
            "kms_key_arn": kms_key_arn,
            "saved_plans_prefix": state.saved_plans_prefix(env),
        },
        "tags": {"project": state.PROJECT, "environment": env, "managed_by": "terraform"},
    }


def root_config(module_source: str, region: str, inputs: dict, profile: str | None) -> dict:
    """The generated root (Terraform's JSON syntax: every value a JSON literal, nothing to
    escape): an S3 backend configured at init, the provider, the module, its role ARNs."""
    provider: dict = {"region": region, "default_tags": {"tags": inputs["tags"]}}
    if profile:
        provider["profile"] = profile
    outputs = ("plan_role_arn", "apply_role_arn", "oidc_provider_arn")
    return {
        "//": "Generated by `artificien-infra bootstrap --github-repository`: do not edit.",
        "terraform": {
            "required_version": REQUIRED_TERRAFORM,
            "backend": {"s3": {}},
            "required_providers": {"aws": {"source": "hashicorp/aws", "version": PROVIDER_VERSION}},
        },
        "provider": {"aws": provider},
        "module": {MODULE: {"source": module_source, **inputs}},
        "output": {name: {"value": f"${{module.{MODULE}.{name}}}"} for name in outputs},
    }


def root_dir(ctx: Context, env: str) -> Path:
    return ctx.paths.build / "github-oidc" / env


def apply_roles(
    ctx: Context, env: str, region: str, inputs: dict, *, profile: str | None = None
) -> Roles:
    """Write the generated root and apply it: plan into a file, apply that plan."""
    directory = root_dir(ctx, env)
    directory.mkdir(parents=True, exist_ok=True)
    source = os.path.relpath(ctx.paths.modules / MODULE, directory)
    write_json_atomic(directory / "main.tf.json", root_config(source, region, inputs, profile))
    backend = directory / "backend.hcl"
    write_atomic(
        backend,
        state.backend_hcl(
            inputs["state"]["bucket"],
            region,
            profile=profile,
            kms_key_id=inputs["state"]["kms_key_arn"],
            key=ROLES_STATE_KEY,
        ),
    )
    tf = Terraform(
        ctx=ctx, cwd=directory, data_dir=ctx.paths.tf_data(f"github-oidc/{env}"), env_name=env
    )
    tf.init(backend_config=backend)
    tf.select_workspace(env)
    plan_file = directory / "roles.tfplan"
    try:
        changed = tf.plan(plan_file, [])
        if changed:
            tf.apply_plan(plan_file)
    finally:
        plan_file.unlink(missing_ok=True)
    values = {name: item.get("value") for name, item in tf.outputs().items()}
    missing = [
        n for n in ("plan_role_arn", "apply_role_arn", "oidc_provider_arn") if n not in values
    ]
    if missing:
        raise GitHubSetupError(f"the GitHub roles' apply left no {', '.join(missing)} output")
    return Roles(
        values["plan_role_arn"], values["apply_role_arn"], values["oidc_provider_arn"], changed
    )


def create_workspace(ctx: Context, env: str) -> None:
    """Initialise the platform's root with ``env``'s backend and create its workspace (an empty
    state), so that the plan role, which may not write the state, finds it."""
    deploy.init_env(ctx, env, create_workspace=True)


@dataclass(frozen=True)
class Setup:
    provider: Provider
    roles: Roles
    account: str


def setup(
    ctx: Context,
    iam,
    env: str,
    region: str,
    repository: str,
    done: state.Bootstrapped,
    *,
    existing_provider: dict | None,
    profile: str | None = None,
) -> Setup:
    """After the state bucket and key (``done``): the provider, the env's workspace, its roles."""
    provider = ensure_oidc_provider(iam, existing_provider)
    create_workspace(ctx, env)
    inputs = module_inputs(env, repository, done.bucket, done.key_arn, provider.arn)
    roles = apply_roles(ctx, env, region, inputs, profile=profile)
    return Setup(provider, roles, account=done.key_arn.split(":")[4])
