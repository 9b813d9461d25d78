"""The local trigger runner: stream records -> the sample_data handler, in-process (moto)."""

import json
import os
import threading

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from artificien_infra.local import triggers

REGION = "us-east-1"
TABLE = "local-dataset_table"
BUCKET = "artificien-local-sample-data-123456789012"

WEBSITE_ITEM = {
    "dataset_id": {"S": "Step Counter"},
    "app": {"S": "placeholder"},
    "placeholder": {"S": "placeholder"},
    "attributes": {"L": [{"S": "steps"}, {"S": "city"}, {"S": "weight"}]},
    "attributeTypes": {"L": [{"S": "N"}, {"S": "S"}, {"S": "N"}]},
    "attributeRangeMins": {"L": [{"S": "0"}, {"S": "120.5"}]},
    "attributeRangeMaxes": {"L": [{"S": "30000"}, {"S": "40"}]},
    "hasNode": {"BOOL": False},
    "numPurchases": {"N": "0"},
}


@pytest.fixture
def deployed(monkeypatch, tmp_path):
    """GIVEN the dataset table (with its stream) and the sample bucket, and the outputs."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        # botocore would derive an account-based streams endpoint moto's mock does not route
        "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": f"https://streams.dynamodb.{REGION}.amazonaws.com",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        table = dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "dataset_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "dataset_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        outputs = {
            "dataset_table_name": TABLE,
            "dataset_table_stream_arn": table["LatestStreamArn"],
            "sample_data_bucket_name": BUCKET,
            "sample_data_environment": {
                "DATASET_TABLE": TABLE,
                "SAMPLE_DATA_BUCKET": BUCKET,
                "DEFAULT_SAMPLE_ROWS": "40",
                "MAX_SAMPLE_ROWS": "1000",
            },
            "sample_data_event_filter_pattern": json.dumps({"eventName": ["INSERT"]}),
        }
        yield dynamodb, s3, outputs


def _once() -> threading.Event:
    stop = threading.Event()
    stop.set()
    return stop


def _keys(s3) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_new_dataset_gets_its_sample(deployed):
    dynamodb, s3, outputs = deployed
    # GIVEN the website registers an app
    dynamodb.put_item(TableName=TABLE, Item=WEBSITE_ITEM)
    # WHEN the runner makes one pass
    handled = triggers.run(outputs, None, REGION, _once(), 0.1)
    # THEN its sample is in the bucket with DEFAULT_SAMPLE_ROWS rows
    assert handled == 1
    body = s3.get_object(Bucket=BUCKET, Key="Step Counter.csv")["Body"].read().decode()
    lines = body.split("\r\n")
    assert lines[0] == "steps,city,weight"
    assert len(lines) == 1 + 40 + 1  # header, rows, trailing empty after the last CRLF


def test_only_inserts_reach_the_handler_and_positions_are_kept(deployed, tmp_path):
    dynamodb, s3, outputs = deployed
    state = tmp_path / "positions.json"
    dynamodb.put_item(TableName=TABLE, Item=WEBSITE_ITEM)
    triggers.run(outputs, None, REGION, _once(), 0.1, state)
    s3.delete_object(Bucket=BUCKET, Key="Step Counter.csv")
    # WHEN the item is modified and the runner resumes from its saved position
    dynamodb.update_item(
        TableName=TABLE,
        Key={"dataset_id": {"S": "Step Counter"}},
        UpdateExpression="SET hasNode = :t",
        ExpressionAttributeValues={":t": {"BOOL": True}},
    )
    handled = triggers.run(outputs, None, REGION, _once(), 0.1, state)
    # THEN the MODIFY record is read but filtered out: nothing is regenerated
    assert handled == 1
    assert _keys(s3) == []
    assert json.loads(state.read_text())  # one shard position saved
    # AND a further pass finds nothing new
    assert triggers.run(outputs, None, REGION, _once(), 0.1, state) == 0


def test_bad_records_are_reported_and_passed_over(deployed, caplog):
    dynamodb, s3, outputs = deployed
    bad = dict(WEBSITE_ITEM, dataset_id={"S": "Bad App"}, attributeRangeMins={"L": []})
    dynamodb.put_item(TableName=TABLE, Item=bad)
    dynamodb.put_item(TableName=TABLE, Item=WEBSITE_ITEM)
    with caplog.at_level("WARNING", logger="artificien.triggers"):
        triggers.run(outputs, None, REGION, _once(), 0.1)
    assert _keys(s3) == ["Step Counter.csv"]
    assert any("record failed" in message for message in caplog.messages)


def test_the_function_gets_its_own_environment_and_ours_is_left_alone(deployed, monkeypatch):
    dynamodb, s3, outputs = deployed
    # GIVEN this process has other values for the function's variables
    monkeypatch.setenv("DATASET_TABLE", "someone-elses_table")
    monkeypatch.setenv("DEFAULT_SAMPLE_ROWS", "3")
    before = dict(os.environ)
    dynamodb.put_item(TableName=TABLE, Item=WEBSITE_ITEM)
    # WHEN the runner delivers the record
    assert triggers.run(outputs, None, REGION, _once(), 0.1) == 1
    # THEN the function ran with the deployed environment (40 rows, from the dataset table)
    body = s3.get_object(Bucket=BUCKET, Key="Step Counter.csv")["Body"].read().decode()
    assert len(body.split("\r\n")) == 1 + 40 + 1
    # AND this process's environment is exactly as it was
    assert dict(os.environ) == before


def test_lambda_record_shape(deployed):
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": {"SequenceNumber": "5", "NewImage": WEBSITE_ITEM, "Keys": {}},
    }
    shaped = triggers.lambda_record(record, "arn:stream", REGION)
    assert shaped["eventSourceARN"] == "arn:stream"
    assert shaped["eventSource"] == "aws:dynamodb"
    assert shaped["dynamodb"]["NewImage"] == WEBSITE_ITEM


def test_filter_matching():
    pattern = {"eventName": ["INSERT"]}
    assert triggers.matches({"eventName": "INSERT"}, pattern)
    assert not triggers.matches({"eventName": "MODIFY"}, pattern)
    assert not triggers.matches({"eventName": "REMOVE"}, pattern)


def test_outputs_from_terraform_output_json_are_unwrapped():
    wrapped = {"dataset_table_name": {"value": TABLE, "type": "string", "sensitive": False}}
    assert triggers.flatten_outputs(wrapped) == {"dataset_table_name": TABLE}


def test_environment_falls_back_to_table_and_bucket_outputs():
    env = triggers.function_environment(
        {"dataset_table_name": TABLE, "sample_data_bucket_name": BUCKET}
    )
    assert env == {"DATASET_TABLE": TABLE, "SAMPLE_DATA_BUCKET": BUCKET}


def test_missing_outputs_are_a_clear_error(tmp_path):
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"dataset_table_name": {"value": TABLE}}))
    result = CliRunner().invoke(
        triggers.triggers,
        ["--endpoint-url", "http://127.0.0.1:1", "--outputs-json", str(outputs), "--once"],
    )
    assert result.exit_code == 1
    assert "dataset_table_stream_arn" in result.output
