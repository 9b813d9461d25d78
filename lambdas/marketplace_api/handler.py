"""Lambda entry point of the registration API (API Gateway HTTP API, payload format 2.0).

The event is validated first (``logic.parse_request``: payload version, route key, caller, body or
dataset id); Powertools' HTTP API resolver then dispatches it to its route, and its exception
handlers turn a refusal into its status and anything else into a 500 that names only the request
id. Nothing is written before every check of a request has passed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from marketplace_api import logic
from marketplace_api.config import Config, load_config
from marketplace_api.store import AwsMarketplaceStore, EcsNodeDirectory
from shared import aws, logs
from shared.build import cached, warm

LOGGER = logs.logger("marketplace_api")


@dataclass(frozen=True)
class Deps:
    config: Config
    store: logic.MarketplaceStore
    nodes: logic.NodeDirectory
    app: APIGatewayHttpResolver


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(
        status_code=status,
        content_type=None,  # in the headers below, lower-case as API Gateway forwards them
        body=json.dumps(body, separators=(",", ":"), sort_keys=True),
        headers=dict(logic.JSON_HEADERS),
    )


def _request_id(event: Any, context: Any) -> str:
    request_id = getattr(context, "aws_request_id", None)
    if not request_id or request_id == "UNDEFINED":
        request_context = event.get("requestContext") if isinstance(event, dict) else None
        request_id = request_context.get("requestId") if isinstance(request_context, dict) else None
    return str(request_id or "unknown")


def _fields(request: logic.Request | None, request_id: str) -> dict[str, Any]:
    dataset_id = None
    if request is not None:
        body_id = request.body.get("dataset_id") if request.body else None
        dataset_id = request.dataset_id or (body_id if isinstance(body_id, str) else None)
    return {
        "request_id": request_id,
        "route": request.route if request else None,
        "user": request.caller.username if request else None,
        "dataset_id": dataset_id[:200] if dataset_id else None,
    }


def _refused(error: logic.ApiError, request: logic.Request | None, request_id: str) -> None:
    LOGGER.warning(
        "request refused",
        extra={
            "status": error.status,
            "reason": error.message[:500],
            "field": error.field,
            **_fields(request, request_id),
        },
    )


def _answered(
    request: logic.Request, request_id: str, status: int, body: dict[str, Any]
) -> Response:
    LOGGER.info("request answered", extra={"status": status, **_fields(request, request_id)})
    return _json(status, body)


def make_app(
    store: logic.MarketplaceStore, nodes: logic.NodeDirectory, config: Config
) -> APIGatewayHttpResolver:
    """The API's routes and error mapping; the validated request and its id are handed in
    through the resolver's context by :func:`handle`."""
    app = APIGatewayHttpResolver()

    def routed(route: str) -> tuple[logic.Request, str]:
        request: logic.Request = app.context["request"]
        if request.route != route:  # the path matched another route than API Gateway's key
            raise logic.ApiError(404, "route not found")
        return request, app.context["request_id"]

    @app.post("/datasets")
    def register() -> Response:
        request, request_id = routed(logic.ROUTE_REGISTER)
        item = logic.register(
            store,
            nodes,
            request.caller,
            request.body or {},
            config.limits,
            config.max_apps_per_owner,
        )
        return _answered(request, request_id, 201, item)

    # The id used is the validated path parameter API Gateway decoded, not the raw segment.
    @app.post("/datasets/<dataset_id>/purchase")
    def purchase(dataset_id: str) -> Response:
        request, request_id = routed(logic.ROUTE_PURCHASE)
        body = logic.purchase(store, request.caller, request.dataset_id or "")
        return _answered(request, request_id, 200, body)

    @app.not_found
    def not_found(_error: Exception) -> Response:
        return _json(404, {"message": "route not found"})

    @app.exception_handler(logic.ApiError)
    def refused(error: logic.ApiError) -> Response:
        _refused(error, app.context.get("request"), app.context.get("request_id", "unknown"))
        return _json(error.status, error.body())

    @app.exception_handler(Exception)
    def failed(error: Exception) -> Response:
        # Last resort: the caller gets a 500 with a request id, never the error's internals.
        request_id = app.context.get("request_id", "unknown")
        LOGGER.error(
            "request failed", exc_info=error, extra=_fields(app.context.get("request"), request_id)
        )
        return _json(500, {"message": "internal error", "request_id": request_id})

    return app


@cached
def build(environ: Mapping[str, str]) -> Deps:
    """Configuration, clients, stores and routes for ``environ`` (once per environment)."""
    config = load_config(environ)
    store = AwsMarketplaceStore(aws.client(environ, "dynamodb"), config)
    nodes = EcsNodeDirectory(aws.client(environ, "ecs"), config)
    return Deps(config=config, store=store, nodes=nodes, app=make_app(store, nodes, config))


def handle(deps: Deps, event: Any, context: Any = None) -> dict[str, Any]:
    """One request with its dependencies given: what tests and local callers use."""
    request_id = _request_id(event, context)
    try:
        request = logic.parse_request(event)
    except logic.ApiError as error:
        _refused(error, None, request_id)
        return logic.json_response(error.status, error.body())
    deps.app.append_context(request=request, request_id=request_id)
    try:
        return deps.app.resolve(event, context)
    except Exception:  # an event API Gateway would not send broke the resolver itself
        LOGGER.exception("request failed", extra=_fields(request, request_id))
        return logic.json_response(500, {"message": "internal error", "request_id": request_id})


@logs.inject(LOGGER)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(build(os.environ), event, context)


warm(build)
