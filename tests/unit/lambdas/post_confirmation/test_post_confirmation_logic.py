"""Pure logic: event validation, the account row, the API key, the log format."""

import base64
import json
import logging
import re
import sys

import pytest
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter as JsonFormatter
from hypothesis import given
from hypothesis import strategies as st

from post_confirmation.account import new_account_item, new_api_key
from post_confirmation.event import ConfirmedSignUp, MalformedEventError, parse_event


def test_sign_up_event_is_parsed(cognito_event):
    assert parse_event(cognito_event()) == ConfirmedSignUp(
        user_pool_id="us-east-1_EXAMPLE12", username="ada", email="ada@example.com"
    )


def test_forgot_password_event_needs_no_action(cognito_event):
    assert parse_event(cognito_event("confirm_forgot_password")) is None


def test_surrounding_spaces_are_not_part_of_the_email(cognito_event):
    event = cognito_event(email=" ada@example.com ")
    assert parse_event(event).email == "ada@example.com"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_arbitrary_json_is_accepted_or_rejected_clearly(value):
    try:
        result = parse_event(value)
    except MalformedEventError:
        return  # a clear rejection; anything else (TypeError, KeyError...) fails the test
    assert result is None or isinstance(result, ConfirmedSignUp)


@given(
    trigger=st.sampled_from(
        ["PostConfirmation_ConfirmSignUp", "PostConfirmation_ConfirmForgotPassword"]
    ),
    attributes=st.dictionaries(st.sampled_from(["email", "sub", "email_verified"]), json_values),
)
def test_missing_or_odd_attributes_never_escape_as_other_errors(trigger, attributes):
    event = {
        "triggerSource": trigger,
        "userPoolId": "us-east-1_EXAMPLE12",
        "userName": "ada",
        "request": {"userAttributes": attributes},
    }
    try:
        parse_event(event)
    except MalformedEventError:
        assert trigger == "PostConfirmation_ConfirmSignUp"


def test_api_keys_are_url_safe_and_long_enough():
    keys = [new_api_key() for _ in range(200)]
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", key)
        raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
        assert len(raw) * 8 >= 128


def test_account_item_has_the_website_format():
    item = new_account_item(
        email="ada@example.com", username="ada", datasets=["Artificien-Health"], api_key="k"
    )
    assert item == {
        "user_id": {"S": "ada@example.com"},
        "user_account_email": {"S": "ada@example.com"},
        "username": {"S": "ada"},
        "api_key": {"S": "k"},
        "datasets_purchased": {"L": [{"S": "Artificien-Health"}]},
        "has_onboarded": {"S": "0"},
        "role": {"S": "0"},
    }


def test_account_item_with_no_default_datasets_has_an_empty_list():
    item = new_account_item(email="a@b.c", username="a", datasets=[], api_key="k")
    assert item["datasets_purchased"] == {"L": []}


@pytest.mark.parametrize("with_exception", [False, True])
def test_log_lines_are_json_with_context(with_exception):
    record = logging.LogRecord(
        "post_confirmation", logging.INFO, __file__, 1, "hello %s", ("ada",), None
    )
    record.user_id = "ada@example.com"
    if with_exception:
        try:
            raise ValueError("boom")
        except ValueError:
            record.exc_info = sys.exc_info()

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "hello ada"
    assert line["level"] == "INFO"
    assert line["user_id"] == "ada@example.com"
    assert ("boom" in line.get("exception", "")) is with_exception
