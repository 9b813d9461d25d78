"""The function's configuration, read and validated once from its environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared.config import (
    BUCKET_NAME,
    TABLE_NAME,
    ConfigError,
    WithLimits,
    limit_values,
    optional_int,
    required,
)
from shared.dataset import DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_SAMPLE_BYTES

__all__ = [
    "DEFAULT_MAX_ATTRIBUTES",
    "DEFAULT_MAX_SAMPLE_BYTES",
    "DEFAULT_MAX_SAMPLE_ROWS",
    "DEFAULT_SAMPLE_ROWS",
    "Config",
    "ConfigError",
    "from_environ",
]

DEFAULT_SAMPLE_ROWS = 1000
# 1M rows of ten columns is about 50 MB of CSV: a few seconds of generation and upload.
DEFAULT_MAX_SAMPLE_ROWS = 1_000_000


@dataclass(frozen=True)
class Config(WithLimits):
    """The table whose stream feeds the function, the bucket it writes to, row counts and the
    limits every item is held to (the registration API applies the same ones)."""

    dataset_table: str
    sample_data_bucket: str
    default_sample_rows: int  # when an item has no num_devices
    max_sample_rows: int
    max_attributes: int = DEFAULT_MAX_ATTRIBUTES
    max_sample_bytes: int = DEFAULT_MAX_SAMPLE_BYTES


def from_environ(environ: Mapping[str, str]) -> Config:
    return Config(
        dataset_table=required(environ, "DATASET_TABLE", TABLE_NAME),
        sample_data_bucket=required(environ, "SAMPLE_DATA_BUCKET", BUCKET_NAME),
        default_sample_rows=optional_int(environ, "DEFAULT_SAMPLE_ROWS", DEFAULT_SAMPLE_ROWS),
        max_sample_rows=optional_int(
            environ, "MAX_SAMPLE_ROWS", DEFAULT_MAX_SAMPLE_ROWS, minimum=1
        ),
        **limit_values(environ),
    )
