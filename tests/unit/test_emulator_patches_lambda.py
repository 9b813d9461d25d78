"""The emulator patch for Lambda dead-letter configuration."""

import io
import json
import zipfile

import boto3
import pytest
from moto import mock_aws

from artificien_infra.local.patches import lambda_dead_letter

REGION = "us-east-1"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:fn-dlq"
OTHER = "arn:aws:sns:us-east-1:123456789012:failures"


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
    lambda_dead_letter.register()
    with mock_aws():
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(
            RoleName="fn",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]["Arn"]
        yield boto3.client("lambda", region_name=REGION), role


def _create(client, role, **extra):
    return client.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="fn.handler.handler",
        Code={"ZipFile": _zip()},
        **extra,
    )


def test_dead_letter_target_is_read_back(aws):
    client, role = aws
    created = _create(client, role, DeadLetterConfig={"TargetArn": QUEUE})
    assert created["DeadLetterConfig"] == {"TargetArn": QUEUE}
    assert client.get_function(FunctionName="fn")["Configuration"]["DeadLetterConfig"] == {
        "TargetArn": QUEUE
    }
    assert client.get_function_configuration(FunctionName="fn")["DeadLetterConfig"] == {
        "TargetArn": QUEUE
    }


def test_update_changes_and_clears_the_target(aws):
    client, role = aws
    _create(client, role, DeadLetterConfig={"TargetArn": QUEUE})

    client.update_function_configuration(FunctionName="fn", DeadLetterConfig={"TargetArn": OTHER})
    assert client.get_function_configuration(FunctionName="fn")["DeadLetterConfig"] == {
        "TargetArn": OTHER
    }

    client.update_function_configuration(FunctionName="fn", DeadLetterConfig={})
    assert "DeadLetterConfig" not in client.get_function_configuration(FunctionName="fn")


def test_function_without_target_has_none(aws):
    client, role = aws
    _create(client, role)
    assert "DeadLetterConfig" not in client.get_function_configuration(FunctionName="fn")


def test_register_twice_wraps_once(aws):
    client, role = aws
    lambda_dead_letter.register()
    _create(client, role, DeadLetterConfig={"TargetArn": QUEUE})
    assert client.get_function_configuration(FunctionName="fn")["DeadLetterConfig"] == {
        "TargetArn": QUEUE
    }
