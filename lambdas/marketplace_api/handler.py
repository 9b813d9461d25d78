"""Lambda entry point of the registration API (API Gateway HTTP API, payload format 2.0).

The event is validated first (``logic.parse_request``: payload version, route key, caller, body or
dataset id); Powertools' HTTP API resolver then dispatches it to its route, and its exception
handlers turn a refusal into its status and anything else into a 500 that names only the request
id. Nothing is written before every check of a request has passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import Response

from marketplace_api import logic
from marketplace_api.config import Config, load_config
from marketplace_api.store import AwsMarketplaceStore, EcsNodeDirectory
from shared import aws, logs
from shared.api import ApiDeps, HttpApi, handle, lambda_handler
from shared.build import cached, warm

LOGGER = logs.logger("marketplace_api")
# handle: one request with its dependencies given (tests, the trigger runner).
__all__ = ["build", "handle", "handler", "make_app"]


@dataclass(frozen=True)
class Deps(ApiDeps[Config, logic.MarketplaceStore]):
    nodes: logic.NodeDirectory


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


def make_app(store: logic.MarketplaceStore, nodes: logic.NodeDirectory, config: Config) -> HttpApi:
    """The API's routes over the shared error mapping (:class:`shared.api.HttpApi`)."""
    api = HttpApi(LOGGER, logic.parse_request, _fields)

    @api.app.post("/datasets")
    def register() -> Response:
        request, request_id = api.routed(logic.ROUTE_REGISTER)
        item = logic.register(
            store,
            nodes,
            request.caller,
            request.body or {},
            config.limits,
            config.max_apps_per_owner,
        )
        return api.answered(request, request_id, 201, item)

    # The id used is the validated path parameter API Gateway decoded, not the raw segment.
    @api.app.post("/datasets/<dataset_id>/purchase")
    def purchase(dataset_id: str) -> Response:
        request, request_id = api.routed(logic.ROUTE_PURCHASE)
        body = logic.purchase(store, request.caller, request.dataset_id or "")
        return api.answered(request, request_id, 200, body)

    return api


@cached
def build(environ: Mapping[str, str]) -> Deps:
    """Configuration, clients, stores and routes for ``environ`` (once per environment)."""
    config = load_config(environ)
    store = AwsMarketplaceStore(aws.client(environ, "dynamodb"), config)
    nodes = EcsNodeDirectory(aws.client(environ, "ecs"), config)
    return Deps(config=config, store=store, nodes=nodes, app=make_app(store, nodes, config))


handler = lambda_handler(LOGGER, build)
warm(build)
