"""The model API handler end to end on mocked AWS: HTTP API v2 events in, JSON answers out."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest


def test_list_returns_only_the_callers_models_newest_first(aws, invoke, events):
    # GIVEN alice owns three models submitted on different days and bob owns one
    aws.put_model("m-old", "alice", "20230101")
    aws.put_model("m-new", "alice", "20240315")
    aws.put_model("m-mid", "alice", "20231120", active_status={"N": "0"})
    aws.put_model("m-bob", "bob", "20240401")

    # WHEN alice lists her models
    status, body = invoke(events.list_models("alice"))

    # THEN she gets exactly hers, newest first
    assert status == 200
    assert [m["model_id"] for m in body["models"]] == ["m-new", "m-mid", "m-old"]


def test_list_turns_dynamodb_numbers_into_json_numbers(aws, invoke, events):
    # GIVEN a model item with whole and fractional numbers, lists and strings
    aws.put_model(
        "m-1",
        "alice",
        "20240315",
        percent_complete={"N": "42.5"},
        devices_trained_this_cycle={"N": "12"},
        features={"L": [{"S": "bmi"}, {"S": "steps"}]},
        node_URL={"S": "https://alice-app.nodes.example.com"},
    )

    # WHEN alice lists her models
    status, body = invoke(events.list_models("alice"))

    # THEN numbers are JSON numbers of the right kind and the rest is unchanged
    assert status == 200
    (model,) = body["models"]
    assert model["active_status"] == 1
    assert isinstance(model["active_status"], int)
    assert model["percent_complete"] == 42.5
    assert model["devices_trained_this_cycle"] == 12
    assert model["features"] == ["bmi", "steps"]
    assert model["node_URL"] == "https://alice-app.nodes.example.com"


def test_list_is_empty_for_a_user_without_models(aws, invoke, events):
    # GIVEN only bob has a model
    aws.put_model("m-bob", "bob", "20240401")

    # WHEN alice lists her models
    status, body = invoke(events.list_models("alice"))

    # THEN she gets an empty list, not an error
    assert (status, body) == (200, {"models": []})


def test_list_accepts_a_cognito_access_token(aws, invoke, events):
    # GIVEN alice owns a model and calls with an access token (username, no cognito:username)
    aws.put_model("m-1", "alice", "20240315")

    # WHEN she lists her models
    status, body = invoke(events.load("list_models_access_token"))

    # THEN the token's username identifies her
    assert status == 200
    assert [m["model_id"] for m in body["models"]] == ["m-1"]


def test_download_returns_a_presigned_url_for_the_owner(aws, invoke, events):
    # GIVEN alice's model with a trained artifact where the orchestration node uploads it:
    # <owner_name>/<model_id>-<version>.pkl
    aws.put_model("mdl-7f3a9c", "alice", "20240315", version={"S": "4"})
    aws.put_artifact("alice/mdl-7f3a9c-4.pkl")

    # WHEN alice asks for its download link
    status, body = invoke(events.download("mdl-7f3a9c", "alice"))

    # THEN she gets a SigV4 presigned GET of exactly that object, valid 15 minutes
    assert status == 200
    assert body["expires_in"] == 900
    url = urlsplit(body["url"])
    query = parse_qs(url.query)
    assert url.scheme == "https"
    assert "artificien-local-models-123456789012" in url.netloc + url.path
    assert url.path.endswith("/alice/mdl-7f3a9c-4.pkl")
    assert query["X-Amz-Expires"] == ["900"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert "X-Amz-Signature" in query


def test_download_ignores_an_object_in_another_layout(aws, invoke, events):
    # GIVEN alice's model whose bytes sit at <owner>/<model_id>/<version>.pkl, a key the
    # orchestration node never writes
    aws.put_model("m-1", "alice", "20240315", version={"S": "4"})
    aws.put_artifact("alice/m-1/4.pkl")

    # WHEN she asks for its link
    status, body = invoke(events.download("m-1", "alice"))

    # THEN there is no artifact: only the node's own layout counts
    assert status == 404
    assert body == {"message": "no trained artifact for this model yet"}


def test_download_uses_a_numeric_version_as_written(aws, invoke, events):
    # GIVEN a model whose version was stored as a number
    aws.put_model("m-num", "alice", "20240315", version={"N": "3"})
    aws.put_artifact("alice/m-num-3.pkl")

    # WHEN alice asks for its download link
    status, body = invoke(events.download("m-num", "alice"))

    # THEN the key uses the number as text
    assert status == 200
    assert urlsplit(body["url"]).path.endswith("/alice/m-num-3.pkl")


def test_download_honours_the_configured_ttl(aws, monkeypatch, fresh_import, events):
    # GIVEN the function is configured for five-minute links
    monkeypatch.setenv("URL_TTL", "300")
    module = fresh_import()
    aws.put_model("m-1", "alice", "20240315")
    aws.put_artifact("alice/m-1-1.pkl")

    # WHEN alice asks for a link
    response = module.handler(events.download("m-1", "alice"), None)

    # THEN both the answer and the signature say 300 seconds
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["expires_in"] == 300
    assert parse_qs(urlsplit(body["url"]).query)["X-Amz-Expires"] == ["300"]


def test_download_of_someone_elses_model_is_forbidden(aws, invoke, events):
    # GIVEN bob's model with an artifact
    aws.put_model("m-bob", "bob", "20240401")
    aws.put_artifact("bob/m-bob-1.pkl")

    # WHEN alice asks for its link
    status, body = invoke(events.download("m-bob", "alice"))

    # THEN she is refused without a URL
    assert status == 403
    assert set(body) == {"message"}


def test_download_of_an_unknown_model_is_not_found(aws, invoke, events):
    # GIVEN no model with that id
    # WHEN alice asks for its link
    status, body = invoke(events.download("does-not-exist", "alice"))

    # THEN 404 with a JSON message
    assert status == 404
    assert body == {"message": "model not found"}


def test_download_without_artifact_is_not_found(aws, invoke, events):
    # GIVEN alice's model that has not been trained yet (no object in the bucket)
    aws.put_model("m-1", "alice", "20240315", version={"S": "2"})
    aws.put_artifact("alice/m-1-1.pkl")  # an older version does not count

    # WHEN she asks for its link
    status, body = invoke(events.download("m-1", "alice"))

    # THEN 404 and no URL
    assert status == 404
    assert body == {"message": "no trained artifact for this model yet"}


@pytest.mark.parametrize("version", [{"S": "../../bob/m-bob/1"}, {"S": ""}, {"S": "a/b"}])
def test_download_with_an_unusable_stored_version_is_not_found(aws, invoke, events, version):
    # GIVEN alice's model whose version cannot name an object under her prefix
    aws.put_model("m-1", "alice", "20240315", version=version)
    aws.put_artifact("bob/m-bob-1.pkl")

    # WHEN she asks for its link
    status, body = invoke(events.download("m-1", "alice"))

    # THEN 404, never a URL to another key and never a 500
    assert status == 404
    assert "url" not in body


def test_download_without_version_is_not_found(aws, invoke, events):
    # GIVEN an item written before training produced a version
    aws.dynamodb.put_item(
        TableName="local-model_table",
        Item={"model_id": {"S": "m-1"}, "owner_name": {"S": "alice"}},
    )

    # WHEN alice asks for its link
    status, _ = invoke(events.download("m-1", "alice"))

    # THEN 404
    assert status == 404


@pytest.mark.parametrize(
    "model_id",
    ["../alice", "a/b", "a\\b", ".hidden", "x" * 201, "tab\tid", "new\nline", " padded", ""],
)
def test_download_with_a_malformed_model_id_is_a_bad_request(aws, invoke, events, model_id):
    # GIVEN a model id that cannot name any model
    # WHEN alice asks for its link
    status, body = invoke(events.download(model_id, "alice"))

    # THEN 400 with a message, never a 500
    assert status == 400
    assert isinstance(body["message"], str)


@pytest.mark.parametrize("model_id", ["modèle-1", "x" * 200, "a b", "50%"])
def test_download_with_an_odd_but_valid_model_id_is_looked_up(aws, invoke, events, model_id):
    # GIVEN no such model
    # WHEN alice asks for it
    status, _ = invoke(events.download(model_id, "alice"))

    # THEN it is simply not found
    assert status == 404


def test_download_without_path_parameters_is_a_bad_request(aws, invoke, events):
    # GIVEN a download event missing its path parameters
    event = events.download("m-1")
    del event["pathParameters"]

    # WHEN it arrives
    status, _ = invoke(event)

    # THEN 400
    assert status == 400


def test_no_claims_is_unauthorized(aws, invoke, events):
    # GIVEN alice has a model, and a request reaches the function without authorizer claims
    aws.put_model("m-1", "alice", "20240315")

    # WHEN it lists models
    status, body = invoke(events.load("list_models_no_claims"))

    # THEN 401 and nothing listed
    assert status == 401
    assert set(body) == {"message"}


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "6c3f2a1e", "token_use": "id"},
        {"cognito:username": "", "token_use": "id"},
        {"cognito:username": "a/b", "token_use": "id"},
        {"username": "alice", "token_use": "id"},
        "not-a-map",
    ],
)
def test_malformed_claims_are_unauthorized(aws, invoke, events, claims):
    # GIVEN claims without a usable Cognito user name
    event = events.list_models()
    event["requestContext"]["authorizer"]["jwt"]["claims"] = claims

    # WHEN the request arrives
    status, _ = invoke(event)

    # THEN 401
    assert status == 401


@pytest.mark.parametrize(
    "event",
    [{}, {"version": "1.0", "resource": "/models", "httpMethod": "GET"}, {"Records": []}],
)
def test_events_that_are_not_http_api_v2_are_rejected(aws, invoke, event):
    # GIVEN an event of another shape
    # WHEN it arrives
    status, body = invoke(event)

    # THEN 400 with a message
    assert status == 400
    assert "2.0" in body["message"]


def test_unknown_route_is_not_found(aws, invoke, events):
    # GIVEN an event for a route the function does not serve
    event = events.list_models()
    event["routeKey"] = "DELETE /models/{model_id}"

    # WHEN it arrives
    status, _ = invoke(event)

    # THEN 404
    assert status == 404


def test_a_backend_failure_is_a_500_with_the_request_id_and_no_internals(aws, invoke, events):
    # GIVEN the model table has gone
    aws.dynamodb.delete_table(TableName="local-model_table")

    # WHEN alice lists her models
    status, body = invoke(events.list_models("alice"))

    # THEN 500 naming the request only
    assert status == 500
    assert body == {
        "message": "internal error",
        "request_id": "c0ffee00-1111-2222-3333-444455556666",
    }


def test_a_path_no_route_serves_is_not_found_in_the_apis_format(aws, invoke, events):
    # GIVEN a list request whose path is not one of the API's (API Gateway's key says it is)
    event = events.list_models()
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/models/extra/segments"

    # WHEN it arrives
    status, body = invoke(event)

    # THEN the resolver's not-found answer is the API's JSON 404
    assert (status, body) == (404, {"message": "route not found"})


def test_a_path_of_the_other_route_is_not_found(aws, invoke, events):
    # GIVEN API Gateway's route key says list, the path says download
    event = events.list_models()
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/models/m-1/download"

    # WHEN it arrives THEN it is refused rather than answered by the wrong route
    status, body = invoke(event)
    assert (status, body) == (404, {"message": "route not found"})
