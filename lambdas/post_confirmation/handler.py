"""Lambda entry point: Cognito's post-confirmation trigger.

Cognito waits at most 5 seconds for the trigger and retries it, so the one write is a conditional
put (idempotent) and the DynamoDB client's timeouts and retries fit inside that budget.
"""

import os
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from post_confirmation.account import new_account_item, new_api_key
from post_confirmation.config import load_config
from post_confirmation.event import MalformedEventError, parse_event
from post_confirmation.logs import get_logger
from post_confirmation.store import UserStore

# Worst case: 2 attempts x (1 s connect + 1 s read) + standard-mode backoff (< 1 s) < 5 s.
CLIENT_CONFIG = BotoConfig(
    connect_timeout=1,
    read_timeout=1,
    retries={"mode": "standard", "total_max_attempts": 2},
)

LOGGER = get_logger("post_confirmation")
CONFIG = load_config(os.environ)
STORE = UserStore(boto3.client("dynamodb", config=CLIENT_CONFIG), CONFIG.user_table)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
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
        datasets=CONFIG.default_datasets,
        api_key=new_api_key(),
    )
    created = STORE.create_if_absent(item)
    LOGGER.info(
        "account row created" if created else "account row already existed; left unchanged",
        extra={
            "user_id": confirmed.email,
            "username": confirmed.username,
            "user_pool_id": confirmed.user_pool_id,
            "row_created": created,
            "request_id": getattr(context, "aws_request_id", None),
        },
    )
    return event
