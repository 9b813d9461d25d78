"""What both HTTP APIs (registration, model) share and that needs no Powertools: the refusal
type, JSON responses, the request id and the caller's claims of an HTTP API payload-2.0 event.

The Powertools side (resolver, exception handlers) is in :mod:`shared.api`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

JSON_HEADERS = {"content-type": "application/json", "cache-control": "no-store"}
UNAUTHORIZED = "missing or malformed authorization claims"


class ApiError(Exception):
    """A refusal the caller may see: an HTTP status, a short message without internals and,
    where one field is at fault, its name."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field

    def body(self) -> dict[str, Any]:
        return {"message": self.message, **({"field": self.field} if self.field else {})}


def json_text(body: dict[str, Any]) -> str:
    """The compact, key-sorted JSON every answer carries."""
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def json_response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) response with a JSON body."""
    return {"statusCode": status, "headers": dict(JSON_HEADERS), "body": json_text(body)}


def request_id(event: Any, context: Any) -> str:
    """The Lambda request id, else API Gateway's (local callers pass no real context)."""
    found = getattr(context, "aws_request_id", None)
    if not found or found == "UNDEFINED":
        request_context = event.get("requestContext") if isinstance(event, dict) else None
        found = request_context.get("requestId") if isinstance(request_context, dict) else None
    return str(found or "unknown")


def claims(event: Mapping[str, Any]) -> Any:
    """The JWT authorizer's claims of ``event``; None where any level is missing."""
    request_context = event.get("requestContext")
    authorizer = request_context.get("authorizer") if isinstance(request_context, Mapping) else None
    jwt = authorizer.get("jwt") if isinstance(authorizer, Mapping) else None
    return jwt.get("claims") if isinstance(jwt, Mapping) else None


def username_claim(found: Any) -> Any:
    """The caller's Cognito user name as the claims hold it (not yet validated): an ID token's
    ``cognito:username``, or an access token's ``username``. A 401 when there are no claims."""
    if not isinstance(found, Mapping):
        raise ApiError(401, UNAUTHORIZED)
    username = found.get("cognito:username")
    if username is None and found.get("token_use") == "access":
        username = found.get("username")
    return username


def route_key(event: Any, routes: tuple[str, ...]) -> str:
    """The route of a payload-2.0 event: a 400 for any other event, a 404 for another route."""
    if not isinstance(event, Mapping) or event.get("version") != "2.0":
        raise ApiError(400, "unsupported event: expected an HTTP API payload version 2.0 event")
    route = event.get("routeKey")
    if route not in routes:
        raise ApiError(404, "route not found")
    return route
