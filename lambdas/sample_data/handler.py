"""Lambda entry point on the dataset table's stream: ``sample_data.handler.handler``."""

from __future__ import annotations

import os
from typing import Any

import boto3

from sample_data import config, records
from sample_data.log import get_logger

CONFIG = config.from_environ(os.environ)
LOGGER = get_logger()
S3 = boto3.client("s3")


def handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    request_id = getattr(context, "aws_request_id", None)
    try:
        return records.process_batch(event, CONFIG, S3)
    except records.InvalidEvent as error:
        LOGGER.error("invalid event", extra={"reason": str(error), "aws_request_id": request_id})
        raise
