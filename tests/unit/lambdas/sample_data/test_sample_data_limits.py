"""Limits the generator holds every item to (the registration API applies the same rule):
attributes per item and bytes per sample, each tested at and just past the limit."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sample_data import config, generator
from shared import dataset
from shared.dataset import InvalidDataset, Limits, parse_item
from shared.words import WORDS

CONTEXT = SimpleNamespace(aws_request_id="req-9", function_name="artificien-test-sample_data")


def _booleans(count: int, dataset_id: str = "Flags") -> dict:
    return {
        "dataset_id": dataset_id,
        "attributes": [f"c{i}" for i in range(count)],
        "attributeTypes": ["B"] * count,
    }


def _csv_bytes(spec: dataset.DatasetSpec, rows: int) -> bytes:
    return b"".join(generator.generate_csv(spec, rows))


# -- attributes per item ------------------------------------------------------------------------


def test_the_default_attribute_limit_is_100():
    assert len(parse_item(_booleans(100)).columns) == 100
    with pytest.raises(InvalidDataset) as error:
        parse_item(_booleans(101))
    assert error.value.field == "attributes"
    assert "101 declared, at most 100" in error.value.reason


def test_a_configured_attribute_limit_is_honoured_at_and_past_it():
    limits = Limits(max_attributes=3)
    assert len(parse_item(_booleans(3), limits).columns) == 3
    with pytest.raises(InvalidDataset, match="attributes"):
        parse_item(_booleans(4), limits)


def test_a_hundred_thousand_columns_are_refused_before_their_contents_are_read():
    # GIVEN an item declaring 100,000 attributes whose types are not even strings
    item = {"dataset_id": "Huge", "attributes": ["x"] * 100_000, "attributeTypes": [None] * 100_000}
    # THEN the count is what is refused
    with pytest.raises(InvalidDataset) as error:
        parse_item(item)
    assert (error.value.field, error.value.reason) == (
        "attributes",
        "100000 declared, at most 100 allowed",
    )


# -- bytes per sample ---------------------------------------------------------------------------


def test_the_row_bound_is_exact_for_fixed_width_columns():
    # GIVEN one boolean column: header "b\r\n" (3 bytes), each row "0\r\n" or "1\r\n" (3 bytes)
    spec = parse_item({"dataset_id": "B", "attributes": ["b"], "attributeTypes": ["B"]})
    assert (dataset.header_bytes(spec), dataset.row_bytes(spec)) == (3, 3)
    # WHEN the sample may hold 33 bytes THEN 10 rows fit, and the file is exactly 33 bytes
    assert dataset.rows_within(spec, 33) == 10
    assert len(_csv_bytes(spec, 10)) == 33
    # AND one byte less fits one row less
    assert dataset.rows_within(spec, 32) == 9


@pytest.mark.parametrize(
    ("bounds", "widest"),
    [
        (("0", "9"), 1),
        (("-5", "100"), 3),
        (("-500", "10"), 4),
        (("-5.25", "5.25"), 5),
        (("0.19999999999999998", "0.3"), 8),
        (("-99999999999999", "99999999999999"), 15),
    ],
)
def test_the_widest_number_is_at_one_end_of_its_range(bounds, widest):
    spec = parse_item(
        {
            "dataset_id": "W",
            "attributes": ["n"],
            "attributeTypes": ["N"],
            "attributeRangeMins": [bounds[0]],
            "attributeRangeMaxes": [bounds[1]],
        }
    )
    column = spec.columns[0]
    assert dataset.widest_value(column) == widest
    values = [generator.format_value(column, i) for i in range(min(column.size, 5000))]
    assert max(len(v) for v in values) <= widest


def test_the_widest_word_is_the_word_lists():
    spec = parse_item({"dataset_id": "S", "attributes": ["s"], "attributeTypes": ["S"]})
    assert dataset.widest_value(spec.columns[0]) == max(len(w) for w in WORDS)


column_kinds = st.lists(
    st.one_of(
        st.just(("B", None)),
        st.just(("S", None)),
        st.tuples(st.just("N"), st.tuples(st.integers(-(10**6), 10**6), st.integers(0, 10**6))),
        st.tuples(
            st.just("N"),
            st.tuples(
                st.decimals(-1000, 1000, places=3, allow_nan=False),
                st.decimals(-1000, 1000, places=1, allow_nan=False),
            ),
        ),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(column_kinds, st.integers(0, 4000), st.integers(0, 300))
def test_a_sample_never_exceeds_its_byte_budget(kinds, budget, rows):
    # GIVEN any mix of columns and a byte budget
    item = {
        "dataset_id": "Any",
        "attributes": [f"a{i}" for i in range(len(kinds))],
        "attributeTypes": [kind for kind, _ in kinds],
        "attributeRangeMins": [str(b[0]) for kind, b in kinds if kind == "N"],
        "attributeRangeMaxes": [str(b[1]) for kind, b in kinds if kind == "N"],
    }
    spec = parse_item(item)
    # WHEN the generator plans its rows for that budget and writes them
    planned = generator.row_count(spec, rows, 10**6, budget)
    data = _csv_bytes(spec, planned)
    # THEN the file fits (or only the header would not), and every row is within the bound
    if planned:
        assert len(data) <= budget
    lines = data.split(b"\r\n")[1:-1]
    assert all(len(line) + 2 <= dataset.row_bytes(spec) for line in lines)
    assert planned == min(
        rows, max(0, (budget - dataset.header_bytes(spec)) // dataset.row_bytes(spec))
    )


def test_an_item_whose_header_and_one_row_cannot_fit_is_refused():
    spec = parse_item({"dataset_id": "B", "attributes": ["b"], "attributeTypes": ["B"]})
    smallest = dataset.header_bytes(spec) + dataset.row_bytes(spec)
    assert parse_item(
        {"dataset_id": "B", "attributes": ["b"], "attributeTypes": ["B"]},
        Limits(max_sample_bytes=smallest),
    )
    with pytest.raises(InvalidDataset) as error:
        parse_item(
            {"dataset_id": "B", "attributes": ["b"], "attributeTypes": ["B"]},
            Limits(max_sample_bytes=smallest - 1),
        )
    assert error.value.field == "attributes"


def test_num_devices_is_honoured_only_within_the_byte_limit():
    # GIVEN a million devices declared, a 4-byte header ("c0") and 3-byte rows
    spec = parse_item({**_booleans(1), "num_devices": 1_000_000})
    assert (dataset.header_bytes(spec), dataset.row_bytes(spec)) == (4, 3)
    exact = 4 + 3 * 1_000_000
    # THEN at the limit every device gets a row, and one byte past it rows are reduced to fit
    assert generator.plan_rows(spec, 1000, 10**7, exact) == generator.RowPlan(
        wanted=1_000_000, rows=1_000_000, limited_by=None
    )
    assert generator.plan_rows(spec, 1000, 10**7, exact - 1) == generator.RowPlan(
        wanted=1_000_000, rows=999_999, limited_by="max_sample_bytes"
    )
    assert generator.plan_rows(spec, 1000, 500, 10**9).limited_by == "max_sample_rows"


def test_the_default_limit_caps_a_hostile_item_at_100_mib():
    # GIVEN the hostile item: many boolean columns and num_devices = 1,000,000
    spec = parse_item({**_booleans(100), "num_devices": 1_000_000})
    plan = generator.plan_rows(spec, 1000, 10**7)
    # THEN the planned file is at most 100 MiB
    assert plan.limited_by == "max_sample_bytes"
    assert dataset.header_bytes(spec) + plan.rows * dataset.row_bytes(spec) <= 100 * 1024 * 1024


# -- the function ------------------------------------------------------------------------------


def test_the_configured_limits_come_from_the_environment(env):
    loaded = config.from_environ({**env, "MAX_ATTRIBUTES": "7", "MAX_SAMPLE_BYTES": "2048"})
    assert loaded.limits == Limits(max_attributes=7, max_sample_bytes=2048)
    defaults = config.from_environ(env)
    assert defaults.limits == Limits(max_attributes=100, max_sample_bytes=100 * 1024 * 1024)


@pytest.mark.parametrize(("name", "value"), [("MAX_ATTRIBUTES", "0"), ("MAX_SAMPLE_BYTES", "x")])
def test_a_bad_limit_fails_the_build_naming_it(env, name, value):
    with pytest.raises(config.ConfigError, match=name):
        config.from_environ({**env, name: value})


def _image(insert_event: dict) -> dict:
    return insert_event["Records"][0]["dynamodb"]["NewImage"]


def test_a_sample_past_the_byte_limit_gets_fewer_rows_and_a_log_line(
    handler_module, deps, bucket, insert_event, capsys
):
    # GIVEN the website's item (bmi 2, city <= 8, steps <= 5, smoker 1 bytes: rows <= 20 bytes)
    # and a limit of the header plus exactly 100 such rows
    spec = parse_item(_image(insert_event))
    limit = dataset.header_bytes(spec) + 100 * dataset.row_bytes(spec)
    limited = replace(deps, config=replace(deps.config, max_sample_bytes=limit))
    # WHEN the record is handled
    assert handler_module.handle(limited, insert_event, CONTEXT) == {"batchItemFailures": []}
    # THEN the sample has 100 rows instead of 1000, within the limit
    body = bucket.body("Health Tracker.csv")
    assert len(body) <= limit
    assert len(list(csv.reader(io.StringIO(body.decode(), newline="")))) == 1 + 100
    # AND a log line says why
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (reduced,) = [line for line in lines if line["message"] == "sample rows reduced"]
    assert reduced["level"] == "WARNING"
    assert (reduced["wanted_rows"], reduced["rows"], reduced["limited_by"]) == (
        1000,
        100,
        "max_sample_bytes",
    )
    assert reduced["dataset_id"] == "Health Tracker"


def test_one_byte_less_is_one_row_less(handler_module, deps, bucket, insert_event):
    spec = parse_item(_image(insert_event))
    limit = dataset.header_bytes(spec) + 100 * dataset.row_bytes(spec) - 1
    limited = replace(deps, config=replace(deps.config, max_sample_bytes=limit))
    handler_module.handle(limited, insert_event, CONTEXT)
    body = bucket.body("Health Tracker.csv")
    assert len(list(csv.reader(io.StringIO(body.decode(), newline="")))) == 1 + 99


def test_an_item_over_the_attribute_limit_is_a_failure_and_writes_nothing(
    handler_module, deps, bucket, insert_event
):
    # GIVEN an operator wrote the 4-attribute item directly, and the limit is 3
    limited = replace(deps, config=replace(deps.config, max_attributes=3))
    # WHEN the record is handled THEN it alone fails, and no sample is written
    response = handler_module.handle(limited, insert_event, CONTEXT)
    sequence = insert_event["Records"][0]["dynamodb"]["SequenceNumber"]
    assert response == {"batchItemFailures": [{"itemIdentifier": sequence}]}
    assert bucket.keys() == []


def test_at_the_attribute_limit_the_sample_is_written(handler_module, deps, bucket, insert_event):
    limited = replace(deps, config=replace(deps.config, max_attributes=4))
    assert handler_module.handle(limited, insert_event, CONTEXT) == {"batchItemFailures": []}
    assert bucket.keys() == ["Health Tracker.csv"]
