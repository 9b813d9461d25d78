"""`artificien-infra nodes ...`: start, stop, inspect and reconcile the per-app PyGrid nodes.

Thin over :mod:`artificien_infra.nodes`. Configuration is the env's Terraform output
``pygrid_node_manager``; results are JSON on stdout, progress and errors on stderr.
Exit codes: 0 done, 1 error, 2 ``reconcile`` found problems it did not fix.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import boto3
import click
from botocore.exceptions import BotoCoreError, ClientError

from artificien_infra import local
from artificien_infra.config import ENVIRONMENTS, LOCAL, ConfigError, Settings
from artificien_infra.deploy import read_outputs
from artificien_infra.nodes import (
    DEFAULT_WAIT_TIMEOUT,
    NodeError,
    NodeManager,
    NodeManagerConfig,
    no_wait,
    wait_services_stable,
)
from artificien_infra.terraform import TerraformError


def load_outputs(env: str) -> dict[str, Any]:
    """Root Terraform outputs of ``env`` (name -> value). Replaced by a fake in tests."""
    return read_outputs(env)


def make_clients(env: str, region: str) -> dict[str, Any]:
    """The ecs, elbv2 and dynamodb clients for ``env``. Replaced by moto-backed ones in tests.

    ``local`` talks to the emulator (AWS_ENDPOINT_URL, else its loopback port) with the
    emulator's placeholder credentials, so real ones are never sent to it; other envs use the
    default credential chain.
    """
    if env != LOCAL:
        session = boto3.Session(region_name=region)
        return {name: session.client(name) for name in ("ecs", "elbv2", "dynamodb")}
    url = os.environ.get("AWS_ENDPOINT_URL") or local.endpoint_url(Settings.from_env().local_port)
    return {name: local.client(name, url) for name in ("ecs", "elbv2", "dynamodb")}


def _manager(env: str, **kwargs: Any) -> NodeManager:
    config = NodeManagerConfig.from_outputs(load_outputs(env))
    if config.environment != env:
        raise NodeError(f"outputs are for env '{config.environment}', not '{env}'")
    return NodeManager(
        config,
        **make_clients(env, config.region),
        progress=lambda message: click.echo(message, err=True),
        **kwargs,
    )


def _emit(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=True, default=str))


def _run(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except (NodeError, ConfigError, TerraformError, ClientError, BotoCoreError) as exc:
        # one clear line on stderr and exit 1, never a traceback
        raise click.ClickException(str(exc)) from exc


env_option = click.option(
    "--env",
    "env",
    type=click.Choice(ENVIRONMENTS),
    default="local",
    show_default=True,
    help="Environment whose Terraform outputs configure the manager.",
)


@click.group()
def nodes() -> None:
    """Per-app PyGrid nodes behind the shared load balancer."""


@nodes.command()
@env_option
@click.argument("app")
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=DEFAULT_WAIT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for the node's service to be stable before rolling back.",
)
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Wait for the service to be stable (--no-wait: the local emulator never runs tasks).",
)
def up(env: str, app: str, timeout: int, wait: bool) -> None:
    """Start APP's node (idempotent) and record its URL on the app's dataset item."""
    waiter = wait_services_stable if wait else no_wait
    status = _run(lambda: _manager(env, waiter=waiter, wait_timeout=timeout).up(app))
    _emit(status.to_dict())


@nodes.command()
@env_option
@click.argument("app")
def down(env: str, app: str) -> None:
    """Stop APP's node and clear hasNode/nodeURL on its dataset item."""
    status = _run(lambda: _manager(env).down(app))
    _emit(status.to_dict())


@nodes.command()
@env_option
@click.argument("app")
def status(env: str, app: str) -> None:
    """Show APP's node resources and what its dataset item says."""
    result = _run(lambda: _manager(env).status(app))
    _emit(result.to_dict())


@nodes.command(name="list")
@env_option
def list_nodes(env: str) -> None:
    """List every node of the environment."""
    result = _run(lambda: _manager(env).list())
    _emit([s.to_dict() for s in result])


@nodes.command()
@env_option
@click.option("--fix", is_flag=True, help="Remove unclaimed nodes and clear dangling claims.")
def reconcile(env: str, fix: bool) -> None:
    """Report nodes without a claiming dataset item and items claiming missing nodes."""
    findings = _run(lambda: _manager(env).reconcile(fix=fix))
    _emit([f.to_dict() for f in findings])
    for finding in findings:
        state = "fixed" if finding.fixed else "found"
        click.echo(
            f"{state}: {finding.kind} app={finding.app_id!r} slug={finding.slug}: {finding.detail}",
            err=True,
        )
    if any(not f.fixed for f in findings):
        click.get_current_context().exit(2)
