"""One logging style for every function: Powertools' JSON Logger.

Modules other than the handler log through the standard library (``logging.getLogger(
"<service>.<module>")``): those records propagate to the service's Powertools logger and come out
as the same JSON, with the invocation's keys, while the pure modules stay free of Powertools.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, TypeVar

from aws_lambda_powertools import Logger

R = TypeVar("R")

# What Powertools reads from the Lambda context; local callers (trigger runner, tests) pass less.
_CONTEXT_DEFAULTS = {
    "function_name": "UNDEFINED",
    "memory_limit_in_mb": 128,
    "invoked_function_arn": "UNDEFINED",
    "aws_request_id": "UNDEFINED",
}


class _Stdout:
    """Writes to whatever ``sys.stdout`` is when a line is written (CloudWatch Logs in Lambda),
    so a logger set up once keeps working when the stream is swapped (pytest's capture)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


class _LoggerName(logging.Filter):
    """Adds ``logger`` (the emitting module's logger name) to every line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.logger = record.name
        return True


def logger(service: str) -> Logger:
    """A JSON logger for ``service``; :func:`inject` adds request id and cold start."""
    log = Logger(service=service, stream=_Stdout())  # type: ignore[arg-type]
    handler = log.registered_handler
    if not any(isinstance(f, _LoggerName) for f in handler.filters):
        handler.addFilter(_LoggerName())
    return log


def complete_context(context: Any) -> Any:
    """``context`` with every attribute Powertools reads (defaults where it has none)."""
    if context is not None and all(hasattr(context, name) for name in _CONTEXT_DEFAULTS):
        return context
    values = {name: getattr(context, name, default) for name, default in _CONTEXT_DEFAULTS.items()}
    return SimpleNamespace(**values)


def inject(log: Logger) -> Callable[[Callable[[Any, Any], R]], Callable[[Any, Any], R]]:
    """Powertools' ``inject_lambda_context`` (request id, cold start, fresh keys per call),
    also for callers whose context lacks some Lambda attributes, or who pass none."""

    def decorate(handler: Callable[[Any, Any], R]) -> Callable[[Any, Any], R]:
        injected = log.inject_lambda_context(clear_state=True)(handler)

        @functools.wraps(handler)
        def entry(event: Any, context: Any) -> R:
            return injected(event, complete_context(context))

        return entry

    return decorate
