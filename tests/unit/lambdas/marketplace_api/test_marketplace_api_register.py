"""POST /datasets end to end on mocked AWS: HTTP API v2 events in, JSON answers and items out.

Every refusal is checked twice: its status (and the field it names), and that both tables are
exactly as they were (``aws.snapshot()``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.dataset import parse_item

EVENTS = Path(__file__).parent / "events"


def website_body() -> dict:
    """What the register form sends (the body of events/register_dataset.json)."""
    return json.loads(json.loads((EVENTS / "register_dataset.json").read_text())["body"])


def _without(body: dict, *names: str) -> dict:
    return {k: v for k, v in body.items() if k not in names}


# -- the website's registration ----------------------------------------------------------------


def test_the_register_form_stores_the_item_with_server_fields_from_the_token(aws, invoke, events):
    # GIVEN alice's register form, as the website sends it
    # WHEN she registers
    status, body = invoke(events.register())

    # THEN 201 with the stored item: her fields, and the ones only the server sets
    assert status == 201, body
    stored = aws.dataset("Sleep Tracker")
    assert stored is not None
    assert body == {
        **website_body(),
        "owner_username": "alice",
        "app": "placeholder",
        "placeholder": "placeholder",
        "numPurchases": 0,
        "hasNode": False,
        "properlySetUp": False,
    }
    # AND the table holds it in the website's shape: numbers as N, bounds as strings, BOOL flags
    assert stored["owner_username"] == {"S": "alice"}
    assert stored["numPurchases"] == {"N": "0"}
    assert stored["hasNode"] == {"BOOL": False}
    assert stored["properlySetUp"] == {"BOOL": False}
    assert stored["attributeRangeMins"] == {"L": [{"S": v} for v in ["0", "0", "1", "600"]]}
    assert "num_devices" not in stored


def test_the_stored_item_is_one_the_sample_generator_accepts(aws, invoke, events):
    # GIVEN a registration with every column type
    form = {
        **website_body(),
        "attributes": ["bmi", "city", "smoker"],
        "attributeTypes": ["N", "S", "B"],
        "attributeRangeMins": ["39.9"],
        "attributeRangeMaxes": ["40"],
        "attributeDescriptions": ["", "", ""],
        "predictable_attributes": ["bmi"],
    }
    # WHEN it is registered
    status, _ = invoke(events.register(form))
    # THEN the item as the stream carries it (DynamoDB JSON) parses into its columns
    assert status == 201
    spec = parse_item(aws.dataset("Sleep Tracker"))
    assert [(c.name, c.kind) for c in spec.columns] == [
        ("bmi", "N"),
        ("city", "S"),
        ("smoker", "B"),
    ]
    assert spec.num_devices is None


def test_optional_form_fields_may_be_left_out(aws, invoke, events):
    # GIVEN a body with only the required fields (no numeric attribute, so no bounds)
    form = {
        "dataset_id": "Words",
        "category": "Other",
        "appURL": "https://apps.apple.com/app/id1",
        "attributes": ["w"],
        "attributeTypes": ["S"],
    }
    status, body = invoke(events.register(form))
    assert status == 201, body
    assert body["attributeRangeMins"] == []
    assert body["attributeRangeMaxes"] == []
    assert "logo_image_url" not in body
    assert "attributeDescriptions" not in body


def test_a_base64_body_as_api_gateway_sends_it_is_decoded(aws, invoke, events):
    # GIVEN the form's body base64-encoded (isBase64Encoded true)
    # WHEN it arrives
    status, body = invoke(events.register(base64_encoded=True))
    # THEN it registers like the plain one
    assert status == 201, body
    assert aws.dataset("Sleep Tracker")["owner_username"] == {"S": "alice"}


def test_unicode_names_are_kept(aws, invoke, events):
    form = {**website_body(), "dataset_id": "Café Santé 2", "category": "Médical"}
    status, body = invoke(events.register(form, base64_encoded=True))
    assert status == 201, body
    assert aws.dataset("Café Santé 2")["category"] == {"S": "Médical"}


# -- the caller --------------------------------------------------------------------------------


def test_no_claims_is_unauthorized_and_writes_nothing(aws, invoke, events):
    before = aws.snapshot()
    status, body = invoke(events.load("register_dataset_no_claims"))
    assert status == 401
    assert set(body) == {"message"}
    assert aws.snapshot() == before


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "6c3f2a1e", "token_use": "id"},
        {"cognito:username": "", "token_use": "id"},
        {"cognito:username": " alice", "token_use": "id"},
        {"cognito:username": "a/b", "token_use": "id"},
        {"cognito:username": "line\nbreak", "token_use": "id"},
        {"cognito:username": ["alice"], "token_use": "id"},
        {"username": "alice", "token_use": "id"},
        {"cognito:username": "alice", "email": "not an email"},
        "not-a-map",
        None,
    ],
)
def test_malformed_claims_are_unauthorized_and_write_nothing(aws, invoke, events, claims):
    event = events.register()
    event["requestContext"]["authorizer"]["jwt"]["claims"] = claims
    before = aws.snapshot()
    status, _ = invoke(event)
    assert status == 401
    assert aws.snapshot() == before


def test_an_access_token_registers_as_its_username(aws, invoke, events):
    # GIVEN a Cognito access token (username, no cognito:username, no email)
    event = events.register()
    event["requestContext"]["authorizer"]["jwt"]["claims"] = {
        "client_id": "4h5j6k7l8m9n0p1q2r3s4t5u6v",
        "token_use": "access",
        "username": "dave",
    }
    status, body = invoke(event)
    assert status == 201, body
    assert body["owner_username"] == "dave"


def test_the_owner_is_the_token_never_the_body(aws, invoke, events):
    # GIVEN mallory signs in and names alice as the owner in the body
    before = aws.snapshot()
    status, body = invoke(
        events.register(
            {**website_body(), "owner_username": "alice"}, username="mallory", email="m@example.com"
        )
    )
    # THEN the body is refused, naming the field, and nothing is stored
    assert status == 400
    assert body["field"] == "owner_username"
    assert aws.snapshot() == before
    # AND without that field her app is hers
    status, body = invoke(events.register(username="mallory", email="m@example.com"))
    assert (status, body["owner_username"]) == (201, "mallory")


# -- hostile bodies: each refused with its status and nothing written --------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner_username": "alice"}, "owner_username"),
        ({"app": "x"}, "app"),
        ({"placeholder": "x"}, "placeholder"),
        ({"numPurchases": 1000}, "numPurchases"),
        ({"hasNode": True}, "hasNode"),
        ({"properlySetUp": True}, "properlySetUp"),
        ({"nodeURL": "https://evil.example.com"}, "nodeURL"),
        ({"hasNode": True, "nodeURL": "x", "numPurchases": 9}, "hasNode"),
        ({"num_devices": 1_000_000}, "num_devices"),
        ({"api_key": "x"}, "api_key"),
        ({"datasets_purchased": ["x"]}, "datasets_purchased"),
    ],
)
def test_fields_the_form_does_not_own_are_refused(aws, invoke, events, change, field):
    before = aws.snapshot()
    status, body = invoke(events.register({**website_body(), **change}))
    assert status == 400
    assert body["field"] == field
    assert field in body["message"]
    assert aws.snapshot() == before


def test_five_thousand_extra_attributes_are_refused(aws, invoke, events):
    # GIVEN 5,000 top-level attributes of junk next to the form's fields
    junk = {f"col{i:04d}": True for i in range(5000)}
    before = aws.snapshot()
    status, body = invoke(events.register({**website_body(), **junk}))
    assert status == 400
    assert body["field"] == "col0000"
    assert "4995 more" in body["message"]
    assert aws.snapshot() == before


@pytest.mark.parametrize("count", [5000, 101])
def test_too_many_declared_attributes_are_refused_naming_attributes(aws, invoke, events, count):
    # GIVEN a registration declaring more columns than the limit (100)
    form = {
        **website_body(),
        "attributes": [f"c{i}" for i in range(count)],
        "attributeTypes": ["B"] * count,
        "attributeRangeMins": [],
        "attributeRangeMaxes": [],
        "attributeDescriptions": [""] * count,
    }
    before = aws.snapshot()
    status, body = invoke(events.register(form))
    assert status in (400, 413)
    assert body["field"] == "attributes"
    assert f"{count} declared, at most 100" in body["message"]
    assert aws.snapshot() == before


def test_exactly_the_attribute_limit_registers(aws, invoke, events):
    form = {
        **website_body(),
        "attributes": [f"c{i}" for i in range(100)],
        "attributeTypes": ["B"] * 100,
        "attributeRangeMins": [],
        "attributeRangeMaxes": [],
        "attributeDescriptions": [""] * 100,
    }
    status, body = invoke(events.register(form))
    assert status == 201, body
    assert len(aws.dataset("Sleep Tracker")["attributes"]["L"]) == 100


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("not json", 400),
        ("", 400),
        ("[1, 2]", 400),
        ('"a string"', 400),
        ("null", 400),
        ('{"dataset_id": "x"', 400),
        ('{"dataset_id": "a", "dataset_id": "b"}', 400),
        ('{"attributeRangeMins": [NaN]}', 400),
        ('{"attributeRangeMins": [Infinity]}', 400),
        ('{"attributeRangeMins": [-Infinity]}', 400),
        ("[" * 100_000 + "]" * 100_000, 400),
        ('{"n": ' + "9" * 5000 + "}", 400),
        ("x" * (256 * 1024 + 1), 413),
    ],
)
def test_bodies_that_are_not_one_json_object_are_refused(aws, invoke, events, raw, status):
    before = aws.snapshot()
    got, body = invoke(events.register(raw=raw))
    assert got == status
    assert isinstance(body["message"], str)
    assert aws.snapshot() == before


def test_a_missing_body_is_refused(aws, invoke, events):
    event = events.register()
    del event["body"]
    before = aws.snapshot()
    status, body = invoke(event)
    assert (status, body["message"]) == (400, "a JSON body is required")
    assert aws.snapshot() == before


@pytest.mark.parametrize("raw", ["%%%not-base64%%%", "eyJhIjo", "//79/A=="])
def test_a_broken_base64_body_is_refused(aws, invoke, events, raw):
    event = events.register()
    event["body"], event["isBase64Encoded"] = raw, True
    before = aws.snapshot()
    status, _ = invoke(event)
    assert status == 400
    assert aws.snapshot() == before


def test_an_oversized_base64_body_is_refused_before_decoding(aws, invoke, events):
    before = aws.snapshot()
    status, _ = invoke(events.register(raw="x" * (300 * 1024), base64_encoded=True))
    assert status == 413
    assert aws.snapshot() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"attributeRangeMaxes": ["120", "1", "50", "NaN"]}, "attributeRangeMaxes[3]"),
        ({"attributeRangeMins": ["Infinity", "0", "1", "600"]}, "attributeRangeMins[0]"),
        ({"attributeRangeMins": ["-inf", "0", "1", "600"]}, "attributeRangeMins[0]"),
        ({"attributeRangeMins": ["1e20", "0", "1", "600"]}, "attributeRangeMins[0]"),
        ({"attributeRangeMins": ["1e-999999999", "0", "1", "600"]}, "attributeRangeMins[0]"),
        ({"attributeRangeMins": ["ten", "0", "1", "600"]}, "attributeRangeMins[0]"),
        ({"attributeRangeMins": [0, 0, 1, 600]}, "attributeRangeMins[0]"),
        ({"attributeRangeMins": ["0"]}, "attributeRangeMins"),
        ({"attributeTypes": ["N", "N", "N", "X"]}, "attributeTypes[3]"),
        ({"attributeTypes": ["N", "N", "N"]}, "attributeTypes"),
        ({"attributes": []}, "attributes"),
        ({"attributes": "Age"}, "attributes"),
        ({"attributes": ["Age", 5, "BMI", "Steps"]}, "attributes[1]"),
        ({"attributes": {"L": [{"S": "Age"}]}}, "attributes"),
        ({"dataset_id": {"S": "Sleep Tracker"}}, "dataset_id"),
    ],
)
def test_the_generators_rule_refuses_naming_the_field(aws, invoke, events, change, field):
    before = aws.snapshot()
    status, body = invoke(events.register({**website_body(), **change}))
    assert status == 400, body
    assert body["field"] == field
    assert body["message"].startswith(field)
    assert aws.snapshot() == before


@pytest.mark.parametrize(
    "dataset_id",
    [
        "../Sleep Tracker",
        "..",
        "a/../b",
        "a\\b",
        ".hidden",
        "Sleep\u202eTracker",  # right-to-left override
        "Sleep\u200bTracker",  # zero-width space
        "Sleep\nTracker",
        "x" * 201,
        "",
        None,
        42,
        "\uff33leep Tracker",  # full-width S: looks like an S, is not one
        "Sleep Tracker ",
        " Sleep Tracker",
        "   ",
        "\ufb01tness",  # the "fi" ligature
    ],
)
def test_path_like_invisible_and_look_alike_ids_are_refused(aws, invoke, events, dataset_id):
    before = aws.snapshot()
    status, body = invoke(events.register({**website_body(), "dataset_id": dataset_id}))
    assert status == 400, body
    assert body["field"] == "dataset_id"
    assert aws.snapshot() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": ""}, "category"),
        ({"category": 7}, "category"),
        ({"category": "x" * 101}, "category"),
        ({"appURL": "javascript:alert(1)"}, "appURL"),
        ({"appURL": "http://apps.apple.com/app"}, "appURL"),
        ({"appURL": "https://apps.apple.com/a b"}, "appURL"),
        ({"logo_image_url": ["x"]}, "logo_image_url"),
        ({"attributeDescriptions": ["a"]}, "attributeDescriptions"),
        ({"attributeDescriptions": ["a", "b", "c", 4]}, "attributeDescriptions[3]"),
        ({"attributeDescriptions": ["a", "b", "c", "d" * 2049]}, "attributeDescriptions[3]"),
        ({"predictable_attributes": ["Height"]}, "predictable_attributes[0]"),
        ({"predictable_attributes": ["Age", "Age"]}, "predictable_attributes"),
    ],
)
def test_catalogue_fields_are_checked_too(aws, invoke, events, change, field):
    before = aws.snapshot()
    status, body = invoke(events.register({**website_body(), **change}))
    assert status == 400, body
    assert body["field"] == field
    assert aws.snapshot() == before


@pytest.mark.parametrize("name", ["dataset_id", "category", "appURL", "attributes"])
def test_a_missing_required_field_is_named(aws, invoke, events, name):
    before = aws.snapshot()
    status, body = invoke(events.register(_without(website_body(), name)))
    assert (status, body["field"]) == (400, name)
    assert aws.snapshot() == before


# -- an existing id ----------------------------------------------------------------------------


def test_an_existing_id_is_a_conflict_and_its_item_is_untouched(aws, invoke, events):
    # GIVEN carol's app is registered and has a node and purchases
    aws.put_dataset(
        "Sleep Tracker",
        owner="carol",
        numPurchases={"N": "7"},
        hasNode={"BOOL": True},
        nodeURL={"S": "sleep-tracker.nodes.example.com"},
    )
    before = aws.snapshot()
    # WHEN alice registers an app of the same id
    status, body = invoke(events.register())
    # THEN 409 and carol's item is exactly as it was
    assert (status, body["field"]) == (409, "dataset_id")
    assert aws.snapshot() == before


def test_the_same_registration_twice_stores_it_once(aws, invoke, events):
    first, _ = invoke(events.register())
    stored = aws.dataset("Sleep Tracker")
    second, _ = invoke(events.register({**website_body(), "category": "Gaming"}))
    assert (first, second) == (201, 409)
    assert aws.dataset("Sleep Tracker") == stored


# -- node names: no squatting -----------------------------------------------------------------


@pytest.mark.parametrize(
    "dataset_id",
    ["sleep-tracker", "SLEEP TRACKER", "Sleep  Tracker!", "sleep_tracker", "-Sleep-Tracker-"],
)
def test_an_id_slugging_to_a_running_nodes_name_is_refused(aws, invoke, events, dataset_id):
    # GIVEN the node of "Sleep Tracker" runs (its service is pygrid-sleep-tracker)
    aws.put_dataset("Sleep Tracker", hasNode={"BOOL": True})
    aws.start_node("sleep-tracker")
    before = aws.snapshot()
    # WHEN someone registers an id with the same slug
    status, body = invoke(events.register({**website_body(), "dataset_id": dataset_id}))
    # THEN 409 naming the node's name, and nothing stored
    assert status == 409, body
    assert body["field"] == "dataset_id"
    assert "'sleep-tracker'" in body["message"]
    assert aws.snapshot() == before


def test_a_stopped_nodes_name_is_free_again(aws, invoke, events):
    aws.start_node("sleep-tracker")
    aws.stop_node("sleep-tracker")
    status, _ = invoke(events.register({**website_body(), "dataset_id": "sleep-tracker"}))
    assert status == 201


def test_another_nodes_name_does_not_block(aws, invoke, events):
    aws.start_node("step-counter")
    status, _ = invoke(events.register())
    assert status == 201


# -- apps per owner ---------------------------------------------------------------------------


def test_the_twentieth_app_registers_and_the_twenty_first_does_not(aws, invoke, events):
    # GIVEN alice owns 19 apps, and bob owns 30
    for index in range(19):
        aws.put_dataset(f"alice-{index}", owner="alice")
    for index in range(30):
        aws.put_dataset(f"bob-{index}", owner="bob")
    # WHEN she registers her 20th THEN it is stored
    status, _ = invoke(events.register({**website_body(), "dataset_id": "App 20"}))
    assert status == 201
    # WHEN she registers a 21st THEN 403 naming the limit, and nothing is stored
    before = aws.snapshot()
    status, body = invoke(events.register({**website_body(), "dataset_id": "App 21"}))
    assert status == 403
    assert "limit is 20" in body["message"]
    assert aws.snapshot() == before


def test_the_per_owner_limit_comes_from_the_environment(aws, invoke, events, environment):
    aws.put_dataset("one", owner="alice")
    limited = {**environment, "MAX_APPS_PER_OWNER": "1"}
    status, _ = invoke(events.register(), env=limited)
    assert status == 403
    assert aws.dataset("Sleep Tracker") is None


# -- sample size ------------------------------------------------------------------------------


def test_a_registration_whose_smallest_sample_does_not_fit_is_refused(
    aws, invoke, events, environment
):
    # GIVEN a sample limit that holds the header and one row of this form exactly
    form = {
        **website_body(),
        "attributes": ["ab"],
        "attributeTypes": ["B"],
        "attributeRangeMins": [],
        "attributeRangeMaxes": [],
        "attributeDescriptions": [""],
    }
    smallest = len("ab\r\n") + len("0\r\n")
    # WHEN the limit is one byte less THEN the registration is refused, naming attributes
    before = aws.snapshot()
    status, body = invoke(
        events.register(form), env={**environment, "MAX_SAMPLE_BYTES": str(smallest - 1)}
    )
    assert (status, body["field"]) == (400, "attributes")
    assert aws.snapshot() == before
    # AND at exactly the limit it registers
    status, _ = invoke(
        events.register(form), env={**environment, "MAX_SAMPLE_BYTES": str(smallest)}
    )
    assert status == 201


def test_a_backend_failure_is_a_500_with_the_request_id_and_nothing_else(aws, invoke, events):
    aws.dynamodb.delete_table(TableName="local-dataset_table")
    status, body = invoke(events.register())
    assert status == 500
    assert body == {
        "message": "internal error",
        "request_id": "c0ffee00-1111-2222-3333-444455556666",
    }


def test_an_unknown_route_or_path_is_not_found(aws, invoke, events):
    event = events.register()
    event["routeKey"] = "DELETE /datasets/{dataset_id}"
    assert invoke(event)[0] == 404
    event = events.register()
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/datasets/x/purchase"
    before = aws.snapshot()
    assert invoke(event) == (404, {"message": "route not found"})
    assert aws.snapshot() == before


@pytest.mark.parametrize(
    "event", [{}, {"version": "1.0", "httpMethod": "POST"}, {"Records": []}, []]
)
def test_events_that_are_not_http_api_v2_are_refused(aws, invoke, event):
    status, body = invoke(event)
    assert status == 400
    assert "2.0" in body["message"]


def test_the_answer_is_the_json_of_the_stored_item(aws, invoke, events):
    status, body = invoke(events.register())
    assert status == 201
    assert json.loads(json.dumps(body)) == body
