"""Lambda entry point on the dataset table's stream: ``sample_data.handler.handler``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sample_data import config, records
from shared import aws, logs
from shared.build import cached, warm

LOGGER = logs.logger("sample_data")


@dataclass(frozen=True)
class Deps:
    config: config.Config
    s3: Any


@cached
def build(environ: Mapping[str, str]) -> Deps:
    """The configuration and S3 client for ``environ`` (once per distinct environment)."""
    return Deps(config=config.from_environ(environ), s3=aws.client(environ, "s3"))


def handle(deps: Deps, event: Any, context: Any = None) -> dict[str, list[dict[str, str]]]:
    """The invocation with its dependencies given: what tests and the trigger runner call."""
    try:
        return records.process_batch(event, deps.config, deps.s3, context)
    except records.InvalidEvent as error:
        LOGGER.error("invalid event", extra={"reason": str(error)})
        raise


@logs.inject(LOGGER)
def handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    return handle(build(os.environ), event, context)


warm(build)
