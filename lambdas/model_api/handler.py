"""Lambda entry point of the model API (API Gateway HTTP API, payload format 2.0)."""

import json
import logging
import os
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from model_api import logic
from model_api.config import load_config
from model_api.store import AwsModelStore

logger = logging.getLogger("model_api")
logger.setLevel(logging.INFO)

CONFIG = load_config(os.environ)

# SigV4 presigned URLs; AWS_ENDPOINT_URL (the local emulator) is honoured by boto3 itself.
_s3 = boto3.client("s3", config=BotoConfig(signature_version="s3v4"))
_dynamodb = boto3.client("dynamodb")
STORE = AwsModelStore(_dynamodb, _s3, CONFIG)


def _log(level: int, message: str, **context: Any) -> None:
    logger.log(level, json.dumps({"message": message, **context}, default=str, sort_keys=True))


def _request_id(event: Any, context: Any) -> str:
    request_id = getattr(context, "aws_request_id", None)
    if not request_id and isinstance(event, dict):
        request_context = event.get("requestContext")
        if isinstance(request_context, dict):
            request_id = request_context.get("requestId")
    return str(request_id or "unknown")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request_id = _request_id(event, context)
    request: logic.Request | None = None
    try:
        request = logic.parse_request(event)
        if request.route == logic.ROUTE_LIST:
            body = logic.list_models(STORE, request.caller)
        else:
            body = logic.download(STORE, request.caller, request.model_id or "", CONFIG.url_ttl)
    except logic.ApiError as error:
        _log(
            logging.WARNING,
            "request refused",
            status=error.status,
            reason=error.message,
            request_id=request_id,
            route=request.route if request else None,
            user=request.caller if request else None,
            model_id=request.model_id if request else None,
        )
        return logic.json_response(error.status, {"message": error.message})
    except Exception:  # last resort: the caller gets a 500 with a request id, no internals
        logger.exception(
            json.dumps(
                {
                    "message": "request failed",
                    "request_id": request_id,
                    "route": request.route if request else None,
                    "user": request.caller if request else None,
                    "model_id": request.model_id if request else None,
                },
                sort_keys=True,
            )
        )
        return logic.json_response(500, {"message": "internal error", "request_id": request_id})
    _log(
        logging.INFO,
        "request answered",
        status=200,
        request_id=request_id,
        route=request.route,
        user=request.caller,
        model_id=request.model_id,
        count=len(body["models"]) if "models" in body else None,
    )
    return logic.json_response(200, body)
