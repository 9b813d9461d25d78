"""The model API on the applied local platform: the API's wiring as deployed, then the handler
called in-process (moto cannot run Lambda code) with the deployed function's own environment,
against the deployed table and bucket, and its presigned link fetched from the emulator."""

import importlib
import json
import os
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.integration

EVENTS = Path(__file__).resolve().parent.parent / "unit" / "lambdas" / "model_api" / "events"


def _event(name: str, username: str, model_id: str | None = None) -> dict[str, Any]:
    event = json.loads((EVENTS / f"{name}.json").read_text())
    event["requestContext"]["authorizer"]["jwt"]["claims"]["cognito:username"] = username
    if model_id is not None:
        event["pathParameters"] = {"model_id": model_id}
        event["rawPath"] = event["requestContext"]["http"]["path"] = f"/models/{model_id}/download"
    return event


class _Context:
    aws_request_id = "0a1b2c3d-0000-4000-8000-000000000001"


@pytest.fixture(scope="module")
def function_environment(deployed) -> dict[str, str]:
    """The environment Terraform gave the deployed function."""
    configuration = deployed.client("lambda").get_function_configuration(
        FunctionName=deployed.outputs["model_api_function_name"]
    )
    return configuration["Environment"]["Variables"]


@pytest.fixture
def model_api(deployed, function_environment, monkeypatch) -> Any:
    """The handler module, imported cold with the deployed function's environment and boto3
    pointed at the emulator (AWS_ENDPOINT_URL), exactly as the function would start."""
    for name in ("AWS_PROFILE", "OWNER_INDEX", "URL_TTL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**deployed.aws_env, **function_environment}.items():
        monkeypatch.setenv(name, value)
    for module in [m for m in sys.modules if m == "model_api" or m.startswith("model_api.")]:
        monkeypatch.delitem(sys.modules, module)
    return importlib.import_module("model_api.handler")


@pytest.fixture
def owner() -> str:
    return f"it-owner-{uuid.uuid4().hex[:10]}"


def _invoke(model_api: Any, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = model_api.handler(event, _Context())
    return response["statusCode"], json.loads(response["body"])


def _put_model(deployed, model_id: str, owner: str, date: str, version: str = "1") -> None:
    deployed.client("dynamodb").put_item(
        TableName=deployed.outputs["model_table_name"],
        Item={
            "model_id": {"S": model_id},
            "owner_name": {"S": owner},
            "active_status": {"N": "0"},
            "date_submitted": {"S": date},
            "version": {"S": version},
            "dataset": {"S": "Artificien-Health"},
            "percent_complete": {"N": "100"},
            "loss_this_cycle": {"N": "0.125"},
        },
    )


def test_the_api_has_two_routes_behind_the_cognito_jwt_authorizer(deployed):
    # GIVEN the applied platform
    api = deployed.client("apigatewayv2")
    api_id = deployed.outputs["model_api_id"]

    # WHEN its routes and authorizer are read back
    routes = api.get_routes(ApiId=api_id)["Items"]
    authorizer_ids = {r.get("AuthorizerId") for r in routes}
    assert len(authorizer_ids) == 1  # one authorizer for both routes
    # (GetAuthorizer, not GetAuthorizers: the emulator serves only the former)
    authorizer = api.get_authorizer(ApiId=api_id, AuthorizerId=authorizer_ids.pop())

    # THEN both routes need the JWT of the platform's user pool, issued to the web client
    # (the registration API's routes live on this API too, under the same authorizer)
    assert {r["RouteKey"] for r in routes} == {
        "GET /models",
        "GET /models/{model_id}/download",
        *deployed.outputs["marketplace_api_routes"],
    }
    assert all(r["AuthorizationType"] == "JWT" for r in routes)
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["JwtConfiguration"]["Issuer"].startswith("https://cognito-idp.")
    assert authorizer["JwtConfiguration"]["Issuer"].endswith("/" + deployed.outputs["user_pool_id"])
    assert authorizer["JwtConfiguration"]["Audience"] == [deployed.outputs["web_client_id"]]


def test_the_function_is_configured_with_the_deployed_names(deployed, function_environment):
    # GIVEN / WHEN the deployed function's environment
    # THEN it names the platform's model table, its owner index and the models bucket
    assert function_environment["MODEL_TABLE"] == deployed.outputs["model_table_name"]
    assert function_environment["MODEL_BUCKET"] == deployed.outputs["models_bucket_name"]
    assert function_environment["OWNER_INDEX"] == "owner-active-index"
    assert function_environment["URL_TTL"] == "900"


def test_the_owner_downloads_the_trained_weights_through_the_presigned_url(
    deployed, model_api, owner
):
    # GIVEN a trained model of this owner in the deployed table, and its artifact in the bucket
    model_id = f"it-model-{uuid.uuid4().hex[:10]}"
    weights = os.urandom(2048)
    _put_model(deployed, model_id, owner, "20240315", version="3")
    deployed.client("s3").put_object(
        Bucket=deployed.outputs["models_bucket_name"],
        Key=f"{owner}/{model_id}-3.pkl",  # the orchestration node's layout
        Body=weights,
    )

    # WHEN the owner asks for the download link
    status, body = _invoke(model_api, _event("download_model", owner, model_id))

    # THEN the link points at the emulator and gives back exactly the stored bytes
    assert status == 200, body
    assert body["expires_in"] == 900
    url = body["url"]
    assert urlsplit(url).netloc == urlsplit(deployed.endpoint_url).netloc
    assert urlsplit(url).scheme == "http"  # the emulator's loopback endpoint
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - checked http URL above
        assert answer.read() == weights


def test_the_owner_lists_only_their_models_newest_first(deployed, model_api, owner):
    # GIVEN two models of this owner and one of someone else
    _put_model(deployed, f"{owner}-older", owner, "20230101")
    _put_model(deployed, f"{owner}-newer", owner, "20240601")
    _put_model(deployed, f"{owner}-foreign", f"{owner}-other", "20250101")

    # WHEN the owner lists their models
    status, body = _invoke(model_api, _event("list_models", owner))

    # THEN only theirs, newest first, with numbers as JSON numbers
    assert status == 200, body
    assert [m["model_id"] for m in body["models"]] == [f"{owner}-newer", f"{owner}-older"]
    assert body["models"][0]["percent_complete"] == 100
    assert body["models"][0]["loss_this_cycle"] == 0.125


def test_another_user_gets_no_link_and_a_missing_artifact_is_not_found(deployed, model_api, owner):
    # GIVEN a model of this owner that has no artifact yet
    model_id = f"it-model-{uuid.uuid4().hex[:10]}"
    _put_model(deployed, model_id, owner, "20240315")

    # WHEN someone else asks for it, and then the owner
    other_status, other_body = _invoke(
        model_api, _event("download_model", f"{owner}-other", model_id)
    )
    owner_status, owner_body = _invoke(model_api, _event("download_model", owner, model_id))

    # THEN 403 for the other user, 404 for the owner, and no URL either way
    assert (other_status, owner_status) == (403, 404)
    assert "url" not in other_body
    assert "url" not in owner_body
