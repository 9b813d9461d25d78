"""Environment variables read and validated once, with errors that name the variable."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from shared.dataset import DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_SAMPLE_BYTES, Limits

TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class ConfigError(RuntimeError):
    """An environment variable is missing or malformed; the message names it."""


class _Missing:
    def __repr__(self) -> str:
        return "<required>"


_REQUIRED = _Missing()


def required(environ: Mapping[str, str], name: str, pattern: re.Pattern[str] | None = None) -> str:
    """The stripped, non-empty value of ``name``, matching ``pattern`` in full when given."""
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is required and must not be empty")
    if pattern is not None and not pattern.fullmatch(value):
        raise ConfigError(f"environment variable {name} is malformed: {value!r}")
    return value


def optional_int(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number >= ``minimum``; ``default`` when the variable is unset or blank."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ConfigError(
            f"environment variable {name} must be a whole number >= {minimum}, got {raw!r}"
        )
    return int(raw)


def json_value(environ: Mapping[str, str], name: str, default: Any = _REQUIRED) -> Any:
    """The parsed JSON value of ``name``; ``default`` when unset or blank (required without one)."""
    raw = environ.get(name, "").strip()
    if not raw:
        if default is _REQUIRED:
            raise ConfigError(f"environment variable {name} is required and must be JSON")
        return default
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"environment variable {name} is not valid JSON: {error}") from None


def limit_values(environ: Mapping[str, str]) -> dict[str, int]:
    """``max_attributes`` and ``max_sample_bytes`` (each >= 1): the limits every dataset item is
    held to, read the same way by the registration API and the sample generator."""
    return {
        "max_attributes": optional_int(
            environ, "MAX_ATTRIBUTES", DEFAULT_MAX_ATTRIBUTES, minimum=1
        ),
        "max_sample_bytes": optional_int(
            environ, "MAX_SAMPLE_BYTES", DEFAULT_MAX_SAMPLE_BYTES, minimum=1
        ),
    }


class WithLimits:
    """For a config dataclass with ``max_attributes`` and ``max_sample_bytes`` fields."""

    max_attributes: int
    max_sample_bytes: int

    @property
    def limits(self) -> Limits:
        return Limits(max_attributes=self.max_attributes, max_sample_bytes=self.max_sample_bytes)
