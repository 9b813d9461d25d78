"""One logging style for every function: Powertools' JSON Logger."""

from __future__ import annotations

from aws_lambda_powertools import Logger


def logger(service: str) -> Logger:
    """A JSON logger for ``service``; ``inject_lambda_context`` adds request id and cold start."""
    return Logger(service=service)
