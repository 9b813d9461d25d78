"""Fixtures for the post-confirmation Lambda: a mocked user table, Cognito's events, and the
handler, whose dependencies are built from the environment on first use (``build(environ)``)."""

import copy
import importlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

EVENTS = Path(__file__).parent / "events"
REGION = "us-east-1"
TABLE = "local-user_table"


@dataclass
class LambdaContext:
    aws_request_id: str = "8f1b2c3d-4e5f-6789-abcd-ef0123456789"
    function_name: str = "artificien-local-post_confirmation"


@pytest.fixture
def context() -> LambdaContext:
    return LambdaContext()


@pytest.fixture
def cognito_event() -> Callable[..., dict[str, Any]]:
    """An event from events/, as Cognito sends it, optionally for another user."""

    def load(name: str = "confirm_sign_up", **user: str) -> dict[str, Any]:
        event = json.loads((EVENTS / f"{name}.json").read_text())
        if "username" in user:
            event["userName"] = user["username"]
        if "email" in user:
            event["request"]["userAttributes"]["email"] = user["email"]
            event["request"]["userAttributes"]["cognito:email_alias"] = user["email"]
        return copy.deepcopy(event)

    return load


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "DEFAULT_DATASETS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("USER_TABLE", TABLE)


@pytest.fixture
def dynamodb(aws_environment: None) -> Iterator[Any]:
    """A moto DynamoDB holding the user table, keyed like the real one."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "user_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "user_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def import_handler() -> ModuleType:
    """The handler module with an empty build cache: its next invocation builds from the current
    environment, as a cold start does (no module reload)."""
    module = importlib.import_module("post_confirmation.handler")
    module.build.cache_clear()
    return module


@pytest.fixture
def handler_module(dynamodb: Any) -> ModuleType:
    return import_handler()


def scan_rows(client: Any) -> list[dict[str, Any]]:
    return client.scan(TableName=TABLE)["Items"]
