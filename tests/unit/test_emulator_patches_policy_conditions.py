"""The emulator patch that makes policy statements with unmet conditions not applicable."""

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.iam.access_control import IAMPolicyStatement

from artificien_infra.local.patches import policy_conditions

BUCKET = "patched-bucket"


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


TLS_ONLY = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


@pytest.fixture
def s3():
    original = IAMPolicyStatement.is_action_permitted
    policy_conditions.register()
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client
    IAMPolicyStatement.is_action_permitted = original


def test_register_is_idempotent(s3):
    patched = IAMPolicyStatement.is_action_permitted
    policy_conditions.register()
    assert IAMPolicyStatement.is_action_permitted is patched


def test_a_conditional_deny_that_does_not_hold_lets_objects_through(s3):
    # GIVEN a bucket whose policy denies requests without TLS
    s3.put_bucket_policy(Bucket=BUCKET, Policy=_policy(TLS_ONLY))
    # WHEN an object is written and read back
    s3.put_object(Bucket=BUCKET, Key="a.csv", Body=b"x\r\n")
    # THEN both succeed
    assert s3.get_object(Bucket=BUCKET, Key="a.csv")["Body"].read() == b"x\r\n"


def test_an_unconditional_deny_still_denies(s3):
    # GIVEN a bucket policy that denies PutObject outright
    deny = {
        "Sid": "DenyWrites",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/*",
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=_policy(TLS_ONLY, deny))
    # WHEN an object is written THEN it is refused
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=BUCKET, Key="a.csv", Body=b"x")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize(
    ("condition", "context", "unmet"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, None, True),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "true"}, False),
        ({"StringEqualsIfExists": {"aws:SourceAccount": "1"}}, None, False),
        ({"Null": {"aws:SourceArn": "true"}}, None, False),
        ({}, None, False),
    ],
)
def test_has_unmet_condition(condition, context, unmet):
    statement = {"Effect": "Deny", "Action": "s3:*", "Condition": condition}
    assert policy_conditions.has_unmet_condition(statement, context) is unmet
