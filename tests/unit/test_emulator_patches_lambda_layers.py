"""The emulator patch that accepts another account's layer (the AWS-managed Powertools layer)."""

import io
import json
import zipfile

import boto3
import pytest
from moto import mock_aws

from artificien_infra.local.patches import lambda_managed_layers

REGION = "us-east-1"
POWERTOOLS = (
    "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27"
)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("fn/handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    lambda_managed_layers.register()
    with mock_aws():
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(
            RoleName="fn",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]["Arn"]
        account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
        yield boto3.client("lambda", region_name=REGION), role, account


def _create(client, role, layers):
    return client.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="fn.handler.handler",
        Code={"ZipFile": _zip()},
        Layers=layers,
    )


def _own_layer(client) -> str:
    return client.publish_layer_version(LayerName="own", Content={"ZipFile": _zip()})[
        "LayerVersionArn"
    ]


def test_another_accounts_layer_is_accepted_and_read_back(aws):
    client, role, _ = aws
    created = _create(client, role, [POWERTOOLS])
    assert [layer["Arn"] for layer in created["Layers"]] == [POWERTOOLS]
    read = client.get_function(FunctionName="fn")["Configuration"]["Layers"]
    assert [layer["Arn"] for layer in read] == [POWERTOOLS]


def test_own_and_foreign_layers_keep_their_order(aws):
    client, role, _ = aws
    own = _own_layer(client)
    created = _create(client, role, [POWERTOOLS, own])
    assert [layer["Arn"] for layer in created["Layers"]] == [POWERTOOLS, own]


def test_an_unknown_layer_of_the_own_account_is_still_refused(aws):
    client, role, account = aws
    missing = f"arn:aws:lambda:{REGION}:{account}:layer:nope:3"
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="nope"):
        _create(client, role, [POWERTOOLS, missing])


def test_layers_can_be_changed_and_removed(aws):
    client, role, _ = aws
    _create(client, role, [])
    client.update_function_configuration(FunctionName="fn", Layers=[POWERTOOLS])
    read = client.get_function_configuration(FunctionName="fn")["Layers"]
    assert [layer["Arn"] for layer in read] == [POWERTOOLS]
    client.update_function_configuration(FunctionName="fn", Layers=[])
    assert not client.get_function_configuration(FunctionName="fn").get("Layers")


def test_register_is_idempotent():
    lambda_managed_layers.register()
    patched = lambda_managed_layers.LambdaFunction._get_layers_data
    lambda_managed_layers.register()
    assert lambda_managed_layers.LambdaFunction._get_layers_data is patched
