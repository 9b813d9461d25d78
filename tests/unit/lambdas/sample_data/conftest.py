"""Fixtures for the sample_data Lambda: its environment, a mocked S3 bucket, stream events."""

import copy
import importlib
import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

EVENTS = Path(__file__).parent / "events"
REGION = "us-east-1"
TABLE = "test-dataset_table"
BUCKET = "artificien-test-sample-data-123456789012"


def load_event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


@pytest.fixture
def env(monkeypatch):
    """GIVEN the function's environment as Terraform sets it, and fake credentials."""
    values = {
        "DATASET_TABLE": TABLE,
        "SAMPLE_DATA_BUCKET": BUCKET,
        "DEFAULT_SAMPLE_ROWS": "1000",
        "MAX_SAMPLE_ROWS": "500000",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    return values


@pytest.fixture
def s3(env):
    """GIVEN an empty sample-data bucket (moto)."""
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def handler_module(s3):
    """The handler module, its build cache empty: the first invocation builds, as a cold start."""
    module = importlib.import_module("sample_data.handler")
    module.build.cache_clear()
    yield module
    module.build.cache_clear()


@pytest.fixture
def deps(handler_module, env):
    """What the handler builds from the function's environment, for ``handle(deps, ...)``."""
    return handler_module.build(env)


@pytest.fixture
def website_batch() -> dict:
    return copy.deepcopy(load_event("website_batch.json"))


@pytest.fixture
def insert_event() -> dict:
    return copy.deepcopy(load_event("insert_health_tracker.json"))


class Bucket:
    """Reads of the mocked sample-data bucket."""

    name = BUCKET

    def __init__(self, client) -> None:
        self.client = client

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=BUCKET)
        return sorted(o["Key"] for o in listing.get("Contents", []))

    def body(self, key: str) -> bytes:
        return self.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def pending_uploads(self) -> list[dict]:
        return self.client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])


@pytest.fixture
def bucket(s3) -> Bucket:
    return Bucket(s3)
