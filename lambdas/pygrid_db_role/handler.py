"""Lambda entry point of the role function: ``{"action": "provision"}`` in, what it did out.

Terraform invokes it at apply (``aws_lambda_invocation``) and keeps the answer in its state, so
the answer holds names and flags only. A refusal or a failure raises: the invocation, and with
it the apply, fails with the message (never a credential).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pygrid_db_role import logic
from pygrid_db_role.config import Config, load_config
from pygrid_db_role.database import connector
from pygrid_db_role.store import AwsSecretStore
from shared import aws, logs
from shared.build import cached, warm

LOGGER = logs.logger("pygrid_db_role")
ACTIONS = ("provision",)


@dataclass(frozen=True)
class Deps:
    config: Config
    secrets: logic.SecretStore
    connect: Any


class BadEvent(ValueError):
    """The event is not a request this function serves."""


def parse_event(event: Any) -> str:
    if not isinstance(event, dict):
        raise BadEvent('the event must be a JSON object such as {"action": "provision"}')
    unknown = sorted(set(event) - {"action"})
    if unknown:
        raise BadEvent(f"unknown event keys: {', '.join(unknown)}")
    action = event.get("action", "provision")
    if action not in ACTIONS:
        raise BadEvent(f"action must be one of {', '.join(ACTIONS)}, got {action!r}")
    return action


@cached
def build(environ: Mapping[str, str]) -> Deps:
    config = load_config(environ)
    secrets = AwsSecretStore(aws.client(environ, "secretsmanager"))
    return Deps(config=config, secrets=secrets, connect=connector(config))


def handle(deps: Deps, event: Any) -> dict[str, Any]:
    parse_event(event)
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
