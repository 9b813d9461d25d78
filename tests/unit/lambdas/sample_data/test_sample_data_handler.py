"""The stream handler: website-shaped records in, sample CSVs out, only bad records reported."""

import csv
import importlib
import io
import json
import os
import sys
from types import SimpleNamespace

import pytest

from sample_data import config

CONTEXT = SimpleNamespace(aws_request_id="req-1", function_name="artificien-test-sample_data")


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def _sequence(event: dict, index: int) -> str:
    return event["Records"][index]["dynamodb"]["SequenceNumber"]


def test_mixed_batch_reports_only_the_bad_record(handler_module, bucket, website_batch, capsys):
    # GIVEN a batch as Lambda delivers it: two good INSERTs, one bad INSERT, a MODIFY, a REMOVE
    # WHEN the handler runs
    response = handler_module.handler(website_batch, CONTEXT)
    # THEN only the bad record is reported
    assert response == {"batchItemFailures": [{"itemIdentifier": _sequence(website_batch, 1)}]}
    # AND the two new datasets have their samples, nothing else was written
    assert bucket.keys() == ["Health Tracker.csv", "Sleep Cycle.csv"]
    # AND the log names the bad record's field
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    rejected = [line for line in lines if line["message"] == "dataset rejected"]
    expected = {
        "level": "ERROR",
        "logger": "sample_data.records",
        "message": "dataset rejected",
        "sequence_number": _sequence(website_batch, 1),
        "dataset_id": "Broken App",
        "field": "attributeRangeMins",
        "reason": "1 bounds for 2 numeric attributes",
    }
    assert [{key: line.get(key) for key in expected} for line in rejected] == [expected]
    # AND, as every line of the invocation, it carries Powertools' service and invocation keys
    assert all(line["service"] == "sample_data" for line in lines)
    assert all(line["function_request_id"] == "req-1" for line in lines)
    assert all(isinstance(line["cold_start"], bool) for line in lines)


def test_website_item_without_num_devices_gets_default_rows(handler_module, bucket, insert_event):
    handler_module.handler(insert_event, CONTEXT)
    table = _rows(bucket.body("Health Tracker.csv"))
    # header = attributes in order; DEFAULT_SAMPLE_ROWS rows (the website sets no num_devices)
    assert table[0] == ["bmi", "city", "steps", "smoker"]
    assert len(table) == 1 + 1000
    # reversed bounds ["40".."10"] are swapped; integers since both are whole
    assert all(10 <= int(row[0]) <= 40 for row in table[1:])
    assert all(0 <= int(row[2]) <= 30000 for row in table[1:])
    assert {row[3] for row in table[1:]} <= {"0", "1"}


def test_num_devices_and_decimal_bounds(handler_module, bucket, website_batch):
    handler_module.handler(website_batch, CONTEXT)
    table = _rows(bucket.body("Sleep Cycle.csv"))
    assert table[0] == ["hours", "deep_ratio"]
    assert len(table) == 1 + 25
    for hours, ratio in table[1:]:
        assert 3.9 <= float(hours) <= 4.0
        assert "." in hours
        assert 0.05 <= float(ratio) <= 0.95


def test_a_retried_record_rewrites_identical_bytes(handler_module, bucket, insert_event):
    handler_module.handler(insert_event, CONTEXT)
    first = bucket.body("Health Tracker.csv")
    handler_module.handler(insert_event, CONTEXT)
    assert bucket.body("Health Tracker.csv") == first


def test_modify_and_remove_records_write_nothing(handler_module, bucket, website_batch):
    website_batch["Records"] = [r for r in website_batch["Records"] if r["eventName"] != "INSERT"]
    assert handler_module.handler(website_batch, CONTEXT) == {"batchItemFailures": []}
    assert bucket.keys() == []


def test_records_of_another_table_are_failures(handler_module, bucket, insert_event):
    record = insert_event["Records"][0]
    record["eventSourceARN"] = record["eventSourceARN"].replace("test-dataset_table", "other")
    response = handler_module.handler(insert_event, CONTEXT)
    assert response == {"batchItemFailures": [{"itemIdentifier": _sequence(insert_event, 0)}]}
    assert bucket.keys() == []


def test_insert_without_new_image_is_a_failure(handler_module, bucket, insert_event):
    del insert_event["Records"][0]["dynamodb"]["NewImage"]
    response = handler_module.handler(insert_event, CONTEXT)
    assert response["batchItemFailures"] == [{"itemIdentifier": _sequence(insert_event, 0)}]


def test_row_cap_applies(handler_module, deps, bucket, insert_event):
    image = insert_event["Records"][0]["dynamodb"]["NewImage"]
    image["num_devices"] = {"N": "900000"}
    capped = handler_module.Deps(
        config=config.Config("test-dataset_table", bucket.name, 1000, 1500), s3=deps.s3
    )
    handler_module.handle(capped, insert_event, CONTEXT)
    assert len(_rows(bucket.body("Health Tracker.csv"))) == 1 + 1500


def test_s3_failing_mid_upload_leaves_nothing(
    handler_module, deps, bucket, insert_event, monkeypatch
):
    # GIVEN a sample big enough for a multipart upload, and S3 failing on its second part
    image = insert_event["Records"][0]["dynamodb"]["NewImage"]
    image["num_devices"] = {"N": "500000"}  # ~9 MB of CSV: two parts of up to 8 MiB
    original = deps.s3.upload_part

    def flaky(**kwargs):
        if kwargs["PartNumber"] >= 2:
            raise ConnectionError("connection reset")
        return original(**kwargs)

    monkeypatch.setattr(deps.s3, "upload_part", flaky)
    # WHEN the record is processed
    response = handler_module.handle(deps, insert_event, CONTEXT)
    # THEN it is reported, and neither an object nor an incomplete upload is left
    assert response == {"batchItemFailures": [{"itemIdentifier": _sequence(insert_event, 0)}]}
    assert bucket.keys() == []
    assert bucket.pending_uploads() == []


def test_a_large_sample_goes_up_in_parts(handler_module, deps, bucket, insert_event, monkeypatch):
    image = insert_event["Records"][0]["dynamodb"]["NewImage"]
    image["num_devices"] = {"N": "500000"}
    completed = []
    original = deps.s3.complete_multipart_upload

    def spy(**kwargs):
        completed.append(kwargs["MultipartUpload"]["Parts"])
        return original(**kwargs)

    monkeypatch.setattr(deps.s3, "complete_multipart_upload", spy)
    assert handler_module.handle(deps, insert_event, CONTEXT) == {"batchItemFailures": []}
    assert [len(parts) for parts in completed] == [2]
    table = _rows(bucket.body("Health Tracker.csv"))
    assert len(table) == 1 + 500000
    assert bucket.pending_uploads() == []


@pytest.mark.parametrize(
    "event",
    [
        None,
        {},
        {"Records": "x"},
        {"Records": [{"eventName": "INSERT"}]},
        {"Records": [{"dynamodb": {}}]},
    ],
)
def test_malformed_events_fail_the_invocation(handler_module, bucket, event):
    with pytest.raises(ValueError, match="Records"):
        handler_module.handler(event, CONTEXT)
    assert bucket.keys() == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATASET_TABLE", None, "DATASET_TABLE is required"),
        ("SAMPLE_DATA_BUCKET", None, "SAMPLE_DATA_BUCKET is required"),
        ("SAMPLE_DATA_BUCKET", "Not_A_Bucket", "SAMPLE_DATA_BUCKET is malformed"),
        ("DEFAULT_SAMPLE_ROWS", "-5", "DEFAULT_SAMPLE_ROWS must be a whole number"),
        ("MAX_SAMPLE_ROWS", "0", "MAX_SAMPLE_ROWS must be a whole number >= 1"),
        ("MAX_SAMPLE_ROWS", "lots", "MAX_SAMPLE_ROWS must be a whole number"),
    ],
)
def test_bad_configuration_fails_the_build_naming_the_variable(
    handler_module, bucket, insert_event, monkeypatch, name, value, message
):
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError, match=message):
        handler_module.build(os.environ)
    # AND the invocation (the runtime's first build) fails the same way, writing nothing
    with pytest.raises(config.ConfigError, match=message):
        handler_module.handler(insert_event, CONTEXT)
    assert bucket.keys() == []


def test_importing_the_handler_reads_no_configuration(monkeypatch):
    # GIVEN an environment without any of the function's variables
    for name in ("DATASET_TABLE", "SAMPLE_DATA_BUCKET", "DEFAULT_SAMPLE_ROWS", "MAX_SAMPLE_ROWS"):
        monkeypatch.delenv(name, raising=False)
    # WHEN the module is imported afresh THEN nothing is read or built yet
    sys.modules.pop("sample_data.handler", None)
    module = importlib.import_module("sample_data.handler")
    assert callable(module.build)
    assert callable(module.handler)


def test_one_build_per_environment(handler_module, env):
    # GIVEN the function's environment
    first = handler_module.build(dict(env))
    # THEN the same values give the same dependencies, even as another mapping object
    assert handler_module.build(dict(env)) is first
    # AND the per-invocation trace id the runtime rewrites does not cause a rebuild
    assert handler_module.build({**env, "_X_AMZN_TRACE_ID": "Root=1-abc"}) is first
    # AND another environment gets its own
    other = handler_module.build({**env, "MAX_SAMPLE_ROWS": "7"})
    assert other is not first
    assert other.config.max_sample_rows == 7


def test_optional_configuration_defaults(env, monkeypatch):
    monkeypatch.delenv("DEFAULT_SAMPLE_ROWS")
    monkeypatch.delenv("MAX_SAMPLE_ROWS")
    loaded = config.from_environ(dict(__import__("os").environ))
    assert (loaded.default_sample_rows, loaded.max_sample_rows) == (1000, 1_000_000)
