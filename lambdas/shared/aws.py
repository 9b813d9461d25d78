"""boto3 clients built from an explicit environment mapping, not from ``os.environ``.

The trigger runner and tests build a function's dependencies from that function's deployed
environment; reading the endpoint, region and credentials from the mapping keeps that honest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config

_CREDENTIALS = {
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "aws_session_token": "AWS_SESSION_TOKEN",
}


def client_kwargs(environ: Mapping[str, str]) -> dict[str, str]:
    """Endpoint, region and (when present) credentials taken from ``environ``."""
    kwargs: dict[str, str] = {}
    endpoint = environ.get("AWS_ENDPOINT_URL", "").strip()
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    region = environ.get("AWS_REGION", "").strip() or environ.get("AWS_DEFAULT_REGION", "").strip()
    if region:
        kwargs["region_name"] = region
    for argument, variable in _CREDENTIALS.items():
        value = environ.get(variable, "").strip()
        if value:
            kwargs[argument] = value
    return kwargs


def client(environ: Mapping[str, str], service: str, **config_kwargs: Any) -> Any:
    """A boto3 client for ``service``; ``config_kwargs`` go to botocore's ``Config``."""
    # Values taken from the mapping are passed explicitly and win over anything botocore would
    # find on its own; what the mapping lacks falls back to botocore's usual chain.
    return boto3.client(service, config=Config(**config_kwargs), **client_kwargs(environ))
