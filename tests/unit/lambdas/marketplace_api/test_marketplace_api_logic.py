"""The registration logic without AWS: one rule shared with the generator, and no input that
breaks it (hypothesis)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace_api import logic
from shared.dataset import InvalidDataset, Limits, parse_item

EVENTS = Path(__file__).parent / "events"
LIMITS = Limits(max_attributes=8, max_sample_bytes=4096)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def website_body() -> dict[str, Any]:
    return json.loads(json.loads((EVENTS / "register_dataset.json").read_text())["body"])


class FakeStore:
    """Records every write; answers as an empty table would."""

    def __init__(self, existing: int = 0) -> None:
        self.existing = existing
        self.writes: list[dict[str, Any]] = []

    def count_datasets_of(self, owner: str) -> int:
        return self.existing

    def put_new_dataset(self, item: dict[str, Any]) -> bool:
        self.writes.append(item)
        return True

    def purchase(self, user_id: str, dataset_id: str) -> logic.Purchase:
        raise AssertionError("not a purchase")


class NoNodes:
    def node_exists(self, slug: str) -> bool:
        return False


ALICE = logic.Caller(username="alice", email="alice@example.com", email_verified=True)

hostile_bounds = st.one_of(
    st.sampled_from(["NaN", "Infinity", "-inf", "1e20", "1e-40", "", " ", "0x10", "1,5"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**16), 10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=8),
)
good_bounds = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False).map(str),
)
hostile_types = st.sampled_from(["X", "n", "", "NS", 1, None])
hostile_ids = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["../x", ".x", "a/b", "a\\b", "x" * 201, " x", "x ", "\uff33", "\u200b"]),
    st.integers(),
)
good_ids = st.text(alphabet="abcXYZ019 -_.", min_size=1, max_size=20).filter(
    lambda text: not text.startswith(".")
)


def _mostly(good: st.SearchStrategy, hostile: st.SearchStrategy) -> st.SearchStrategy:
    """``hostile`` about one time in twelve, ``good`` otherwise."""
    return st.integers(0, 11).flatmap(lambda pick: hostile if pick == 0 else good)


@st.composite
def generator_fields(draw: st.DrawFn) -> dict[str, Any]:
    """Bodies that vary exactly the fields the generator's rule reads: mostly well-formed, with
    one hostile value here and there, so both answers are explored."""
    count = draw(st.integers(0, LIMITS.max_attributes + 1))
    names = draw(st.lists(st.text(max_size=6), min_size=count, max_size=count))
    attribute_types = [draw(_mostly(st.sampled_from("NSB"), hostile_types)) for _ in names]
    if draw(st.integers(0, 9)) == 0:
        attribute_types = attribute_types[:-1] or ["N", "N"]
    numeric = attribute_types.count("N")
    mins = [draw(_mostly(good_bounds, hostile_bounds)) for _ in range(numeric)]
    maxes = [draw(_mostly(good_bounds, hostile_bounds)) for _ in range(numeric)]
    if draw(st.integers(0, 9)) == 0:
        maxes = maxes[1:]
    body = {
        **website_body(),
        "dataset_id": draw(_mostly(good_ids, hostile_ids)),
        "attributes": names,
        "attributeTypes": attribute_types,
        "attributeRangeMins": mins,
        "attributeRangeMaxes": maxes,
    }
    body.pop("attributeDescriptions")
    return body


def _generator_refusal(body: dict[str, Any]) -> InvalidDataset | None:
    try:
        parse_item(body, LIMITS)
    except InvalidDataset as error:
        return error
    return None


def _registered(store: FakeStore, body: Any) -> dict[str, Any] | logic.ApiError:
    """The stored item, or the API's refusal."""
    try:
        return logic.register(store, NoNodes(), ALICE, body, LIMITS, 20)
    except logic.ApiError as error:
        return error


@FAST
@given(generator_fields())
def test_the_api_refuses_exactly_where_the_generator_does_naming_the_same_field(body):
    # GIVEN a body whose generator fields are anything
    store = FakeStore()
    refusal = _generator_refusal(body)
    # WHEN it is registered
    outcome = _registered(store, body)
    if refusal is not None:
        # THEN where the generator refuses, the API refuses the same way and stores nothing
        assert isinstance(outcome, logic.ApiError)
        assert (outcome.status, outcome.field, outcome.message) == (
            400,
            refusal.field,
            str(refusal),
        )
        assert store.writes == []
    elif isinstance(outcome, logic.ApiError):
        # THEN (a field only the catalogue reads) a 400, and nothing stored
        assert outcome.status == 400
        assert store.writes == []
    else:
        # THEN anything the API stores, the generator accepts
        assert store.writes == [outcome]
        assert parse_item(outcome, LIMITS).dataset_id == body["dataset_id"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
form_like = st.fixed_dictionaries(
    {},
    optional={
        name: json_values
        for name in [*logic.FORM_FIELDS, *logic.SERVER_FIELDS, "num_devices", "extra"]
    },
)


def _parsed_and_registered(store: FakeStore, event: dict[str, Any]) -> Any:
    try:
        return _registered(store, logic.parse_body(event))
    except logic.ApiError as error:
        return error


@FAST
@given(st.one_of(json_values, form_like))
def test_no_json_body_makes_anything_but_a_refusal_or_a_stored_item(value):
    # GIVEN any JSON document as the body of a registration event
    store = FakeStore()
    # WHEN it is parsed and registered
    outcome = _parsed_and_registered(store, {"body": json.dumps(value), "isBase64Encoded": False})
    if isinstance(outcome, logic.ApiError):
        # THEN a client error, and nothing stored
        assert 400 <= outcome.status < 500
        assert store.writes == []
    else:
        # THEN or exactly one item, in the generator's shape, owned by the caller
        assert store.writes == [outcome]
        assert outcome["owner_username"] == "alice"
        parse_item(outcome, LIMITS)


@FAST
@given(st.binary(max_size=64), st.booleans())
def test_no_byte_string_breaks_the_body_parser(data, encoded):
    # GIVEN any bytes, as a plain or a base64-encoded body
    raw = base64.b64encode(data).decode() if encoded else data.decode("latin-1")
    # WHEN parsed THEN a JSON object or a client error, never anything else
    try:
        parsed: Any = logic.parse_body({"body": raw, "isBase64Encoded": encoded})
    except logic.ApiError as error:
        parsed = error
    assert isinstance(parsed, dict) or parsed.status in (400, 413)


def test_server_fields_win_over_nothing_the_body_says():
    store = FakeStore()
    item = logic.register(store, NoNodes(), ALICE, website_body(), Limits(), 20)
    assert {k: item[k] for k in ("owner_username", "app", "placeholder")} == {
        "owner_username": "alice",
        "app": "placeholder",
        "placeholder": "placeholder",
    }
    assert (item["numPurchases"], item["hasNode"], item["properlySetUp"]) == (0, False, False)


def test_the_owner_limit_is_checked_before_anything_is_written():
    store = FakeStore(existing=20)
    with pytest.raises(logic.ApiError) as refused:
        logic.register(store, NoNodes(), ALICE, website_body(), Limits(), 20)
    assert refused.value.status == 403
    assert store.writes == []


def test_a_taken_node_name_is_checked_before_anything_is_written():
    class Taken:
        def node_exists(self, slug: str) -> bool:
            return slug == "sleep-tracker"

    store = FakeStore()
    with pytest.raises(logic.ApiError) as refused:
        logic.register(store, Taken(), ALICE, website_body(), Limits(), 20)
    assert (refused.value.status, refused.value.field) == (409, "dataset_id")
    assert store.writes == []


def test_the_roles_put_attributes_are_exactly_what_a_registration_stores():
    # GIVEN the attribute list the module's PutItem statement allows
    main_tf = Path(__file__).parents[4] / "modules" / "marketplace_api" / "main.tf"
    match = re.search(r"registration_attributes = \[(.*?)\]", main_tf.read_text(), re.S)
    assert match is not None
    allowed = set(re.findall(r'"([^"]+)"', match.group(1)))
    # THEN it is the logic's list, and a full registration stores nothing outside it
    assert allowed == logic.STORED_FIELDS
    full = {**website_body(), "predictable_attributes": ["Age"]}
    item = logic.register(FakeStore(), NoNodes(), ALICE, full, Limits(), 20)
    assert set(item) == allowed
