"""Fixtures for the model API Lambda: a mocked model table and models bucket, and the handler,
whose dependencies are built from the environment on first use (``build(environ)``)."""

import copy
import importlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

EVENTS = Path(__file__).parent / "events"
REGION = "us-east-1"
TABLE = "local-model_table"
BUCKET = "artificien-local-models-123456789012"
OWNER_INDEX = "owner-active-index"


class Events:
    """HTTP API payload-2.0 events, from the fixtures in events/, as API Gateway sends them."""

    @staticmethod
    def load(name: str) -> dict[str, Any]:
        return json.loads((EVENTS / f"{name}.json").read_text())

    def list_models(self, username: str = "alice") -> dict[str, Any]:
        event = self.load("list_models")
        event["requestContext"]["authorizer"]["jwt"]["claims"]["cognito:username"] = username
        return event

    def download(self, model_id: Any, username: str = "alice") -> dict[str, Any]:
        event = copy.deepcopy(self.load("download_model"))
        event["pathParameters"] = {"model_id": model_id}
        event["requestContext"]["authorizer"]["jwt"]["claims"]["cognito:username"] = username
        return event


@pytest.fixture
def events() -> Events:
    return Events()


@dataclass
class LambdaContext:
    aws_request_id: str = "c0ffee00-1111-2222-3333-444455556666"
    function_name: str = "artificien-local-model_api"


@dataclass
class Aws:
    dynamodb: Any
    s3: Any

    def put_model(self, model_id: str, owner: str, date: str, **extra: dict[str, Any]) -> None:
        item = {
            "model_id": {"S": model_id},
            "owner_name": {"S": owner},
            "active_status": {"N": "1"},
            "date_submitted": {"S": date},
            "version": {"S": "1"},
            "dataset": {"S": "Artificien-Health"},
        }
        item.update(extra)
        self.dynamodb.put_item(TableName=TABLE, Item=item)

    def put_artifact(self, key: str, body: bytes = b"\x80\x04weights") -> None:
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "OWNER_INDEX", "URL_TTL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("MODEL_TABLE", TABLE)
    monkeypatch.setenv("MODEL_BUCKET", BUCKET)


@pytest.fixture
def aws(aws_env: None) -> Iterator[Aws]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "model_id", "AttributeType": "S"},
                {"AttributeName": "owner_name", "AttributeType": "S"},
                {"AttributeName": "active_status", "AttributeType": "N"},
            ],
            KeySchema=[{"AttributeName": "model_id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": OWNER_INDEX,
                    "KeySchema": [
                        {"AttributeName": "owner_name", "KeyType": "HASH"},
                        {"AttributeName": "active_status", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        yield Aws(dynamodb=dynamodb, s3=s3)


def import_handler() -> Any:
    """The handler module with an empty build cache: its next build reads the current
    environment, as a cold start does (no module reload)."""
    module = importlib.import_module("model_api.handler")
    module.build.cache_clear()
    return module


@pytest.fixture
def handler_module(aws: Aws) -> Any:
    return import_handler()


@pytest.fixture
def invoke(handler_module: Any) -> Any:
    def call(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = handler_module.handler(event, LambdaContext())
        assert response["headers"]["content-type"] == "application/json"
        return response["statusCode"], json.loads(response["body"])

    return call


@pytest.fixture
def fresh_import() -> Any:
    """The handler as a cold start would have it, for whatever environment the test set."""
    return import_handler


@pytest.fixture
def fresh_build() -> Any:
    """What a cold start builds from whatever environment the test set."""
    return lambda: import_handler().build(os.environ)
