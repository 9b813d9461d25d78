"""The sample CSV of a dataset, generated as a stream of byte chunks. Pure: no AWS.

Rows are built a chunk at a time, column by column: each column draws a whole chunk of values in
one list comprehension (from a precomputed table of formatted values when the column has few
distinct values), and the rows are zipped and joined at once. Memory is bounded by the chunk size
whatever the number of rows, and the same (spec, rows, seed) always yields the same bytes: each
column has its own ``random.Random`` seeded with the string ``"<seed>:<column index>"``, which
Python hashes with SHA-512 (stable across processes and versions, unlike ``hash()``), so the
bytes do not depend on the chunk size either.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from math import floor

from shared.dataset import (
    DEFAULT_MAX_SAMPLE_BYTES,
    LINE_END,
    Column,
    DatasetSpec,
    format_value,
    header_line,
    rows_within,
)
from shared.words import WORDS

__all__ = [
    "CHUNK_MULTIPLE",
    "CHUNK_ROWS",
    "LINE_END",
    "TABLE_LIMIT",
    "RowPlan",
    "format_value",
    "generate_csv",
    "header",
    "plan_rows",
    "row_count",
    "write_csv",
]

CHUNK_ROWS = 4096
# Chunks are a multiple of this many rows so that block draws (random bytes for booleans) consume
# each column's generator the same way whatever the chunk size: see generate_csv.
CHUNK_MULTIPLE = 32
# Columns with at most this many distinct values draw from a table of preformatted strings,
# when the sample draws at least as many values as the table holds (building it formats every
# value once: for the default 1,000 rows a 65,536-entry table cost 65 times the formatting it
# saved). Either way a value is the same string, drawn by the same single call of the RNG.
TABLE_LIMIT = 1 << 16
# Random byte -> "0"/"1" (its lowest bit), applied to a whole chunk at once.
_BOOLEAN_BYTES = bytes(ord("0") + (value & 1) for value in range(256))


@dataclass(frozen=True)
class RowPlan:
    """How many rows a sample gets and what bounded it."""

    wanted: int  # num_devices, or the default when the item has none
    rows: int  # what is written
    limited_by: str | None  # "max_sample_rows", "max_sample_bytes", or None (all wanted rows)


def plan_rows(
    spec: DatasetSpec,
    default_rows: int,
    max_rows: int,
    max_bytes: int = DEFAULT_MAX_SAMPLE_BYTES,
) -> RowPlan:
    """``num_devices`` rows (``default_rows`` when the item has none), at most ``max_rows`` and
    at most what fits in ``max_bytes`` by the widest value of every column."""
    wanted = max(0, default_rows if spec.num_devices is None else spec.num_devices)
    capped = min(wanted, max_rows)
    rows = min(capped, rows_within(spec, max_bytes))
    if rows == wanted:
        return RowPlan(wanted=wanted, rows=rows, limited_by=None)
    return RowPlan(
        wanted=wanted,
        rows=rows,
        limited_by="max_sample_bytes" if rows < capped else "max_sample_rows",
    )


def row_count(
    spec: DatasetSpec,
    default_rows: int,
    max_rows: int,
    max_bytes: int = DEFAULT_MAX_SAMPLE_BYTES,
) -> int:
    """The rows :func:`plan_rows` gives the sample."""
    return plan_rows(spec, default_rows, max_rows, max_bytes).rows


def header(spec: DatasetSpec) -> str:
    """The header line, quoted per RFC 4180 where a name needs it."""
    return header_line(spec)


def generate_csv(
    spec: DatasetSpec, rows: int, seed: str | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[bytes]:
    """Yield the CSV (header first) as UTF-8 chunks of at most ``chunk_rows`` rows each.

    ``seed`` defaults to the dataset id. ``chunk_rows`` must be a multiple of
    ``CHUNK_MULTIPLE``; the bytes are then the same for every chunk size.
    """
    if rows < 0:
        raise ValueError("rows must be >= 0")
    if chunk_rows < 1 or chunk_rows % CHUNK_MULTIPLE:
        raise ValueError(f"chunk_rows must be a positive multiple of {CHUNK_MULTIPLE}")
    base = spec.dataset_id if seed is None else seed
    drawers = [
        _drawer(column, random.Random(f"{base}:{index}"), rows)  # noqa: S311 - sample data
        for index, column in enumerate(spec.columns)
    ]
    yield header(spec).encode()
    remaining = rows
    while remaining:
        count = min(chunk_rows, remaining)
        columns = [draw(count) for draw in drawers]
        yield (LINE_END.join(map(",".join, zip(*columns, strict=True))) + LINE_END).encode()
        remaining -= count


def write_csv(
    spec: DatasetSpec, rows: int, stream: io.RawIOBase | io.BufferedIOBase, seed: str | None = None
) -> int:
    """Write the CSV to a binary stream; returns the number of bytes written."""
    written = 0
    for chunk in generate_csv(spec, rows, seed):
        stream.write(chunk)
        written += len(chunk)
    return written


def _drawer(column: Column, rng: random.Random, rows: int) -> Callable[[int], list[str]]:
    """A function returning ``count`` values of the column, all drawn from ``rng``; ``rows``
    values in all."""
    draw = rng.random
    if column.kind == "B":
        # One random byte per value, mapped in C: ~10x faster than a draw per value.
        return lambda count: list(rng.randbytes(count).translate(_BOOLEAN_BYTES).decode())
    if column.kind == "S":
        return _table_drawer(WORDS, draw)
    if column.size <= min(TABLE_LIMIT, rows):
        table = tuple(format_value(column, index) for index in range(column.size))
        return _table_drawer(table, draw)

    low, size, places = column.low, column.size, column.places
    if places == 0:
        return lambda count: [str(low + floor(draw() * size)) for _ in range(count)]
    limit = 10**places

    def decimals(count: int) -> list[str]:
        values = []
        append = values.append
        for value in [low + floor(draw() * size) for _ in range(count)]:
            if value >= limit or value <= -limit:
                digits = str(value)
                append(f"{digits[:-places]}.{digits[-places:]}")
            else:
                append(("-0." if value < 0 else "0.") + str(abs(value)).zfill(places))
        return values

    return decimals


def _table_drawer(table: tuple[str, ...], draw: Callable[[], float]) -> Callable[[int], list[str]]:
    size = len(table)
    return lambda count: [table[floor(draw() * size)] for _ in range(count)]
