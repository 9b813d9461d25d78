"""The registration API on the applied local platform: its routes as deployed on the model API,
then the handler called in-process (moto cannot run Lambda code) with the deployed function's own
environment, against the deployed tables and the nodes' cluster; a registration's sample comes
from the local trigger path, exactly as a website registration's would.

Root outputs used: model_api_id, marketplace_api_function_name, marketplace_api_routes,
dataset_table_name, user_table_name, cluster_arn, pygrid_node_manager, sample_data_bucket_name,
sample_data_environment (and what the trigger runner reads).
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from artificien_infra.local import triggers

pytestmark = pytest.mark.integration

EVENTS = Path(__file__).resolve().parent.parent / "unit" / "lambdas" / "marketplace_api" / "events"
ROUTES = {"POST /datasets", "POST /datasets/{dataset_id}/purchase"}


class _Context:
    aws_request_id = "0a1b2c3d-0000-4000-8000-000000000042"


def _event(name: str, username: str, email: str) -> dict[str, Any]:
    event = json.loads((EVENTS / f"{name}.json").read_text())
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    claims["cognito:username"], claims["email"] = username, email
    return event


def _register(username: str, email: str, body: dict[str, Any]) -> dict[str, Any]:
    event = _event("register_dataset", username, email)
    event["body"] = json.dumps(body)
    return event


def _purchase(username: str, email: str, dataset_id: str) -> dict[str, Any]:
    event = _event("purchase_dataset", username, email)
    event["pathParameters"] = {"dataset_id": dataset_id}
    return event


def _form(dataset_id: str) -> dict[str, Any]:
    form = json.loads(json.loads((EVENTS / "register_dataset.json").read_text())["body"])
    return {**form, "dataset_id": dataset_id}


@pytest.fixture(scope="module")
def function_environment(deployed) -> dict[str, str]:
    """The environment Terraform gave the deployed function."""
    configuration = deployed.client("lambda").get_function_configuration(
        FunctionName=deployed.outputs["marketplace_api_function_name"]
    )
    return configuration["Environment"]["Variables"]


@pytest.fixture
def marketplace_api(deployed, function_environment, monkeypatch) -> Any:
    """The handler module, imported cold with the deployed function's environment and boto3
    pointed at the emulator, exactly as the function would start."""
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name, value in {**deployed.aws_env, **function_environment}.items():
        monkeypatch.setenv(name, value)
    for module in [
        m for m in sys.modules if m == "marketplace_api" or m.startswith("marketplace_api.")
    ]:
        monkeypatch.delitem(sys.modules, module)
    return importlib.import_module("marketplace_api.handler")


def _invoke(module: Any, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = module.handler(event, _Context())
    return response["statusCode"], json.loads(response["body"])


def _deliver_stream(deployed, monkeypatch) -> int:
    """One pass of the local trigger runner over the dataset stream."""
    for key, value in deployed.aws_env.items():
        monkeypatch.setenv(key, value)
    stop = threading.Event()
    stop.set()
    return triggers.run(deployed.outputs, deployed.endpoint_url, None, stop, 0.1)


@pytest.fixture
def user(deployed) -> dict[str, str]:
    """A signed-up account: its row as post-confirmation writes it."""
    username = f"it-dev-{uuid.uuid4().hex[:10]}"
    email = f"{username}@example.com"
    deployed.client("dynamodb").put_item(
        TableName=deployed.outputs["user_table_name"],
        Item={
            "user_id": {"S": email},
            "user_account_email": {"S": email},
            "username": {"S": username},
            "api_key": {"S": uuid.uuid4().hex},
            "datasets_purchased": {"L": [{"S": "Artificien-Health"}]},
            "has_onboarded": {"S": "0"},
            "role": {"S": "0"},
        },
    )
    return {"username": username, "email": email}


def test_the_routes_are_on_the_model_api_behind_its_authorizer(deployed):
    # GIVEN the applied platform: its one HTTP API
    api = deployed.client("apigatewayv2")
    api_id = deployed.outputs["model_api_id"]
    routes = {r["RouteKey"]: r for r in api.get_routes(ApiId=api_id)["Items"]}

    # THEN the registration routes are there, under the model routes' one JWT authorizer
    assert set(deployed.outputs["marketplace_api_routes"]) == ROUTES
    assert set(routes) >= ROUTES
    authorizers = {route["AuthorizerId"] for route in routes.values()}
    assert len(authorizers) == 1
    assert all(routes[key]["AuthorizationType"] == "JWT" for key in ROUTES)
    # AND they reach the registration function, not the model API's
    (target,) = {routes[key]["Target"] for key in ROUTES}
    integration = api.get_integration(ApiId=api_id, IntegrationId=target.split("/", 1)[1])
    assert deployed.outputs["marketplace_api_function_name"] in integration["IntegrationUri"]
    assert integration["PayloadFormatVersion"] == "2.0"


def test_the_function_is_configured_with_the_deployed_names_and_limits(
    deployed, function_environment
):
    env = function_environment
    assert env["DATASET_TABLE"] == deployed.outputs["dataset_table_name"]
    assert env["USER_TABLE"] == deployed.outputs["user_table_name"]
    assert env["OWNER_INDEX"] == "owner_username-index"
    assert env["NODE_CLUSTER"] == deployed.outputs["cluster_arn"]
    assert env["NODE_SERVICE_PREFIX"] == deployed.outputs["pygrid_node_manager"]["service_prefix"]
    assert (env["MAX_ATTRIBUTES"], env["MAX_SAMPLE_BYTES"], env["MAX_APPS_PER_OWNER"]) == (
        "100",
        str(100 * 1024 * 1024),
        "20",
    )
    # AND the generator holds items to the very same limits
    generator = deployed.outputs["sample_data_environment"]
    assert (generator["MAX_ATTRIBUTES"], generator["MAX_SAMPLE_BYTES"]) == (
        env["MAX_ATTRIBUTES"],
        env["MAX_SAMPLE_BYTES"],
    )


def test_a_registration_is_stored_gets_its_sample_and_a_purchase_counts_once(
    deployed, marketplace_api, monkeypatch, user
):
    dynamodb = deployed.client("dynamodb")
    datasets = deployed.outputs["dataset_table_name"]
    dataset_id = f"IT Sleep {uuid.uuid4().hex[:8]}"

    # WHEN the developer registers an app through the API
    status, body = _invoke(
        marketplace_api, _register(user["username"], user["email"], _form(dataset_id))
    )

    # THEN 201, and the deployed table holds it, owned by the token's user, server fields set
    assert status == 201, body
    item = dynamodb.get_item(TableName=datasets, Key={"dataset_id": {"S": dataset_id}})["Item"]
    assert item["owner_username"] == {"S": user["username"]}
    assert (item["numPurchases"], item["hasNode"]) == ({"N": "0"}, {"BOOL": False})
    assert "num_devices" not in item

    # WHEN the stream reaches the sample generator (the local trigger path)
    _deliver_stream(deployed, monkeypatch)

    # THEN its sample is in the bucket: the form's attributes, the default number of rows
    sample = deployed.client("s3").get_object(
        Bucket=deployed.outputs["sample_data_bucket_name"], Key=f"{dataset_id}.csv"
    )
    table = list(csv.reader(io.StringIO(sample["Body"].read().decode(), newline="")))
    assert table[0] == _form(dataset_id)["attributes"]
    assert len(table) == 1 + int(deployed.outputs["sample_data_environment"]["DEFAULT_SAMPLE_ROWS"])

    # WHEN the same id is registered again THEN 409 and the item is untouched
    again = _register(user["username"], user["email"], {**_form(dataset_id), "category": "Gaming"})
    assert _invoke(marketplace_api, again)[0] == 409
    assert (
        dynamodb.get_item(TableName=datasets, Key={"dataset_id": {"S": dataset_id}})["Item"] == item
    )

    # WHEN the user buys it twice
    first = _invoke(marketplace_api, _purchase(user["username"], user["email"], dataset_id))
    second = _invoke(marketplace_api, _purchase(user["username"], user["email"], dataset_id))

    # THEN one entry in their list, and one purchase counted
    assert (first[0], first[1]["first_purchase"]) == (200, True)
    assert (second[0], second[1]["first_purchase"]) == (200, False)
    row = dynamodb.get_item(
        TableName=deployed.outputs["user_table_name"], Key={"user_id": {"S": user["email"]}}
    )["Item"]
    assert row["datasets_purchased"]["L"] == [{"S": "Artificien-Health"}, {"S": dataset_id}]
    counted = dynamodb.get_item(TableName=datasets, Key={"dataset_id": {"S": dataset_id}})["Item"]
    assert counted["numPurchases"] == {"N": "1"}


def test_nothing_is_written_for_hostile_or_unauthenticated_requests(
    deployed, marketplace_api, user
):
    dynamodb = deployed.client("dynamodb")
    datasets = deployed.outputs["dataset_table_name"]
    dataset_id = f"IT Hostile {uuid.uuid4().hex[:8]}"
    no_claims = _register(user["username"], user["email"], _form(dataset_id))
    del no_claims["requestContext"]["authorizer"]
    hostile = {**_form(dataset_id), "hasNode": True, "nodeURL": "evil.example.com"}
    cases = [
        (no_claims, 401),
        (_register(user["username"], user["email"], hostile), 400),
        (
            _register(user["username"], user["email"], {**_form(dataset_id), "num_devices": 10**6}),
            400,
        ),
        (_purchase(user["username"], user["email"], f"IT Unknown {uuid.uuid4().hex[:8]}"), 404),
    ]
    for event, expected in cases:
        assert _invoke(marketplace_api, event)[0] == expected
    assert "Item" not in dynamodb.get_item(
        TableName=datasets, Key={"dataset_id": {"S": dataset_id}}
    )


def test_an_id_that_takes_a_running_nodes_name_is_refused(deployed, marketplace_api, user):
    # GIVEN a node runs under the name the node manager gives app "IT Squat <n>"
    config = deployed.outputs["pygrid_node_manager"]
    suffix = uuid.uuid4().hex[:8]
    ecs = deployed.client("ecs")
    service = f"{config['service_prefix']}it-squat-{suffix}"
    ecs.create_service(
        cluster=deployed.outputs["cluster_arn"],
        serviceName=service,
        taskDefinition=config["task_definition_family"],
        desiredCount=0,
    )
    try:
        # WHEN someone registers "it squat <n>" (same slug)
        event = _register(user["username"], user["email"], _form(f"it squat {suffix}"))
        status, body = _invoke(marketplace_api, event)
        # THEN 409 naming the node's name, and nothing is stored
        assert status == 409, body
        assert f"it-squat-{suffix}" in body["message"]
        item = deployed.client("dynamodb").get_item(
            TableName=deployed.outputs["dataset_table_name"],
            Key={"dataset_id": {"S": f"it squat {suffix}"}},
        )
        assert "Item" not in item
    finally:
        ecs.delete_service(cluster=deployed.outputs["cluster_arn"], service=service, force=True)
