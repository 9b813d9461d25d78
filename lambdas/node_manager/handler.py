"""Lambda entry point of the node manager: ``node_manager.handler.handler``.

Event ``{"action": "up"|"down"|"status"|"list"|"reconcile", "app": "...", "wait": bool,
"fix": bool, "remove_orphans": bool, "all": bool, "drop_database": bool}`` (see
:mod:`node_manager.request`). The answer is JSON: ``{"ok": true, "statusCode": 200, "action": ...,
"result": ..., "progress": [...]}`` or ``{"ok": false, "statusCode": 400|404|409|500|502|504,
"error": ..., "message": ..., "progress": [...]}`` (502 also when the role function refused or
failed a node's database role: ``DatabaseRoleError``). Errors a caller can act on are answers
(409 ``NodeBusyError``: another call is at work on the app's node; retry); anything else raises
and Lambda reports a function error. ``up`` without ``wait`` returns as soon as the resources exist.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from node_manager.config import NodeManagerConfig
from node_manager.errors import (
    BadRequestError,
    DatabaseRoleError,
    InvalidAppIdError,
    NodeBusyError,
    NodeError,
    NodeNotStableError,
    SlugCollisionError,
    UnknownAppError,
)
from node_manager.logic import (
    DEFAULT_WAIT_TIMEOUT,
    NodeManager,
    no_wait,
    perform,
    wait_services_stable,
)
from node_manager.request import Request, parse_request
from shared import aws, logs
from shared.build import cached
from shared.config import ConfigError, optional_int

LOGGER = logs.logger("node_manager")

WAIT_TIMEOUT_VARIABLE = "WAIT_TIMEOUT"
# Room left after a wait for the rollback of a failed up, inside the invocation's own time limit.
ROLLBACK_MARGIN_SECONDS = 60
_RETRIES = {"mode": "standard", "max_attempts": 5}
# node_up and node_down are idempotent, so a retried invocation is safe; the role function's own
# timeout is 60 s, and the answer is awaited a little longer than that.
_ROLE_FUNCTION_READ_TIMEOUT = 90

# Most specific first: the first class an error is an instance of gives its status code.
_STATUS_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (BadRequestError, 400),
    (InvalidAppIdError, 400),
    (UnknownAppError, 404),
    (SlugCollisionError, 409),
    (NodeBusyError, 409),
    (NodeNotStableError, 504),
    (DatabaseRoleError, 502),
    (ConfigError, 500),
    (NodeError, 409),
    (ClientError, 502),
    (BotoCoreError, 502),
)
_ANSWERED = tuple(kind for kind, _ in _STATUS_CODES)


@dataclass(frozen=True)
class Deps:
    config: NodeManagerConfig
    ecs: Any
    elbv2: Any
    dynamodb: Any
    wait_timeout: int
    secretsmanager: Any = None
    lambda_client: Any = None  # only when the configuration names a role function


@cached
def build(environ: Mapping[str, str]) -> Deps:
    """The configuration and clients for ``environ`` (once per distinct environment)."""
    config = NodeManagerConfig.from_environ(environ)
    wait_timeout = optional_int(environ, WAIT_TIMEOUT_VARIABLE, DEFAULT_WAIT_TIMEOUT, minimum=1)

    def client(service: str, **options: Any) -> Any:
        # The config's region unless the environment names one (Lambda always does).
        return aws.client(environ, service, region_name=config.region, retries=_RETRIES, **options)

    lambda_client = None
    if config.database_role_function:
        lambda_client = client("lambda", read_timeout=_ROLE_FUNCTION_READ_TIMEOUT)
    return Deps(
        config=config,
        ecs=client("ecs"),
        elbv2=client("elbv2"),
        dynamodb=client("dynamodb"),
        wait_timeout=wait_timeout,
        secretsmanager=client("secretsmanager"),
        lambda_client=lambda_client,
    )


def status_code(error: BaseException) -> int:
    return next(code for kind, code in _STATUS_CODES if isinstance(error, kind))


def _message(error: BaseException) -> str:
    return "; ".join([str(error), *getattr(error, "__notes__", [])])


def wait_budget(configured: float, context: Any) -> float:
    """How long ``up`` may wait: the configured timeout, cut to leave time for a rollback."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return configured
    return max(1.0, min(configured, remaining() / 1000 - ROLLBACK_MARGIN_SECONDS))


def handle(
    deps: Deps, event: Any, context: Any = None, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """The invocation with its dependencies given: what tests and the CLI's local path call."""
    lines: list[str] = []

    def report(message: str) -> None:
        lines.append(message)
        if progress is not None:
            progress(message)

    request: Request | None = None
    try:
        request = parse_request(event)
        manager = NodeManager(
            deps.config,
            ecs=deps.ecs,
            elbv2=deps.elbv2,
            dynamodb=deps.dynamodb,
            secretsmanager=deps.secretsmanager,
            lambda_client=deps.lambda_client,
            waiter=wait_services_stable if request.wait else no_wait,
            wait_timeout=wait_budget(deps.wait_timeout, context),
            progress=report,
        )
        result = perform(manager, request)
    except _ANSWERED as error:
        code = status_code(error)
        log = LOGGER.warning if code < 500 else LOGGER.error
        log(
            "request refused" if code < 500 else "request failed",
            extra={
                "status": code,
                "error": type(error).__name__,
                "reason": _message(error),
                "action": request.action if request else None,
                "app_id": request.app if request else None,
            },
        )
        return {
            "ok": False,
            "statusCode": code,
            "error": type(error).__name__,
            "message": _message(error),
            "progress": lines,
        }
    LOGGER.info(
        "request answered",
        extra={"status": 200, "action": request.action, "app_id": request.app},
    )
    return {
        "ok": True,
        "statusCode": 200,
        "action": request.action,
        "result": result,
        "progress": lines,
    }


@logs.inject(LOGGER)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(build(os.environ), event, context)
