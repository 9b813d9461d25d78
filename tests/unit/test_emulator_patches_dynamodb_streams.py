"""The emulator patch that keeps DynamoDB stream records when a Lambda mapping reads the stream."""

import io
import json
import zipfile

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models.table import StreamShard

from artificien_infra.local.patches import dynamodb_stream_records

REGION = "us-east-1"
# botocore derives an account-based streams endpoint from the stream ARN, which moto's in-process
# mock does not route; the emulator (server mode) is always addressed by endpoint URL anyway.
STREAMS_ENDPOINT = f"https://streams.dynamodb.{REGION}.amazonaws.com"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


@pytest.fixture
def patched():
    original = StreamShard.add
    dynamodb_stream_records.register()
    yield
    StreamShard.add = original


@pytest.fixture
def mapped_table(patched):
    """GIVEN a table with a NEW_IMAGE stream that a Lambda event source mapping reads."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        table = dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="fn",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]["Arn"]
        awslambda = boto3.client("lambda", region_name=REGION)
        awslambda.create_function(
            FunctionName="fn",
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": _zip()},
        )
        awslambda.create_event_source_mapping(
            EventSourceArn=table["LatestStreamArn"],
            FunctionName="fn",
            StartingPosition="TRIM_HORIZON",
        )
        yield (
            dynamodb,
            boto3.client("dynamodbstreams", region_name=REGION, endpoint_url=STREAMS_ENDPOINT),
            table,
        )


def _records(streams, stream_arn: str) -> list[dict]:
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return streams.get_records(ShardIterator=iterator)["Records"]


def test_register_is_idempotent(patched):
    patched_add = StreamShard.add
    dynamodb_stream_records.register()
    assert StreamShard.add is patched_add


def test_records_stay_in_the_stream_with_a_mapping(mapped_table):
    dynamodb, streams, table = mapped_table
    # WHEN two items are written and one is updated
    dynamodb.put_item(TableName="t", Item={"id": {"S": "a"}})
    dynamodb.put_item(TableName="t", Item={"id": {"S": "b"}})
    dynamodb.update_item(
        TableName="t",
        Key={"id": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "1"}},
    )
    # THEN the stream holds all three records, in order, with distinct sequence numbers
    records = _records(streams, table["LatestStreamArn"])
    assert [r["eventName"] for r in records] == ["INSERT", "INSERT", "MODIFY"]
    assert [r["dynamodb"]["NewImage"]["id"]["S"] for r in records] == ["a", "b", "a"]
    sequence_numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence_numbers == sorted(set(sequence_numbers))
