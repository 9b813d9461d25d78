"""A rehearsal of a real environment on a private emulator: apply, re-plan, tear down.

``rehearse --env prod`` plans and applies prod's own configuration (``terraform/envs/prod.tfvars``:
HTTPS listeners, NAT gateways, interface endpoints, Route 53 and ACM, SES, Amplify, deletion
protection) against a fresh emulator of its own, whose S3 keeps the state: nothing reaches AWS or
the env's real state. Then it re-plans (a clean apply leaves nothing to change), lifts the
deletion protection (in this copy only) and destroys, and checks that nothing is left.

Stand-ins are seeded only for what the account owner alone brings: the hosted zone of ``domain``,
the repository-token parameter and the verified SES identity. Two variables answer for the
emulator's own limits, not the account's (``EMULATOR_VARIABLES``).
"""

from __future__ import annotations

import json
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from artificien_infra.core import deploy
from artificien_infra.core.config import LOCAL, ConfigError, Context, Paths, validate_env
from artificien_infra.core.preflight_probe import Target, load_target
from artificien_infra.local import processes as local

# What the emulator cannot do, whatever the account: it runs no Lambda code (the PyGrid role
# function would be invoked at apply; its code is tested against a real PostgreSQL instead), and
# it ships no Ubuntu 22.04 image for JupyterHub's lookup (local.tfvars does the same).
EMULATOR_VARIABLES: dict[str, Any] = {
    "pygrid_role_provisioning_enabled": False,
    "jupyterhub_ami_name_pattern": "ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*",
}

# The token Amplify is given in the rehearsal; the emulator never calls the repository.
STAND_IN_TOKEN = "rehearsal-stand-in-token"  # noqa: S105 - a placeholder, not a secret
# An access log as the load balancers deliver them on AWS (the emulator delivers none): a bucket
# that holds logs must still go on destroy.
STAND_IN_LOG_KEY = "alb/orchestration/AWSLogs/stand-in/elasticloadbalancing/rehearsal.log.gz"


# Where a failed rehearsal leaves the emulator's log (under build/rehearsal/<env>/).
FAILED_LOG = "emulator-of-the-failed-rehearsal.log"


class RehearsalError(ConfigError):
    """The rehearsal found a fault: what it was, and what was cleaned up."""


@dataclass
class Rehearsal:
    env: str
    applied: int = 0
    replan_changes: list[str] = field(default_factory=list)
    destroyed: int = 0
    leftovers: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        replan = "re-plan clean" if not self.replan_changes else "re-plan NOT clean"
        end = "destroyed" if not self.leftovers else "NOT destroyed"
        return f"rehearsal of {self.env}: applied {self.applied}, {replan}, {end}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((local.HOST, 0))
        return sock.getsockname()[1]


def rehearsal_context(ctx: Context, env: str, port: int | None = None) -> Context:
    """A context of its own: build dir under build/rehearsal/<env>/, its own emulator port."""
    paths = Paths(root=ctx.paths.root, build=ctx.paths.build / "rehearsal" / env)
    settings = replace(ctx.settings, local_port=port or _free_port())
    return Context(paths=paths, settings=settings, runner=ctx.runner)


def seed_stand_ins(target: Target, client: Callable[[str], Any]) -> list[str]:
    """Create in the emulator what only the account owner has; returns what was seeded.
    ``client(service)`` gives a boto3 client of the emulator."""
    seeded = []
    domain = target.value("domain")
    if domain and not target.value("create_hosted_zone", False):
        client("route53").create_hosted_zone(Name=domain, CallerReference=f"rehearsal-{target.env}")
        seeded.append(f"hosted zone {domain}")
    parameter = target.value("amplify_repository_token_ssm_parameter")
    if target.value("amplify_enabled", True) and parameter:
        client("ssm").put_parameter(Name=parameter, Value=STAND_IN_TOKEN, Type="SecureString")
        seeded.append(f"token parameter {parameter}")
    sender = target.value("cognito_email_sender")
    if sender:
        identity = sender.get("ses_identity") or sender["from_address"]
        ses = client("ses")
        if "@" in identity:
            ses.verify_email_identity(EmailAddress=identity)
        else:
            ses.verify_domain_identity(Domain=identity)
        seeded.append(f"SES identity {identity}")
    return seeded


def _changes(document: dict) -> list[str]:
    return [
        f"{change['address']} ({'/'.join(change['change']['actions'])})"
        for change in document.get("resource_changes", [])
        if set(change["change"]["actions"]) - {"no-op", "read"}
    ]


def _plan_document(ctx: Context, env: str) -> dict:
    return json.loads(ctx.paths.plan_json(env).read_text())


def leftovers(ctx: Context, env: str, s3: Any) -> list[str]:
    """What the destroy left: resources still in the state, buckets other than the state's."""
    state = deploy.init_env(ctx, env).state_addresses()
    buckets = [
        f"bucket {b['Name']}"
        for b in s3.list_buckets().get("Buckets", [])
        if b["Name"] != local.LOCAL_STATE_BUCKET
    ]
    return [*state, *buckets]


@contextmanager
def _emulator(ctx: Context, keep: bool) -> Iterator[str]:
    # a fresh emulator and fresh Terraform data; the Lambda zips are kept (packaging is a no-op
    # when nothing changed)
    fresh = [ctx.paths.local_dir, ctx.paths.build / "tf", ctx.paths.reports]
    for path in fresh:
        shutil.rmtree(path, ignore_errors=True)
    url, _ = local.up(ctx)
    try:
        yield url
    except BaseException as error:
        # what the emulator saw is the first thing to read when a rehearsal fails
        log = ctx.paths.local_dir / "emulator.log"
        if log.is_file():
            shutil.copyfile(log, ctx.paths.build / FAILED_LOG)
            error.add_note(f"the emulator's log: {ctx.paths.build / FAILED_LOG}")
        raise
    finally:
        if not keep:
            local.stop_all(ctx)
            for path in fresh:
                shutil.rmtree(path, ignore_errors=True)


def rehearse(
    ctx: Context,
    env: str,
    *,
    keep: bool = False,
    port: int | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> Rehearsal:
    """Apply ``env``'s configuration to a private emulator, re-plan, tear down; see the module."""
    validate_env(env)
    if env == LOCAL:
        raise ConfigError("local is the emulator already: rehearse a real env (dev, staging, prod)")
    target = load_target(ctx.paths, env)
    result = Rehearsal(env)
    base = rehearsal_context(ctx, env, port)
    with _emulator(base, keep) as url:
        seeded = seed_stand_ins(target, lambda service: local.client(service, url))
        say(f"emulator {url}; stand-ins: {', '.join(seeded) or 'none'}")
        run = replace(base, emulator_url=url, extra_variables=dict(EMULATOR_VARIABLES))

        started = time.monotonic()
        outcome = deploy.plan(run, env)
        result.applied = outcome.summary.totals["add"]
        deploy.apply(run, env, confirm=lambda _: True)
        result.seconds["apply"] = time.monotonic() - started

        started = time.monotonic()
        replan = deploy.plan(run, env)
        if replan.has_changes:
            result.replan_changes = _changes(_plan_document(run, env))
        result.seconds["re-plan"] = time.monotonic() - started

        started = time.monotonic()
        if target.value("deletion_protection", env == "prod"):
            # lifted in this copy only, as an operator would before tearing an env down
            lifted = {**run.extra_variables, "deletion_protection": False}
            run = replace(run, extra_variables=lifted)
            # the re-plan has just read every resource back: plan from the state as it is
            deploy.plan(run, env, refresh=False)
            deploy.apply(run, env, confirm=lambda _: True)
        logs_bucket = deploy.read_outputs(env, run)["logs_bucket_name"]
        local.client("s3", url).put_object(
            Bucket=logs_bucket, Key=STAND_IN_LOG_KEY, Body=b"stand-in"
        )
        # the state is the one this rehearsal has just applied: no need to read it all back again
        destroy = deploy.plan(run, env, destroy=True, refresh=False)
        result.destroyed = destroy.summary.totals["destroy"]
        deploy.apply(run, env, destroy=True, confirm=lambda _: True)
        result.leftovers = leftovers(run, env, local.client("s3", url))
        result.seconds["teardown"] = time.monotonic() - started

    if result.replan_changes or result.leftovers:
        detail = [*(f"re-plan: {c}" for c in result.replan_changes)]
        detail += [f"left after destroy: {item}" for item in result.leftovers]
        raise RehearsalError(result.summary + "\n" + "\n".join(detail))
    return result
