"""A dataset item (as the website writes it) turned into a validated sample specification.

Pure: no AWS. Accepts the item as plain JSON or as DynamoDB JSON (``{"S": ...}`` wrappers, the
shape a stream record's ``NewImage`` has). Every problem raises :class:`InvalidDataset` naming the
offending field, so the caller can log it and report only that record.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_DATASET_ID_LENGTH = 200
# Bounds beyond this magnitude cannot be drawn exactly with double-precision arithmetic at the
# precision a decimal column needs; no real app attribute comes close.
MAX_ABS_BOUND = Decimal(10) ** 14
# Decimal columns get as many places as their most precise bound, at least MIN_PLACES (so a
# "decimal" column always looks like one) and at most MAX_PLACES (JavaScript arithmetic on the
# website can leave bounds such as 0.19999999999999998).
MIN_PLACES = 2
MAX_PLACES = 6
# The largest number of distinct values a numeric column may draw from: random() * n is exact
# below 2**53, so every grid point stays reachable and the index never reaches n.
MAX_GRID = 2**53

TYPES = ("N", "S", "B")
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


def parse_item(item: Mapping[str, Any]) -> DatasetSpec:
    """Validate a dataset item (plain or DynamoDB JSON) and build its sample specification."""
    if not isinstance(item, Mapping):
        raise InvalidDataset("item", "not an object")
    plain = deserialize(item) if is_dynamodb_json(item) else dict(item)

    dataset_id = validate_dataset_id(plain.get("dataset_id"))
    names = _string_list(plain, "attributes")
    if not names:
        raise InvalidDataset("attributes", "no attributes declared")
    types = _string_list(plain, "attributeTypes")
    if len(types) != len(names):
        raise InvalidDataset("attributeTypes", f"{len(types)} types for {len(names)} attributes")
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

    return DatasetSpec(
        dataset_id=dataset_id,
        columns=tuple(columns),
        num_devices=_num_devices(plain.get("num_devices")),
    )


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


def _string_list(plain: Mapping[str, Any], field: str) -> list[str]:
    value = plain.get(field)
    if not isinstance(value, list):
        raise InvalidDataset(field, "missing or not a list")
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
