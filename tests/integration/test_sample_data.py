"""Sample datasets on the local env: register an app, find its sample CSV in the bucket.

Root outputs used: dataset_table_name, dataset_table_stream_arn, sample_data_bucket_name,
sample_data_environment, sample_data_event_filter_pattern, sample_data_function_name,
sample_data_failure_queue_url, tutorials_bucket_name, models_bucket_name, logs_bucket_name.
"""

import csv
import io
import json
import threading
import uuid

import pytest

from artificien_infra.local import triggers

pytestmark = pytest.mark.integration


def _website_item(dataset_id: str) -> dict:
    """A dataset item exactly as the website writes it (no num_devices, numbers as strings)."""
    return {
        "dataset_id": {"S": dataset_id},
        "app": {"S": "placeholder"},
        "placeholder": {"S": "placeholder"},
        "appURL": {"S": "https://apps.example.com/sleep"},
        "logo_image_url": {"S": "https://images.example.com/sleep.png"},
        "category": {"S": "Health"},
        "owner_username": {"S": "devjane"},
        "attributes": {"L": [{"S": "bmi"}, {"S": "city"}, {"S": "hours"}, {"S": "smoker"}]},
        "attributeTypes": {"L": [{"S": "N"}, {"S": "S"}, {"S": "N"}, {"S": "B"}]},
        "attributeRangeMins": {"L": [{"S": "40"}, {"S": "3.9"}]},
        "attributeRangeMaxes": {"L": [{"S": "10"}, {"S": "4"}]},
        "attributeDescriptions": {"L": [{"S": "d"}] * 4},
        "predictable_attributes": {"L": [{"S": "hours"}]},
        "numPurchases": {"N": "0"},
        "hasNode": {"BOOL": False},
        "properlySetUp": {"BOOL": False},
    }


def _one_pass(deployed, monkeypatch, state_file=None) -> int:
    """One pass of the local trigger runner over the dataset stream (from state_file if given)."""
    for key, value in deployed.aws_env.items():
        monkeypatch.setenv(key, value)
    stop = threading.Event()
    stop.set()
    return triggers.run(deployed.outputs, deployed.endpoint_url, None, stop, 0.1, state_file)


def test_registering_an_app_produces_its_sample(deployed, monkeypatch):
    # GIVEN the website registers an app (a unique name: the table is shared by the session)
    dataset_id = f"Sleep Study {uuid.uuid4().hex[:8]}"
    dynamodb = deployed.client("dynamodb")
    dynamodb.put_item(
        TableName=deployed.outputs["dataset_table_name"], Item=_website_item(dataset_id)
    )
    # WHEN the local trigger runner delivers the stream to the sample-data handler
    _one_pass(deployed, monkeypatch)
    # THEN the sample is in the deployed bucket, encrypted with the platform key
    s3 = deployed.client("s3")
    bucket = deployed.outputs["sample_data_bucket_name"]
    response = s3.get_object(Bucket=bucket, Key=f"{dataset_id}.csv")
    assert response["ServerSideEncryption"] == "aws:kms"
    table = list(csv.reader(io.StringIO(response["Body"].read().decode(), newline="")))
    assert table[0] == ["bmi", "city", "hours", "smoker"]
    environment = deployed.outputs["sample_data_environment"]
    assert len(table) == 1 + int(environment["DEFAULT_SAMPLE_ROWS"])
    for bmi, _city, hours, smoker in table[1:]:
        assert 10 <= int(bmi) <= 40
        assert 3.9 <= float(hours) <= 4.0
        assert smoker in {"0", "1"}


def test_updates_do_not_regenerate_and_bad_items_write_nothing(deployed, monkeypatch, tmp_path):
    positions = tmp_path / "positions.json"
    dynamodb = deployed.client("dynamodb")
    s3 = deployed.client("s3")
    table_name = deployed.outputs["dataset_table_name"]
    bucket = deployed.outputs["sample_data_bucket_name"]
    good = f"Step App {uuid.uuid4().hex[:8]}"
    bad = f"Broken App {uuid.uuid4().hex[:8]}"
    broken = _website_item(bad)
    broken["attributeRangeMins"] = {"L": [{"S": "not a number"}, {"S": "1"}]}
    dynamodb.put_item(TableName=table_name, Item=_website_item(good))
    dynamodb.put_item(TableName=table_name, Item=broken)
    _one_pass(deployed, monkeypatch, positions)
    first = s3.get_object(Bucket=bucket, Key=f"{good}.csv")["VersionId"]
    # WHEN the app is updated (MODIFY) and the runner passes again
    dynamodb.update_item(
        TableName=table_name,
        Key={"dataset_id": {"S": good}},
        UpdateExpression="SET hasNode = :t",
        ExpressionAttributeValues={":t": {"BOOL": True}},
    )
    _one_pass(deployed, monkeypatch, positions)
    # THEN the sample was not rewritten, and the bad item left no object
    assert s3.get_object(Bucket=bucket, Key=f"{good}.csv")["VersionId"] == first
    listing = s3.list_objects_v2(Bucket=bucket, Prefix="Broken App")
    assert listing.get("KeyCount", 0) == 0


def test_mapping_is_wired_as_designed(deployed):
    awslambda = deployed.client("lambda")
    function = awslambda.get_function(FunctionName=deployed.outputs["sample_data_function_name"])
    # by ARN: the emulator (moto 5.2) does not match a bare function name here; AWS takes both
    function_arn = function["Configuration"]["FunctionArn"]
    mappings = awslambda.list_event_source_mappings(FunctionName=function_arn)[
        "EventSourceMappings"
    ]
    assert len(mappings) == 1
    mapping = mappings[0]
    assert mapping["EventSourceArn"] == deployed.outputs["dataset_table_stream_arn"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert json.loads(mapping["FilterCriteria"]["Filters"][0]["Pattern"]) == {
        "eventName": ["INSERT"]
    }
    queue_arn = mapping["DestinationConfig"]["OnFailure"]["Destination"]
    attributes = deployed.client("sqs").get_queue_attributes(
        QueueUrl=deployed.outputs["sample_data_failure_queue_url"], AttributeNames=["All"]
    )["Attributes"]
    assert attributes["QueueArn"] == queue_arn
    assert attributes["KmsMasterKeyId"]


@pytest.mark.parametrize(
    "output", ["sample_data_bucket_name", "tutorials_bucket_name", "models_bucket_name"]
)
def test_data_buckets_are_private_versioned_and_kms_encrypted(deployed, output):
    s3 = deployed.client("s3")
    bucket = deployed.outputs[output]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    logging = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert logging["TargetBucket"] == deployed.outputs["logs_bucket_name"]
    assert logging["TargetPrefix"] == f"s3/{bucket}/"
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["Statement"]
    )


def test_the_default_dataset_exists_and_gets_the_tutorials_sample(deployed, monkeypatch):
    # GIVEN the applied platform: it registers Artificien-Health itself
    item = deployed.client("dynamodb").get_item(
        TableName=deployed.outputs["dataset_table_name"],
        Key={"dataset_id": {"S": "Artificien-Health"}},
    )["Item"]
    columns = ["Age", "Sex", "Body Mass Index", "Weekly Step Count"]
    assert [a["S"] for a in item["attributes"]["L"]] == columns
    assert deployed.outputs["default_dataset_id"] == "Artificien-Health"

    # WHEN the local trigger runner delivers the stream (make apply starts it)
    _one_pass(deployed, monkeypatch)

    # THEN the tutorials' CSV is in the sample-data bucket, with their columns and plausible values
    body = deployed.client("s3").get_object(
        Bucket=deployed.outputs["sample_data_bucket_name"], Key="Artificien-Health.csv"
    )["Body"]
    table = list(csv.reader(io.StringIO(body.read().decode(), newline="")))
    assert table[0] == columns
    environment = deployed.outputs["sample_data_environment"]
    assert len(table) == 1 + int(environment["DEFAULT_SAMPLE_ROWS"])
    for age, sex, bmi, steps in table[1:]:
        assert 18 <= int(age) <= 90
        assert sex in {"0", "1"}
        assert 16 <= int(bmi) <= 45
        assert 7000 <= int(steps) <= 140000
