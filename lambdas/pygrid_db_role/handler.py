"""Lambda entry point of the role function: an action in, what it did out.

* ``{"action": "provision"}`` (or ``{}``): Terraform invokes it at apply
  (``aws_lambda_invocation``) for PyGrid's shared role, and keeps the answer in its state;
* ``{"action": "node_up", "node_id": "<slug>"}``: the node manager, on ``up``, once it has written
  the node's secret: that node's own role and database (:mod:`pygrid_db_role.nodes`);
* ``{"action": "node_down", "node_id": "<slug>", "drop_database": false}``: the node manager, on
  ``down`` and when it rolls a failed ``up`` back.

Answers hold names and flags only. A bad event raises :class:`BadEvent` before anything is read;
a refusal or a failure raises too: the invocation (and with it the apply, or the node manager's
up) fails with the message, never a credential.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pygrid_db_role import logic, nodes
from pygrid_db_role.config import Config, load_config
from pygrid_db_role.database import connector
from pygrid_db_role.store import AwsSecretStore
from shared import aws, logs
from shared.build import cached, warm
from shared.pygrid_database import NODE_ID

LOGGER = logs.logger("pygrid_db_role")
ACTIONS = ("provision", "node_up", "node_down")
# The keys each action takes besides "action".
_KEYS = {"provision": (), "node_up": ("node_id",), "node_down": ("node_id", "drop_database")}


@dataclass(frozen=True)
class Deps:
    config: Config
    secrets: logic.SecretStore
    connect: Any


class BadEvent(ValueError):
    """The event is not a request this function serves."""


@dataclass(frozen=True)
class Request:
    action: str
    node_id: str | None = None
    drop_database: bool = False


def parse_request(event: Any) -> Request:
    """The request in ``event``, or :class:`BadEvent` naming what is wrong with it."""
    if not isinstance(event, dict):
        raise BadEvent('the event must be a JSON object such as {"action": "provision"}')
    action = event.get("action", "provision")
    if action not in ACTIONS:
        raise BadEvent(f"action must be one of {', '.join(ACTIONS)}, got {action!r}")
    allowed = {"action", *_KEYS[action]}
    unknown = sorted(str(key) for key in event if key not in allowed)
    if unknown:
        raise BadEvent(f"unknown event keys for {action}: {', '.join(unknown)}")
    if action == "provision":
        return Request(action)
    node_id = event.get("node_id")
    if not isinstance(node_id, str) or not NODE_ID.fullmatch(node_id):
        raise BadEvent(
            f"{action} needs 'node_id': the node's slug (1-63 lower-case letters, digits or '-'),"
            f" got {node_id!r}"
        )
    drop_database = event.get("drop_database", False)
    if not isinstance(drop_database, bool):
        raise BadEvent(f"'drop_database' must be true or false, got {drop_database!r}")
    return Request(action, node_id, drop_database)


def parse_event(event: Any) -> str:
    """The action of a valid event (see :func:`parse_request`)."""
    return parse_request(event).action


@cached
def build(environ: Mapping[str, str]) -> Deps:
    config = load_config(environ)
    secrets = AwsSecretStore(aws.client(environ, "secretsmanager"))
    return Deps(config=config, secrets=secrets, connect=connector(config))


def _node_action(deps: Deps, request: Request) -> dict[str, Any]:
    fields = {"action": request.action, "node_id": request.node_id, "host": deps.config.host}
    try:
        if request.action == "node_up":
            outcome = nodes.node_up(deps.config, deps.secrets, deps.connect, request.node_id)
        else:
            outcome = nodes.node_down(
                deps.config,
                deps.secrets,
                deps.connect,
                request.node_id,
                drop_database=request.drop_database,
            )
    except logic.ProvisioningError as error:
        LOGGER.error("node role not changed", extra={**fields, "reason": str(error)})
        raise
    LOGGER.info("node role changed", extra=outcome.as_dict())
    return outcome.as_dict()


def handle(deps: Deps, event: Any) -> dict[str, Any]:
    request = parse_request(event)
    if request.action != "provision":
        return _node_action(deps, request)
    fields = {"role": deps.config.role_name, "host": deps.config.host}
    try:
        outcome = logic.provision(deps.config, deps.secrets, deps.connect)
    except logic.ProvisioningError as error:
        LOGGER.error("role not provisioned", extra={**fields, "reason": str(error)})
        raise
    LOGGER.info("role provisioned", extra=outcome.as_dict())
    return outcome.as_dict()


@logs.inject(LOGGER)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(build(os.environ), event)


warm(build)
