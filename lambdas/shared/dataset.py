"""A dataset item (as the website writes it) turned into a validated sample specification.

The one rule for what a dataset item may declare: the sample generator (``sample_data``) applies
it to every item on the stream, and the registration API (``marketplace_api``) applies the very
same function to a registration before it stores it, so an item the API accepts always makes a
sample and the API refuses exactly what the generator would.

Pure: no AWS. Accepts the item as plain JSON or as DynamoDB JSON (``{"S": ...}`` wrappers, the
shape a stream record's ``NewImage`` has). Every problem raises :class:`InvalidDataset` naming the
offending field, so the caller can log it and report only that record.

The limits (:class:`Limits`: attributes per item, bytes per sample) are part of the rule. The size
of a sample is bounded before it is generated: each column's widest value is known from the
generator's formatting (:func:`format_value`, the bundled word list), so :func:`row_bytes` is an
upper bound of every row and :func:`rows_within` the most rows that fit a byte budget.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.words import WORDS

MAX_DATASET_ID_LENGTH = 200
# Bounds beyond this magnitude cannot be drawn exactly with double-precision arithmetic at the
# precision a decimal column needs; no real app attribute comes close.
MAX_ABS_BOUND = Decimal(10) ** 14
# Decimal columns get as many places as their most precise bound, at least MIN_PLACES (so a
# "decimal" column always looks like one) and at most MAX_PLACES (JavaScript arithmetic on the
# website can leave bounds such as 0.19999999999999998).
MIN_PLACES = 2
MAX_PLACES = 6
# A bound's own precision is used when a range is narrower than the capped grid. Beyond this many
# places a bound is not a measurement but a way to make the grid arithmetic underflow (or every
# value enormous); up to the decimal context's 28 significant digits, scaling a bound by a power
# of ten stays exact.
MAX_BOUND_PLACES = 30
MAX_BOUND_DIGITS = 28
# The largest number of distinct values a numeric column may draw from: random() * n is exact
# below 2**53, so every grid point stays reachable and the index never reaches n.
MAX_GRID = 2**53

# Limits a registration cannot run past (Terraform passes the configured ones to both functions).
DEFAULT_MAX_ATTRIBUTES = 100
DEFAULT_MAX_SAMPLE_BYTES = 100 * 1024 * 1024

TYPES = ("N", "S", "B")
LINE_END = "\r\n"
# Words are lower-case ASCII letters: one byte per character, never quoted.
_WIDEST_WORD = max(len(word.encode()) for word in WORDS)
_DYNAMODB_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"})


class InvalidDataset(ValueError):
    """The item cannot make a sample; ``field`` names the attribute at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Column:
    """One CSV column. ``kind`` is "N", "S" or "B"; numeric columns draw ``low + i`` for i in
    ``[0, size)`` scaled down by ``10 ** places`` (``places == 0``: integers)."""

    name: str
    kind: str
    low: int = 0
    size: int = 0
    places: int = 0


@dataclass(frozen=True)
class DatasetSpec:
    dataset_id: str
    columns: tuple[Column, ...]
    num_devices: int | None


@dataclass(frozen=True)
class Limits:
    """What one item may declare: at most ``max_attributes`` columns, and a sample of at most
    ``max_sample_bytes`` must hold its header and at least one row."""

    max_attributes: int = DEFAULT_MAX_ATTRIBUTES
    max_sample_bytes: int = DEFAULT_MAX_SAMPLE_BYTES

    def __post_init__(self) -> None:
        if self.max_attributes < 1 or self.max_sample_bytes < 1:
            raise ValueError("max_attributes and max_sample_bytes must be >= 1")


def is_dynamodb_json(item: Mapping[str, Any]) -> bool:
    """True when every value is a one-key ``{"<type>": value}`` wrapper (DynamoDB JSON)."""
    return bool(item) and all(
        isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in _DYNAMODB_TYPES
        for value in item.values()
    )


def deserialize(image: Mapping[str, Any]) -> dict[str, Any]:
    """DynamoDB JSON to plain values (numbers stay strings: they are parsed where needed)."""
    return {key: _deserialize_value(key, value) for key, value in image.items()}


def _deserialize_value(field: str, value: Any) -> Any:
    if not isinstance(value, Mapping) or len(value) != 1:
        raise InvalidDataset(field, "not a DynamoDB attribute value")
    ((kind, inner),) = value.items()
    if kind in ("S", "N", "B", "BOOL"):
        return inner
    if kind == "NULL":
        return None
    if kind in ("SS", "NS", "BS"):
        return list(inner)
    if kind == "L":
        if not isinstance(inner, list):
            raise InvalidDataset(field, "L is not a list")
        return [_deserialize_value(field, element) for element in inner]
    if kind == "M":
        if not isinstance(inner, Mapping):
            raise InvalidDataset(field, "M is not a map")
        return {key: _deserialize_value(f"{field}.{key}", v) for key, v in inner.items()}
    raise InvalidDataset(field, f"unknown DynamoDB type {kind!r}")


def parse_item(item: Mapping[str, Any], limits: Limits | None = None) -> DatasetSpec:
    """Validate a dataset item (plain or DynamoDB JSON) and build its sample specification.

    ``limits`` defaults to :class:`Limits` () (the platform's defaults).
    """
    limits = limits or Limits()
    if not isinstance(item, Mapping):
        raise InvalidDataset("item", "not an object")
    plain = deserialize(item) if is_dynamodb_json(item) else dict(item)

    dataset_id = validate_dataset_id(plain.get("dataset_id"))
    # Counts before contents: a hostile item with 100,000 columns is refused in O(1).
    names = _string_list(plain, "attributes", max_length=limits.max_attributes)
    if not names:
        raise InvalidDataset("attributes", "no attributes declared")
    types = _string_list(plain, "attributeTypes", expected=len(names))
    for index, kind in enumerate(types):
        if kind not in TYPES:
            raise InvalidDataset(f"attributeTypes[{index}]", f"unknown type {kind!r}")

    numeric = types.count("N")
    mins = _bound_list(plain, "attributeRangeMins", numeric)
    maxes = _bound_list(plain, "attributeRangeMaxes", numeric)

    columns: list[Column] = []
    bound_index = 0
    for name, kind in zip(names, types, strict=True):
        if kind == "N":
            columns.append(
                _numeric_column(
                    f"attributeRangeMins[{bound_index}]",
                    name,
                    mins[bound_index],
                    maxes[bound_index],
                )
            )
            bound_index += 1
        else:
            columns.append(Column(name=name, kind=kind))

    spec = DatasetSpec(
        dataset_id=dataset_id,
        columns=tuple(columns),
        num_devices=_num_devices(plain.get("num_devices")),
    )
    smallest = header_bytes(spec) + row_bytes(spec)
    if smallest > limits.max_sample_bytes:
        raise InvalidDataset(
            "attributes",
            f"the header and one row take up to {smallest} bytes, over the sample limit of"
            f" {limits.max_sample_bytes} bytes",
        )
    return spec


def validate_dataset_id(value: Any) -> str:
    """The dataset id becomes an S3 key (``<id>.csv``) and a folder entry on JupyterHub."""
    if not isinstance(value, str) or not value:
        raise InvalidDataset("dataset_id", "missing or not a string")
    if len(value) > MAX_DATASET_ID_LENGTH:
        raise InvalidDataset("dataset_id", f"longer than {MAX_DATASET_ID_LENGTH} characters")
    if value.startswith("."):
        raise InvalidDataset("dataset_id", "starts with '.'")
    if "/" in value or "\\" in value:
        raise InvalidDataset("dataset_id", "contains a path separator")
    # control characters, and invisible ones (bidi overrides, line/paragraph separators) that
    # would disguise the S3 key and the file name JupyterHub users see
    if any(unicodedata.category(char)[0] == "C" or char in "\u2028\u2029" for char in value):
        raise InvalidDataset("dataset_id", "contains a control or invisible character")
    return value


def _string_list(
    plain: Mapping[str, Any],
    field: str,
    *,
    max_length: int | None = None,
    expected: int | None = None,
) -> list[str]:
    value = plain.get(field)
    if not isinstance(value, list):
        raise InvalidDataset(field, "missing or not a list")
    if max_length is not None and len(value) > max_length:
        raise InvalidDataset(field, f"{len(value)} declared, at most {max_length} allowed")
    if expected is not None and len(value) != expected:
        raise InvalidDataset(field, f"{len(value)} entries for {expected} attributes")
    for index, element in enumerate(value):
        if not isinstance(element, str):
            raise InvalidDataset(f"{field}[{index}]", "not a string")
    return value


def _bound_list(plain: Mapping[str, Any], field: str, expected: int) -> list[Decimal]:
    value = plain.get(field, [] if expected == 0 else None)
    if not isinstance(value, list):
        raise InvalidDataset(field, "missing or not a list")
    if len(value) != expected:
        raise InvalidDataset(field, f"{len(value)} bounds for {expected} numeric attributes")
    return [_bound(f"{field}[{index}]", element) for index, element in enumerate(value)]


def _bound(field: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise InvalidDataset(field, "not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidDataset(field, f"not a number: {value!r}") from None
    if not number.is_finite():
        raise InvalidDataset(field, f"not a finite number: {value!r}")
    if abs(number) > MAX_ABS_BOUND:
        raise InvalidDataset(field, f"magnitude above {MAX_ABS_BOUND:.0e}")
    if _places(number) > MAX_BOUND_PLACES or len(number.as_tuple().digits) > MAX_BOUND_DIGITS:
        raise InvalidDataset(
            field,
            f"more than {MAX_BOUND_PLACES} decimal places or {MAX_BOUND_DIGITS} digits",
        )
    return number


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers only reach here
    return max(0, -exponent)


def _numeric_column(field: str, name: str, first: Decimal, second: Decimal) -> Column:
    low, high = min(first, second), max(first, second)
    if low == low.to_integral_value() and high == high.to_integral_value():
        return Column(name=name, kind="N", low=int(low), size=int(high) - int(low) + 1)

    exact = max(_places(low), _places(high), MIN_PLACES)
    places = min(exact, MAX_PLACES)
    grid_low, size = _grid(low, high, places)
    if size < 1:
        # Both bounds fall between two neighbouring points of the capped grid (a range narrower
        # than 10**-MAX_PLACES): draw at the bounds' own precision instead.
        places = exact
        grid_low, size = _grid(low, high, places)
    while size > MAX_GRID and places > 1:
        places -= 1
        grid_low, size = _grid(low, high, places)
    if size < 1:
        raise InvalidDataset(field, "range too narrow to draw from")
    return Column(name=name, kind="N", low=grid_low, size=size, places=places)


def _grid(low: Decimal, high: Decimal, places: int) -> tuple[int, int]:
    """First point and number of points of the ``10**-places`` grid inside [low, high]."""
    scale = Decimal(10) ** places
    grid_low = math.ceil(low * scale)
    return grid_low, math.floor(high * scale) - grid_low + 1


def _num_devices(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidDataset("num_devices", "not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidDataset("num_devices", f"not a number: {value!r}") from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise InvalidDataset("num_devices", f"not a whole number >= 0: {value!r}")
    return int(number)


def format_value(column: Column, index: int) -> str:
    """The exact string of grid point ``index`` (0-based) of a numeric column (no floats)."""
    value = column.low + index
    places = column.places
    if places == 0:
        return str(value)
    if value >= 10**places or value <= -(10**places):
        digits = str(value)
        return f"{digits[:-places]}.{digits[-places:]}"
    return ("-0." if value < 0 else "0.") + str(abs(value)).zfill(places)


def header_line(spec: DatasetSpec) -> str:
    """The CSV header line, quoted per RFC 4180 where a name needs it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=LINE_END).writerow(column.name for column in spec.columns)
    return buffer.getvalue()


def header_bytes(spec: DatasetSpec) -> int:
    return len(header_line(spec).encode())


def widest_value(column: Column) -> int:
    """Bytes of the longest value the generator can write in ``column``.

    A number's text only grows with its magnitude on either side of zero, so the widest is at
    one end of the grid; booleans are ``0``/``1``; strings are words of the bundled list.
    """
    if column.kind == "B":
        return 1
    if column.kind == "S":
        return _WIDEST_WORD
    return max(len(format_value(column, 0)), len(format_value(column, column.size - 1)))


def row_bytes(spec: DatasetSpec) -> int:
    """An upper bound of every data row's bytes: widest values, separators, line end."""
    columns = spec.columns
    return sum(widest_value(c) for c in columns) + len(columns) - 1 + len(LINE_END)


def rows_within(spec: DatasetSpec, max_bytes: int) -> int:
    """The most rows whose CSV (header included) is certain to fit in ``max_bytes``."""
    return max(0, (max_bytes - header_bytes(spec)) // row_bytes(spec))
