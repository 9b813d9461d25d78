"""The Powertools plumbing both HTTP APIs share: the resolver, its error mapping and the entry
that validates an event before the resolver sees it.

Each API keeps only its routes and its log fields. The validated request and its id reach a
route through the resolver's context (:meth:`HttpApi.routed`); a refusal (:class:`ApiError`)
becomes its status, anything else a 500 that names only the request id.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from shared import logs
from shared.http import JSON_HEADERS, ApiError, json_response, json_text, request_id

# The log fields of a request (None before it is validated) and its id.
Fields = Callable[[Any, str], dict[str, Any]]
ConfigT = TypeVar("ConfigT")
StoreT = TypeVar("StoreT")


def response(status: int, body: dict[str, Any]) -> Response:
    return Response(
        status_code=status,
        content_type=None,  # in the headers below, lower-case as API Gateway forwards them
        body=json_text(body),
        headers=dict(JSON_HEADERS),
    )


def _internal_error(request_id_: str) -> dict[str, Any]:
    return {"message": "internal error", "request_id": request_id_}


class HttpApi:
    """An HTTP API's resolver with the shared error mapping; routes are added on :attr:`app`."""

    def __init__(self, log: Logger, parse: Callable[[Any], Any], fields: Fields) -> None:
        self.log = log
        self.parse = parse  # validates an event, raising ApiError
        self.fields = fields
        self.app = APIGatewayHttpResolver()
        app = self.app

        @app.not_found
        def not_found(_error: Exception) -> Response:
            return response(404, {"message": "route not found"})

        @app.exception_handler(ApiError)
        def refused(error: ApiError) -> Response:
            found = app.context.get("request_id", "unknown")
            self.refused(error, app.context.get("request"), found)
            return response(error.status, error.body())

        @app.exception_handler(Exception)
        def failed(error: Exception) -> Response:
            # Last resort: the caller gets a 500 with a request id, never the error's internals.
            found = app.context.get("request_id", "unknown")
            self.log.error(
                "request failed", exc_info=error, extra=fields(app.context.get("request"), found)
            )
            return response(500, _internal_error(found))

    def refused(self, error: ApiError, request: Any, request_id_: str) -> None:
        self.log.warning(
            "request refused",
            extra={
                "status": error.status,
                "reason": error.message[:500],
                "field": error.field,
                **self.fields(request, request_id_),
            },
        )

    def routed(self, route: str) -> tuple[Any, str]:
        """The validated request and its id; a 404 when the path matched another route than
        API Gateway's route key."""
        request = self.app.context["request"]
        if request.route != route:
            raise ApiError(404, "route not found")
        return request, self.app.context["request_id"]

    def answered(
        self, request: Any, request_id_: str, status: int, body: dict[str, Any], **extra: Any
    ) -> Response:
        self.log.info(
            "request answered",
            extra={"status": status, **extra, **self.fields(request, request_id_)},
        )
        return response(status, body)

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        """One request: the event is validated first, then the resolver dispatches it. Nothing
        a route writes runs before every check has passed."""
        found = request_id(event, context)
        try:
            request = self.parse(event)
        except ApiError as error:
            self.refused(error, None, found)
            return json_response(error.status, error.body())
        self.app.append_context(request=request, request_id=found)
        try:
            return self.app.resolve(event, context)
        except Exception:  # an event API Gateway would not send broke the resolver itself
            self.log.exception("request failed", extra=self.fields(request, found))
            return json_response(500, _internal_error(found))


@dataclass(frozen=True)
class ApiDeps(Generic[ConfigT, StoreT]):
    """What an API's ``build`` makes: its configuration, its store and its routes."""

    config: ConfigT
    store: StoreT
    app: HttpApi


def handle(deps: Any, event: Any, context: Any = None) -> dict[str, Any]:
    """One request with its dependencies given (``deps.app`` an :class:`HttpApi`): what tests,
    the trigger runner and local callers use."""
    return deps.app.handle(event, context)


def lambda_handler(
    log: Logger, build: Callable[[Mapping[str, str]], Any]
) -> Callable[[Any, Any], dict[str, Any]]:
    """The Lambda entry point: the dependencies ``build`` makes of ``os.environ``, then one
    request, logged with the invocation's request id and cold start."""

    @logs.inject(log)
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return handle(build(os.environ), event, context)

    return handler
