"""Fixtures for the notebook sync agent: moto's S3 and SQS wired as Terraform wires them (both
buckets notify one queue of created and removed objects), and folders under tmp_path."""

from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from notebook_sync.agent import Agent
from notebook_sync.mirror import Mirror
from notebook_sync_support import QUEUE, REGION, SAMPLE_BUCKET, TUTORIALS_BUCKET


@pytest.fixture
def aws(monkeypatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def sqs(aws):
    return boto3.client("sqs", region_name=REGION)


@pytest.fixture
def s3(aws):
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def queue_url(sqs):
    # Visibility 0: a message the agent keeps is at once receivable again (the retry path).
    return sqs.create_queue(QueueName=QUEUE, Attributes={"VisibilityTimeout": "0"})["QueueUrl"]


@pytest.fixture
def buckets(s3, sqs, queue_url):
    """GIVEN the sample-data bucket (plain) and the tutorials bucket (versioned, as deployed),
    both notifying the queue; the configuration's s3:TestEvent is left on the queue."""
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    for bucket in (SAMPLE_BUCKET, TUTORIALS_BUCKET):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "Id": "notebook-sync",
                        "QueueArn": arn,
                        "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                    }
                ]
            },
        )
    s3.put_bucket_versioning(Bucket=TUTORIALS_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return {SAMPLE_BUCKET: "sample_data", TUTORIALS_BUCKET: "tutorials"}


@pytest.fixture
def folders(tmp_path) -> dict[str, Path]:
    root = tmp_path / "notebooks"
    return {
        SAMPLE_BUCKET: root / "sample_data",
        TUTORIALS_BUCKET: root / "tutorials",
        "staging": root / ".staging",
    }


@pytest.fixture
def make_agent(sqs, queue_url, buckets, folders):
    def make(s3_client, **overrides) -> Agent:
        mirror = Mirror(
            s3_client,
            {SAMPLE_BUCKET: folders[SAMPLE_BUCKET], TUTORIALS_BUCKET: folders[TUTORIALS_BUCKET]},
            folders["staging"],
        )
        settings = {"wait_seconds": 0, "max_receives": 3, **overrides}
        return Agent(sqs=sqs, mirror=mirror, queue_url=queue_url, **settings)

    return make


@pytest.fixture
def agent(make_agent, s3):
    return make_agent(s3)
