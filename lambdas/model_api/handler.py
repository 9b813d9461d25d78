"""Lambda entry point of the model API (API Gateway HTTP API, payload format 2.0).

The event is validated first (``logic.parse_request``: payload version, route key, caller, model
id); Powertools' HTTP API resolver then dispatches it to its route, and its exception handlers
turn a refusal into its status and anything else into a 500 that names only the request id.
"""

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler import Response

from model_api import logic
from model_api.config import Config, load_config
from model_api.store import AwsModelStore
from shared import aws, logs
from shared.api import ApiDeps, HttpApi, handle, lambda_handler
from shared.build import cached, warm

LOGGER = logs.logger("model_api")
# handle: one request with its dependencies given (tests, the trigger runner).
__all__ = ["build", "handle", "handler", "make_app"]

Deps = ApiDeps[Config, logic.ModelStore]


def _fields(request: logic.Request | None, request_id: str) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "route": request.route if request else None,
        "user": request.caller if request else None,
        "model_id": request.model_id if request else None,
    }


def make_app(store: logic.ModelStore, config: Config) -> HttpApi:
    """The API's routes over ``store`` with the shared error mapping
    (:class:`shared.api.HttpApi`)."""
    api = HttpApi(LOGGER, logic.parse_request, _fields)

    def answered(request: logic.Request, request_id: str, body: dict[str, Any]) -> Response:
        count = len(body["models"]) if "models" in body else None
        return api.answered(request, request_id, 200, body, count=count)

    @api.app.get("/models")
    def list_models() -> Response:
        request, request_id = api.routed(logic.ROUTE_LIST)
        return answered(request, request_id, logic.list_models(store, request.caller))

    # The id used is the validated path parameter API Gateway decoded, not the raw path segment.
    @api.app.get("/models/<model_id>/download")
    def download(model_id: str) -> Response:
        request, request_id = api.routed(logic.ROUTE_DOWNLOAD)
        body = logic.download(store, request.caller, request.model_id or "", config.url_ttl)
        return answered(request, request_id, body)

    return api


@cached
def build(environ: Mapping[str, str]) -> Deps:
    """Configuration, clients, store and routes for ``environ`` (once per environment)."""
    config = load_config(environ)
    # SigV4 presigned URLs, whatever the region's default signer.
    s3 = aws.client(environ, "s3", signature_version="s3v4")
    store = AwsModelStore(aws.client(environ, "dynamodb"), s3, config)
    return Deps(config=config, store=store, app=make_app(store, config))


handler = lambda_handler(LOGGER, build)
warm(build)
