"""POST /datasets/{dataset_id}/purchase on mocked AWS: one transaction, counted once."""

from __future__ import annotations

import copy

import pytest


@pytest.fixture
def shop(aws):
    """GIVEN carol's app "Sleep Tracker" and bob's account row with the default dataset."""
    aws.put_dataset("Sleep Tracker", owner="carol", numPurchases={"N": "3"})
    aws.put_user("bob@example.com", "bob", purchased=["Artificien-Health"])
    return aws


def test_a_first_purchase_adds_the_id_and_counts_once(shop, invoke, events):
    # GIVEN bob's row as it is
    row_before = shop.user("bob@example.com")
    # WHEN bob buys the app
    status, body = invoke(events.purchase("Sleep Tracker"))
    # THEN 200, the id joined his list, the app's counter grew by one
    assert (status, body) == (
        200,
        {"dataset_id": "Sleep Tracker", "purchased": True, "first_purchase": True},
    )
    row = shop.user("bob@example.com")
    assert row["datasets_purchased"] == {"L": [{"S": "Artificien-Health"}, {"S": "Sleep Tracker"}]}
    assert shop.dataset("Sleep Tracker")["numPurchases"] == {"N": "4"}
    # AND nothing else in his row changed
    assert {k: v for k, v in row.items() if k != "datasets_purchased"} == {
        k: v for k, v in row_before.items() if k != "datasets_purchased"
    }


def test_buying_twice_keeps_one_entry_and_one_count(shop, invoke, events):
    first = invoke(events.purchase("Sleep Tracker"))
    before = shop.snapshot()
    second = invoke(events.purchase("Sleep Tracker"))
    assert first[0] == second[0] == 200
    assert (first[1]["first_purchase"], second[1]["first_purchase"]) == (True, False)
    # The second changed nothing at all.
    assert shop.snapshot() == before
    assert (
        shop.user("bob@example.com")["datasets_purchased"]["L"].count({"S": "Sleep Tracker"}) == 1
    )
    assert shop.dataset("Sleep Tracker")["numPurchases"] == {"N": "4"}


def test_a_dataset_granted_at_sign_up_is_not_counted_again(shop, invoke, events):
    shop.put_dataset("Artificien-Health", owner="artificien")
    before = shop.snapshot()
    status, body = invoke(events.purchase("Artificien-Health"))
    assert (status, body["first_purchase"]) == (200, False)
    assert shop.snapshot() == before


def test_two_buyers_count_twice(shop, invoke, events):
    shop.put_user("erin@example.com", "erin")
    invoke(events.purchase("Sleep Tracker"))
    invoke(events.purchase("Sleep Tracker", username="erin", email="erin@example.com"))
    assert shop.dataset("Sleep Tracker")["numPurchases"] == {"N": "5"}
    assert shop.user("erin@example.com")["datasets_purchased"] == {"L": [{"S": "Sleep Tracker"}]}


def test_a_row_without_a_purchase_list_gets_one(shop, invoke, events):
    shop.dynamodb.put_item(
        TableName="local-user_table",
        Item={"user_id": {"S": "old@example.com"}, "username": {"S": "old"}},
    )
    status, _ = invoke(events.purchase("Sleep Tracker", username="old", email="old@example.com"))
    assert status == 200
    assert shop.user("old@example.com")["datasets_purchased"] == {"L": [{"S": "Sleep Tracker"}]}


def test_a_dataset_without_a_counter_starts_one(shop, invoke, events):
    shop.dynamodb.put_item(
        TableName="local-dataset_table",
        Item={"dataset_id": {"S": "Bare"}, "owner_username": {"S": "carol"}},
    )
    assert invoke(events.purchase("Bare"))[0] == 200
    assert shop.dataset("Bare")["numPurchases"] == {"N": "1"}


def test_an_unknown_dataset_is_not_found_and_nothing_changes(shop, invoke, events):
    before = shop.snapshot()
    status, body = invoke(events.purchase("No Such App"))
    assert (status, body) == (404, {"message": "dataset not found"})
    assert shop.snapshot() == before


def test_a_caller_without_a_user_row_is_refused_and_no_row_is_planted(shop, invoke, events):
    before = shop.snapshot()
    status, body = invoke(events.purchase("Sleep Tracker", username="zoe", email="zoe@example.com"))
    assert status == 409
    assert "sign-up" in body["message"]
    assert shop.snapshot() == before
    assert shop.user("zoe@example.com") is None


def test_the_row_changed_is_the_callers_never_another_users(shop, invoke, events):
    # GIVEN alice's row too; bob's token
    shop.put_user("alice@example.com", "alice")
    alice_before = shop.user("alice@example.com")
    # WHEN bob buys, naming alice in every place a request could carry her
    event = events.purchase("Sleep Tracker")
    event["body"] = '{"user_id": "alice@example.com", "email": "alice@example.com"}'
    event["queryStringParameters"] = {"user_id": "alice@example.com"}
    status, _ = invoke(event)
    # THEN only bob's row changed
    assert status == 200
    assert shop.user("alice@example.com") == alice_before
    assert {"S": "Sleep Tracker"} in shop.user("bob@example.com")["datasets_purchased"]["L"]


def test_an_access_token_cannot_purchase(shop, invoke, events):
    # GIVEN an access token: a username but no email claim to find the caller's row by
    event = events.purchase("Sleep Tracker")
    event["requestContext"]["authorizer"]["jwt"]["claims"] = {
        "token_use": "access",
        "username": "bob",
        "client_id": "4h5j6k7l8m9n0p1q2r3s4t5u6v",
    }
    before = shop.snapshot()
    status, body = invoke(event)
    assert status == 401
    assert "ID token" in body["message"]
    assert shop.snapshot() == before


@pytest.mark.parametrize("verified", ["false", "", None])
def test_an_unverified_email_cannot_purchase(shop, invoke, events, verified):
    event = events.purchase("Sleep Tracker")
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    if verified is None:
        del claims["email_verified"]
    else:
        claims["email_verified"] = verified
    before = shop.snapshot()
    assert invoke(event)[0] == 403
    assert shop.snapshot() == before


def test_no_claims_is_unauthorized(shop, invoke, events):
    event = events.purchase("Sleep Tracker")
    del event["requestContext"]["authorizer"]
    before = shop.snapshot()
    assert invoke(event)[0] == 401
    assert shop.snapshot() == before


@pytest.mark.parametrize(
    "dataset_id",
    ["../Sleep Tracker", "a/b", "a\\b", ".hidden", "x" * 201, "", "tab\there", None, 7],
)
def test_a_malformed_dataset_id_is_a_bad_request(shop, invoke, events, dataset_id):
    before = shop.snapshot()
    status, body = invoke(events.purchase(dataset_id))
    assert (status, body.get("field")) == (400, "dataset_id")
    assert shop.snapshot() == before


def test_missing_path_parameters_are_a_bad_request(shop, invoke, events):
    event = events.purchase("Sleep Tracker")
    del event["pathParameters"]
    before = shop.snapshot()
    assert invoke(event)[0] == 400
    assert shop.snapshot() == before


def test_the_route_key_and_path_must_agree(shop, invoke, events):
    # GIVEN API Gateway's key says purchase, the path says register
    event = events.purchase("Sleep Tracker")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/datasets"
    before = shop.snapshot()
    assert invoke(event) == (404, {"message": "route not found"})
    assert shop.snapshot() == before


def test_a_purchase_is_repeatable_from_the_same_event(shop, invoke, events):
    # API Gateway may deliver a retried request: the same event twice counts once.
    event = events.purchase("Sleep Tracker")
    invoke(copy.deepcopy(event))
    invoke(copy.deepcopy(event))
    assert shop.dataset("Sleep Tracker")["numPurchases"] == {"N": "4"}
