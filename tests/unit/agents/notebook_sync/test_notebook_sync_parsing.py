"""Pure parts of the agent: message bodies, keys, settings, and the command's refusals."""

import json
from pathlib import PurePosixPath

import pytest
from notebook_sync import cli
from notebook_sync.config import ConfigError, parse
from notebook_sync.events import Dropped, ObjectChange, parse_message
from notebook_sync.keys import UnsafeKey, relative_path
from notebook_sync_support import SAMPLE_BUCKET, TUTORIALS_BUCKET, load_event


def test_an_s3_notification_names_its_object_with_the_key_decoded():
    # GIVEN the body S3 sends for a put of "Sleep Study (beta).csv"
    # THEN the change names the bucket and the decoded key
    assert parse_message(load_event("object_created_put.json")) == [
        ObjectChange(SAMPLE_BUCKET, "Sleep Study (beta).csv", "ObjectCreated:Put")
    ]


def test_a_delete_marker_is_a_removal():
    assert parse_message(load_event("object_removed_delete_marker.json")) == [
        ObjectChange(
            TUTORIALS_BUCKET, "tutorials/health-tutorial.ipynb", "ObjectRemoved:DeleteMarkerCreated"
        )
    ]


def test_repeated_records_collapse_and_other_events_are_ignored():
    # GIVEN one message with the same put twice, a tagging event and a foreign record
    record = json.loads(load_event("object_created_put.json"))["Records"][0]
    tagging = {**record, "eventName": "ObjectTagging:Put"}
    foreign = {**record, "eventSource": "aws:sqs"}
    body = json.dumps({"Records": [record, tagging, record, foreign]})
    # THEN it names the object once
    assert len(parse_message(body)) == 1


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not json",
        "null",
        "42",
        '{"Records": "x"}',
        '{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}]}',
        '{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": []}]}',
        '{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",'
        ' "s3": {"bucket": {"name": "b"}, "object": {"key": 7}}}]}',
        load_event("test_event.json"),
    ],
)
def test_bodies_that_name_no_object_are_dropped_with_a_reason(body):
    parsed = parse_message(body)
    assert isinstance(parsed, Dropped)
    assert parsed.reason


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("Artificien-Health.csv", PurePosixPath("Artificien-Health.csv")),
        ("Sleep Study (beta).csv", PurePosixPath("Sleep Study (beta).csv")),
        ("tutorials/health-tutorial.ipynb", PurePosixPath("tutorials/health-tutorial.ipynb")),
        ("folder/", None),
    ],
)
def test_safe_keys_map_to_paths_inside_the_folder(key, expected):
    assert relative_path(key) == expected


@pytest.mark.parametrize(
    "key",
    [
        *("", "/etc/passwd", "../x.csv", "a/../../x", "a//b", "./x", "a\\b", "bad\x00name"),
        *("x\n.csv", "a" * 256, "a/" * 600),
    ],
)
def test_unsafe_keys_are_refused(key):
    with pytest.raises(UnsafeKey):
        relative_path(key)


VALID = {
    "region": "us-east-1",
    "queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/artificien-test-notebook-sync",
    "targets": {SAMPLE_BUCKET: "/srv/data/sample_data", TUTORIALS_BUCKET: "/srv/data/tutorials"},
    "staging_dir": "/srv/data/.notebook-sync",
}


def test_settings_have_defaults_for_the_timings():
    config = parse(VALID)
    assert (config.reconcile_seconds, config.wait_seconds, config.max_receives) == (3600, 20, 5)
    assert config.endpoint_url is None
    assert str(config.targets[SAMPLE_BUCKET]) == "/srv/data/sample_data"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"region": "Virginia"}, "region must look like us-east-1"),
        ({"queue_url": ""}, "queue_url is required"),
        ({"queue_url": "artificien-test-notebook-sync"}, "queue_url must be the queue's URL"),
        ({"targets": {}}, "targets must map each bucket"),
        ({"targets": {"Not_A_Bucket": "/srv/x"}}, "is not a bucket name"),
        ({"targets": {SAMPLE_BUCKET: "relative/dir"}}, "must be an absolute folder path"),
        ({"targets": {SAMPLE_BUCKET: "/a", TUTORIALS_BUCKET: "/a"}}, "share one folder"),
        ({"staging_dir": "tmp"}, "staging_dir must be an absolute"),
        ({"wait_seconds": 21}, "wait_seconds must be a number from 0 to 20"),
        ({"reconcile_seconds": True}, "reconcile_seconds must be a number"),
        ({"endpoint_url": 4566}, "endpoint_url must be a URL or null"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(change, message):
    with pytest.raises(ConfigError, match=message):
        parse({**VALID, **change})


def test_the_command_exits_2_on_an_unreadable_config(tmp_path, caplog):
    # GIVEN a settings file that is not JSON
    path = tmp_path / "notebook-sync.json"
    path.write_text("{not json")
    # WHEN the agent starts with it
    with pytest.raises(SystemExit) as exited:
        cli.main(["--config", str(path)])
    # THEN it exits 2 naming the file, and creates no folder
    assert exited.value.code == 2
    assert str(path) in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebook-sync.json"]


def test_the_command_refuses_a_staging_folder_inside_a_target(tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings = {
        **VALID,
        "targets": {SAMPLE_BUCKET: str(tmp_path / "sample_data")},
        "staging_dir": str(tmp_path / "sample_data" / ".staging"),
    }
    path = tmp_path / "notebook-sync.json"
    path.write_text(json.dumps(settings))
    with pytest.raises(SystemExit) as exited:
        cli.main(["--config", str(path), "--reconcile-once"])
    assert exited.value.code == 2
    assert "is inside" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebook-sync.json"]
