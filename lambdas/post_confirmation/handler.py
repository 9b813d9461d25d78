"""Lambda entry point: Cognito's post-confirmation trigger.

Cognito waits at most 5 seconds for the trigger and retries it, so the one write is a conditional
put (idempotent) and the DynamoDB client's timeouts and retries fit inside that budget.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from post_confirmation.account import new_account_item, new_api_key
from post_confirmation.config import Config, load_config
from post_confirmation.event import MalformedEventError, parse_event
from post_confirmation.store import UserStore
from shared import aws, logs
from shared.build import cached, warm

__all__ = ["MalformedEventError", "build", "handle", "handler"]

# Worst case: 2 attempts x (1 s connect + 1 s read) + standard-mode backoff (< 1 s) < 5 s.
CLIENT_CONFIG = {
    "connect_timeout": 1,
    "read_timeout": 1,
    "retries": {"mode": "standard", "total_max_attempts": 2},
}

LOGGER = logs.logger("post_confirmation")


@dataclass(frozen=True)
class Deps:
    config: Config
    store: UserStore


@cached
def build(environ: Mapping[str, str]) -> Deps:
    """The configuration and the user table's store for ``environ`` (once per environment)."""
    config = load_config(environ)
    client = aws.client(environ, "dynamodb", **CLIENT_CONFIG)
    return Deps(config=config, store=UserStore(client, config.user_table))


def handle(deps: Deps, event: Any, context: Any = None) -> Any:
    """Create the confirmed user's row; return the event unchanged, as Cognito expects."""
    try:
        confirmed = parse_event(event)
    except MalformedEventError as error:
        # Raising blocks the confirmation, which is right: without a row the account is unusable.
        LOGGER.error("malformed post-confirmation event", extra={"reason": str(error)})
        raise
    if confirmed is None:
        LOGGER.info(
            "nothing to do for this trigger",
            extra={"trigger_source": event.get("triggerSource"), "username": event.get("userName")},
        )
        return event

    item = new_account_item(
        email=confirmed.email,
        username=confirmed.username,
        datasets=deps.config.default_datasets,
        api_key=new_api_key(),
    )
    created = deps.store.create_if_absent(item)
    LOGGER.info(
        "account row created" if created else "account row already existed; left unchanged",
        extra={
            "user_id": confirmed.email,
            "username": confirmed.username,
            "user_pool_id": confirmed.user_pool_id,
            "row_created": created,
        },
    )
    return event


@logs.inject(LOGGER)
def handler(event: Any, context: Any) -> Any:
    return handle(build(os.environ), event, context)


warm(build)
