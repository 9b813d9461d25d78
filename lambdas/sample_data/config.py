"""The function's configuration, read and validated once from its environment variables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_SAMPLE_ROWS = 1000
# 1M rows of ten columns is about 50 MB of CSV: a few seconds of generation and upload.
DEFAULT_MAX_SAMPLE_ROWS = 1_000_000

_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class ConfigError(RuntimeError):
    """An environment variable is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Config:
    dataset_table: str
    sample_data_bucket: str
    default_sample_rows: int = DEFAULT_SAMPLE_ROWS
    max_sample_rows: int = DEFAULT_MAX_SAMPLE_ROWS


def from_environ(environ: Mapping[str, str]) -> Config:
    return Config(
        dataset_table=_required(environ, "DATASET_TABLE", _TABLE_NAME),
        sample_data_bucket=_required(environ, "SAMPLE_DATA_BUCKET", _BUCKET_NAME),
        default_sample_rows=_count(environ, "DEFAULT_SAMPLE_ROWS", DEFAULT_SAMPLE_ROWS, minimum=0),
        max_sample_rows=_count(environ, "MAX_SAMPLE_ROWS", DEFAULT_MAX_SAMPLE_ROWS, minimum=1),
    )


def _required(environ: Mapping[str, str], name: str, pattern: re.Pattern[str]) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is required")
    if not pattern.fullmatch(value):
        raise ConfigError(f"environment variable {name} is malformed: {value!r}")
    return value


def _count(environ: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ConfigError(
            f"environment variable {name} must be a whole number >= {minimum}: {raw!r}"
        )
    return int(raw)
