"""Fixtures for the registration API: mocked dataset and user tables and a nodes' ECS cluster,
HTTP API payload-2.0 events as API Gateway sends them, and the handler built from the function's
environment (``build(environ)``)."""

from __future__ import annotations

import base64
import copy
import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

EVENTS = Path(__file__).parent / "events"
REGION = "us-east-1"
DATASET_TABLE = "local-dataset_table"
USER_TABLE = "local-user_table"
OWNER_INDEX = "owner_username-index"
CLUSTER = "artificien-local"
SERVICE_PREFIX = "pygrid-"


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / f"{name}.json").read_text())


def website_body() -> dict[str, Any]:
    """What the register form sends, as plain JSON (the body of register_dataset.json)."""
    return json.loads(load_event("register_dataset")["body"])


class Events:
    """Events of both routes, for a caller and a body of the test's choosing."""

    @staticmethod
    def _as(event: dict[str, Any], username: str, email: str | None) -> dict[str, Any]:
        claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
        claims["cognito:username"] = username
        if email is None:
            claims.pop("email", None)
        else:
            claims["email"] = email
        return event

    def register(
        self,
        body: Any = None,
        *,
        username: str = "alice",
        email: str | None = "alice@example.com",
        raw: str | None = None,
        base64_encoded: bool = False,
    ) -> dict[str, Any]:
        event = self._as(load_event("register_dataset"), username, email)
        if raw is None:
            raw = json.dumps(website_body() if body is None else body)
        if base64_encoded:
            raw = base64.b64encode(raw.encode("utf-8")).decode("ascii")
        event["body"] = raw
        event["isBase64Encoded"] = base64_encoded
        event["headers"]["content-length"] = str(len(raw))
        return event

    def purchase(
        self,
        dataset_id: Any,
        *,
        username: str = "bob",
        email: str | None = "bob@example.com",
    ) -> dict[str, Any]:
        event = self._as(load_event("purchase_dataset"), username, email)
        event["pathParameters"] = {"dataset_id": dataset_id}
        return event

    @staticmethod
    def load(name: str) -> dict[str, Any]:
        return load_event(name)


@pytest.fixture
def events() -> Events:
    return Events()


@dataclass
class LambdaContext:
    aws_request_id: str = "c0ffee00-1111-2222-3333-444455556666"
    function_name: str = "artificien-local-marketplace_api"


@dataclass
class Aws:
    dynamodb: Any
    ecs: Any
    cluster_arn: str

    def put_user(self, email: str, username: str, purchased: list[str] | None = None) -> None:
        self.dynamodb.put_item(
            TableName=USER_TABLE,
            Item={
                "user_id": {"S": email},
                "user_account_email": {"S": email},
                "username": {"S": username},
                "api_key": {"S": "k" * 32},
                "datasets_purchased": {"L": [{"S": d} for d in (purchased or [])]},
                "has_onboarded": {"S": "0"},
                "role": {"S": "0"},
            },
        )

    def put_dataset(self, dataset_id: str, owner: str = "carol", **extra: Any) -> None:
        item = {
            "dataset_id": {"S": dataset_id},
            "app": {"S": "placeholder"},
            "placeholder": {"S": "placeholder"},
            "category": {"S": "Other"},
            "owner_username": {"S": owner},
            "attributes": {"L": [{"S": "b"}]},
            "attributeTypes": {"L": [{"S": "B"}]},
            "numPurchases": {"N": "0"},
            "hasNode": {"BOOL": False},
            "properlySetUp": {"BOOL": False},
        }
        item.update(extra)
        self.dynamodb.put_item(TableName=DATASET_TABLE, Item=item)

    def dataset(self, dataset_id: str) -> dict[str, Any] | None:
        return self.dynamodb.get_item(
            TableName=DATASET_TABLE, Key={"dataset_id": {"S": dataset_id}}, ConsistentRead=True
        ).get("Item")

    def user(self, email: str) -> dict[str, Any] | None:
        return self.dynamodb.get_item(
            TableName=USER_TABLE, Key={"user_id": {"S": email}}, ConsistentRead=True
        ).get("Item")

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every item of both tables, to show a refused request wrote nothing."""

        def items(table: str) -> list[dict[str, Any]]:
            found = self.dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]
            return sorted(found, key=lambda item: json.dumps(item, sort_keys=True))

        return {DATASET_TABLE: items(DATASET_TABLE), USER_TABLE: items(USER_TABLE)}

    def start_node(self, slug: str) -> None:
        """A PyGrid node's service, named as the node manager names it."""
        self.ecs.register_task_definition(
            family="artificien-local-pygrid",
            containerDefinitions=[{"name": "pygrid", "image": "pygrid:test", "memory": 512}],
        )
        self.ecs.create_service(
            cluster=self.cluster_arn,
            serviceName=f"{SERVICE_PREFIX}{slug}",
            taskDefinition="artificien-local-pygrid",
            desiredCount=0,
        )

    def stop_node(self, slug: str) -> None:
        self.ecs.delete_service(cluster=self.cluster_arn, service=f"{SERVICE_PREFIX}{slug}")


def _create_tables(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName=DATASET_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "dataset_id", "AttributeType": "S"},
            {"AttributeName": "owner_username", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "dataset_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": OWNER_INDEX,
                "KeySchema": [{"AttributeName": "owner_username", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    dynamodb.create_table(
        TableName=USER_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "user_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "user_id", "KeyType": "HASH"}],
    )


@pytest.fixture
def environment() -> dict[str, str]:
    """The function's environment as Terraform sets it, with fake credentials."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "DATASET_TABLE": DATASET_TABLE,
        "USER_TABLE": USER_TABLE,
        "OWNER_INDEX": OWNER_INDEX,
        "NODE_CLUSTER": f"arn:aws:ecs:{REGION}:123456789012:cluster/{CLUSTER}",
        "NODE_SERVICE_PREFIX": SERVICE_PREFIX,
        "MAX_ATTRIBUTES": "100",
        "MAX_SAMPLE_BYTES": str(100 * 1024 * 1024),
        "MAX_APPS_PER_OWNER": "20",
    }


@pytest.fixture
def aws(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.setenv(name, environment[name])
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        _create_tables(dynamodb)
        ecs = boto3.client("ecs", region_name=REGION)
        cluster_arn = ecs.create_cluster(clusterName=CLUSTER)["cluster"]["clusterArn"]
        environment["NODE_CLUSTER"] = cluster_arn
        yield Aws(dynamodb=dynamodb, ecs=ecs, cluster_arn=cluster_arn)


def import_handler() -> Any:
    """The handler module with an empty build cache (a cold start; no module reload)."""
    module = importlib.import_module("marketplace_api.handler")
    module.build.cache_clear()
    return module


@pytest.fixture
def handler_module(aws: Aws) -> Iterator[Any]:
    module = import_handler()
    yield module
    module.build.cache_clear()


@pytest.fixture
def invoke(handler_module: Any, environment: dict[str, str]) -> Any:
    """Call the handler with the dependencies built from the function's environment."""

    def call(event: Any, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        deps = handler_module.build(environment if env is None else env)
        response = handler_module.handle(deps, copy.deepcopy(event), LambdaContext())
        assert response["headers"]["content-type"] == "application/json"
        assert response["headers"]["cache-control"] == "no-store"
        return response["statusCode"], json.loads(response["body"])

    return call
