"""Pure logic of the model API: who is calling, what they asked for and what to answer.

Nothing here talks to AWS; the storage side is any object with the `ModelStore` methods.
"""

import base64
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from shared import http
from shared.http import JSON_HEADERS, ApiError, json_response  # noqa: F401 (the API's names)

ROUTE_LIST = "GET /models"
ROUTE_DOWNLOAD = "GET /models/{model_id}/download"
ROUTES = (ROUTE_LIST, ROUTE_DOWNLOAD)

MAX_MODEL_ID_LENGTH = 200
MAX_SEGMENT_LENGTH = 512


@dataclass(frozen=True)
class Request:
    route: str
    caller: str
    model_id: str | None = None


class ModelStore(Protocol):
    def models_of(self, owner: str) -> list[dict[str, Any]]: ...

    def get_model(self, model_id: str) -> dict[str, Any] | None: ...

    def artifact_exists(self, key: str) -> bool: ...

    def presign(self, key: str, expires_in: int) -> str: ...


def _is_safe_segment(value: str, max_length: int) -> bool:
    """True when `value` can be one path segment of an S3 key without changing its meaning."""
    return (
        0 < len(value) <= max_length
        and value.strip() == value
        and not value.startswith(".")
        and "/" not in value
        and "\\" not in value
        and not any(unicodedata.category(ch).startswith("C") for ch in value)
    )


def caller_from_claims(claims: Any) -> str:
    """The Cognito user name of the caller, from the JWT authorizer's claims.

    An ID token carries it as `cognito:username`; a Cognito access token as `username`.
    """
    username = http.username_claim(claims)
    if not isinstance(username, str) or not _is_safe_segment(username, 128):
        raise ApiError(401, http.UNAUTHORIZED)
    return username


def validate_model_id(raw: Any) -> str:
    """The model id of a download request, or a 400 when it cannot name any model."""
    if not isinstance(raw, str) or not raw:
        raise ApiError(400, "model_id is required")
    if len(raw) > MAX_MODEL_ID_LENGTH:
        raise ApiError(400, f"model_id must be at most {MAX_MODEL_ID_LENGTH} characters")
    if not _is_safe_segment(raw, MAX_MODEL_ID_LENGTH):
        raise ApiError(
            400,
            "model_id must not contain '/', '\\', control characters, surrounding spaces"
            " or start with '.'",
        )
    return raw


def parse_request(event: Any) -> Request:
    """Validate an HTTP API payload-2.0 event and extract the route, caller and model id."""
    route = http.route_key(event, ROUTES)
    caller = caller_from_claims(http.claims(event))
    if route == ROUTE_LIST:
        return Request(route=route, caller=caller)
    path_parameters = event.get("pathParameters")
    raw_id = path_parameters.get("model_id") if isinstance(path_parameters, dict) else None
    return Request(route=route, caller=caller, model_id=validate_model_id(raw_id))


def to_json_value(value: Any) -> Any:
    """DynamoDB's Python types as JSON-ready values: Decimal becomes int or float, sets lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((to_json_value(v) for v in value), key=lambda v: (str(type(v)), v))
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "value") and isinstance(value.value, bytes | bytearray):  # boto3 Binary
        return base64.b64encode(bytes(value.value)).decode("ascii")
    return value


def newest_first(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Models ordered by `date_submitted` (YYYYMMDD) descending; undated last; ties by id."""

    def key(model: dict[str, Any]) -> tuple[str, str]:
        return (str(model.get("date_submitted") or ""), str(model.get("model_id") or ""))

    return sorted(models, key=key, reverse=True)


def artifact_key(model: dict[str, Any]) -> str | None:
    """`<owner_name>/<model_id>-<version>.pkl`, or None when a part is absent or unsafe.

    That is the key the orchestration node uploads a trained model to (SCHEMAS.md). The owner is
    a key segment of its own, so no item can name another owner's object; within one owner,
    model `a` version `b-c` and model `a-b` version `c` share a key, as they do in the node.
    """
    parts = [model.get("owner_name"), model.get("model_id"), model.get("version")]
    text_parts: list[str] = []
    for part in parts:
        if isinstance(part, Decimal | int) and not isinstance(part, bool):
            part = str(to_json_value(part))
        if not isinstance(part, str) or not _is_safe_segment(part, MAX_SEGMENT_LENGTH):
            return None
        text_parts.append(part)
    owner, model_id, version = text_parts
    return f"{owner}/{model_id}-{version}.pkl"


def list_models(store: ModelStore, caller: str) -> dict[str, Any]:
    """The caller's models, newest first, as JSON-ready items."""
    models = [to_json_value(item) for item in store.models_of(caller)]
    return {"models": newest_first(models)}


def download(store: ModelStore, caller: str, model_id: str, expires_in: int) -> dict[str, Any]:
    """A presigned GET URL for the model's artifact, only for its owner and only if it exists."""
    model = store.get_model(model_id)
    if model is None:
        raise ApiError(404, "model not found")
    if model.get("owner_name") != caller:
        raise ApiError(403, "you do not own this model")
    key = artifact_key(model)
    if key is None or not store.artifact_exists(key):
        raise ApiError(404, "no trained artifact for this model yet")
    return {"url": store.presign(key, expires_in), "expires_in": expires_in}
