"""The trigger end to end, in-process, against a mocked user table."""

import copy
import os
import re
import threading

import pytest

from conftest import TABLE, import_handler, scan_rows

URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def test_confirm_sign_up_writes_the_account_row(handler_module, dynamodb, cognito_event, context):
    # GIVEN a user who just confirmed their sign-up
    event = cognito_event()
    sent = copy.deepcopy(event)

    # WHEN Cognito calls the trigger
    returned = handler_module.handler(event, context)

    # THEN the event comes back unchanged and the row has the website's format
    assert returned == sent
    rows = scan_rows(dynamodb)
    assert len(rows) == 1
    row = rows[0]
    api_key = row.pop("api_key")["S"]
    assert row == {
        "user_id": {"S": "ada@example.com"},
        "user_account_email": {"S": "ada@example.com"},
        "username": {"S": "ada"},
        "datasets_purchased": {"L": [{"S": "Artificien-Health"}]},
        "has_onboarded": {"S": "0"},
        "role": {"S": "0"},
    }
    assert URL_SAFE.match(api_key)
    assert len(api_key) >= 22  # >= 16 random bytes in URL-safe base64


def test_retry_keeps_the_first_api_key(handler_module, dynamodb, cognito_event, context):
    # GIVEN a confirmation that was already handled once
    handler_module.handler(cognito_event(), context)
    first_key = scan_rows(dynamodb)[0]["api_key"]["S"]

    # WHEN Cognito retries it
    returned = handler_module.handler(cognito_event(), context)

    # THEN the row and its key stay as they were
    assert returned == cognito_event()
    rows = scan_rows(dynamodb)
    assert len(rows) == 1
    assert rows[0]["api_key"]["S"] == first_key


def test_existing_account_keeps_its_progress(handler_module, dynamodb, cognito_event, context):
    # GIVEN an account that has onboarded, picked a role and bought datasets
    existing = {
        "user_id": {"S": "ada@example.com"},
        "user_account_email": {"S": "ada@example.com"},
        "username": {"S": "ada"},
        "api_key": {"S": "kept-key-0123456789abcdef"},
        "datasets_purchased": {"L": [{"S": "Artificien-Health"}, {"S": "Sleep Tracker"}]},
        "has_onboarded": {"S": "1"},
        "role": {"S": "2"},
    }
    dynamodb.put_item(TableName=TABLE, Item=existing)

    # WHEN a late retry of their confirmation arrives
    handler_module.handler(cognito_event(), context)

    # THEN nothing about the account changed
    assert scan_rows(dynamodb) == [existing]


def test_concurrent_retries_create_one_row(handler_module, dynamodb, cognito_event, context):
    # GIVEN several retries of the same confirmation arriving together
    callers = 6
    barrier = threading.Barrier(callers)
    results, errors = [], []

    def confirm() -> None:
        barrier.wait()
        try:
            results.append(handler_module.handler(cognito_event(), context))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    # WHEN they all run
    threads = [threading.Thread(target=confirm) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN every call succeeds with the event and exactly one row exists
    assert errors == []
    assert results == [cognito_event()] * callers
    rows = scan_rows(dynamodb)
    assert len(rows) == 1
    assert rows[0]["username"] == {"S": "ada"}


def test_forgot_password_confirmation_writes_nothing(
    handler_module, dynamodb, cognito_event, context
):
    # GIVEN a user confirming a password reset
    event = cognito_event("confirm_forgot_password")

    # WHEN the trigger runs
    returned = handler_module.handler(event, context)

    # THEN it returns at once without touching the table
    assert returned == cognito_event("confirm_forgot_password")
    assert scan_rows(dynamodb) == []


def test_two_users_get_different_keys(handler_module, dynamodb, cognito_event, context):
    # GIVEN two different users confirming
    handler_module.handler(cognito_event(), context)
    handler_module.handler(cognito_event(username="grace", email="grace@example.com"), context)

    # THEN each has a row with their own key
    rows = {r["user_id"]["S"]: r for r in scan_rows(dynamodb)}
    assert set(rows) == {"ada@example.com", "grace@example.com"}
    assert rows["grace@example.com"]["username"] == {"S": "grace"}
    assert rows["ada@example.com"]["api_key"] != rows["grace@example.com"]["api_key"]


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda e: e["request"]["userAttributes"].pop("email"), "email"),
        (lambda e: e["request"]["userAttributes"].update(email="  "), "email"),
        (lambda e: e["request"]["userAttributes"].update(email="not-an-address"), "email"),
        (lambda e: e.pop("userName"), "userName"),
        (lambda e: e.pop("userPoolId"), "userPoolId"),
        (lambda e: e["request"].pop("userAttributes"), "userAttributes"),
        (lambda e: e.pop("request"), "request"),
        (lambda e: e.pop("triggerSource"), "triggerSource"),
        (lambda e: e.update(triggerSource="PreSignUp_SignUp"), "triggerSource"),
    ],
)
def test_malformed_event_raises_and_writes_nothing(
    handler_module, dynamodb, cognito_event, context, mutate, named
):
    # GIVEN an event missing something the row needs
    event = cognito_event()
    mutate(event)

    # WHEN the trigger runs THEN it fails naming the field, and writes nothing
    with pytest.raises(handler_module.MalformedEventError, match=named):
        handler_module.handler(event, context)
    assert scan_rows(dynamodb) == []


def test_non_object_event_raises(handler_module, dynamodb, context):
    with pytest.raises(handler_module.MalformedEventError, match="JSON object"):
        handler_module.handler(["not", "an", "event"], context)
    assert scan_rows(dynamodb) == []


def test_default_datasets_come_from_the_environment(dynamodb, monkeypatch, cognito_event, context):
    # GIVEN a deployment granting two datasets to new users
    monkeypatch.setenv("DEFAULT_DATASETS", '["Artificien-Health", "Sleep Tracker"]')
    handler_module = import_handler()

    # WHEN a user confirms
    handler_module.handler(cognito_event(), context)

    # THEN their row lists both, in order
    assert scan_rows(dynamodb)[0]["datasets_purchased"] == {
        "L": [{"S": "Artificien-Health"}, {"S": "Sleep Tracker"}]
    }


def test_table_errors_propagate(dynamodb, monkeypatch, cognito_event, context):
    # GIVEN a function pointed at a table that does not exist
    monkeypatch.setenv("USER_TABLE", "missing-user_table")
    handler_module = import_handler()

    # WHEN a user confirms THEN the error reaches Cognito (the confirmation is retried)
    with pytest.raises(dynamodb.exceptions.ResourceNotFoundException):
        handler_module.handler(cognito_event(), context)


def test_client_budget_fits_cognitos_five_seconds(handler_module):
    # GIVEN the DynamoDB client the handler builds from its environment
    config = handler_module.build(os.environ).store._client.meta.config

    # THEN its timeouts and standard retries add up to less than Cognito's 5 s wait
    attempts = config.retries["total_max_attempts"]
    assert config.retries["mode"] == "standard"
    assert (config.connect_timeout + config.read_timeout) * attempts < 5
