"""The node manager as ``destroy`` uses it: the same in-process code as ``nodes down --all``.

:func:`nodes_for` reads the node manager's configuration from the env's Terraform outputs and
builds :class:`~artificien_infra.core.teardown.Nodes` over it, with the clients ``nodes`` uses;
an env whose Terraform talks to an emulator (local, a rehearsal) gets that emulator's clients, so
its destroy never reaches AWS. Outputs without that configuration (nothing deployed) give None.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import click
from botocore.exceptions import ClientError

from artificien_infra.commands import nodes as nodes_cli
from artificien_infra.core.config import LOCAL, Context
from artificien_infra.core.deploy import endpoint_for
from artificien_infra.errors import UserError
from artificien_infra.local import processes as local
from artificien_infra.local.lambdas import import_lambda_module

_shared_config = import_lambda_module("shared.config")
_config = import_lambda_module("node_manager.config")
_logic = import_lambda_module("node_manager.logic")
_request = import_lambda_module("node_manager.request")


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    # as in `nodes`: the node manager may log JSON to stdout, which carries only results
    with contextlib.redirect_stdout(sys.stderr):
        yield


class ManagedNodes:
    """One env's nodes through :class:`node_manager.logic.NodeManager`."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager

    def _cluster_gone(self, error: ClientError) -> bool:
        # a destroy that stopped half way may have removed the cluster: no service can run
        return error.response.get("Error", {}).get("Code") == "ClusterNotFoundException"

    def names(self) -> list[str]:
        with _stdout_to_stderr():
            try:
                found = self.manager.list()
            except ClientError as error:
                if self._cluster_gone(error):
                    return []
                raise
        return [f"{status.app_id or status.slug!r} ({status.state})" for status in found]

    def stop_all(self) -> list[dict[str, Any]]:
        with _stdout_to_stderr():
            try:
                return _logic.perform(self.manager, _request.Request("down", all_apps=True))
            except ClientError as error:
                if self._cluster_gone(error):
                    return []
                raise


def _clients(ctx: Context, env: str, region: str) -> dict[str, Any]:
    url = endpoint_for(ctx, env)
    if url is None:
        return nodes_cli.make_clients(env, region)
    # the emulator the env's Terraform talks to (local's, or a rehearsal's): the same clients there
    return {name: local.client(name, url) for name in nodes_cli.make_clients(LOCAL, region)}


# The services of nodes_cli.make_database_clients' clients, by keyword.
_DATABASE_SERVICES = {"secretsmanager": "secretsmanager", "lambda_client": "lambda"}


def _database_clients(ctx: Context, env: str, config: Any) -> dict[str, Any]:
    # each node's database secret (and, where the env runs it, the role function): as _clients
    url = endpoint_for(ctx, env)
    if url is None:
        return nodes_cli.make_database_clients(env, config.region, config)
    names = nodes_cli.make_database_clients(LOCAL, config.region, config)
    return {name: local.client(_DATABASE_SERVICES[name], url) for name in names}


def build_manager(ctx: Context, env: str, config: Any) -> Any:
    """The node manager for ``config`` with the clients ``nodes`` uses (tests replace it)."""
    return _logic.NodeManager(
        config,
        **_clients(ctx, env, config.region),
        **_database_clients(ctx, env, config),
        progress=lambda message: click.echo(message, err=True),
    )


def nodes_for(ctx: Context, env: str, outputs: Mapping[str, Any]) -> ManagedNodes | None:
    try:
        config = _config.NodeManagerConfig.from_outputs(outputs)
    except _shared_config.ConfigError as error:
        click.echo(f"no PyGrid nodes to stop: {error}", err=True)
        return None
    if config.environment != env:
        raise UserError(f"the node manager's outputs are for env '{config.environment}', not {env}")
    return ManagedNodes(build_manager(ctx, env, config))
