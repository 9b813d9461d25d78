"""The agent against moto's S3 and SQS: S3 really notifies the queue, the agent copies."""

import logging
import threading

import pytest
from botocore.exceptions import ReadTimeoutError
from notebook_sync.agent import Agent
from notebook_sync_support import (
    SAMPLE_BUCKET,
    TUTORIALS_BUCKET,
    drain,
    load_event,
    queue_depth,
    send,
)


def test_a_new_object_is_copied_and_its_message_deleted(agent, s3, sqs, queue_url, folders):
    # GIVEN the sample generator writes a new app's CSV (a name with spaces and parentheses)
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="Sleep Study (beta).csv", Body=b"a,b\n1,2\n")

    # WHEN the agent drains the queue (the configuration's test events come first)
    drain(agent)

    # THEN the file is in the notebook folder, world-readable, and the queue is empty
    copied = folders[SAMPLE_BUCKET] / "Sleep Study (beta).csv"
    assert copied.read_bytes() == b"a,b\n1,2\n"
    assert copied.stat().st_mode & 0o777 == 0o644
    assert queue_depth(sqs, queue_url) == 0
    assert list(folders["staging"].iterdir()) == []


def test_an_overwritten_object_replaces_the_file(agent, s3, folders):
    # GIVEN a tutorial already copied
    s3.put_object(Bucket=TUTORIALS_BUCKET, Key="tutorials/health.ipynb", Body=b"v1")
    drain(agent)
    target = folders[TUTORIALS_BUCKET] / "tutorials" / "health.ipynb"
    assert target.read_bytes() == b"v1"

    # WHEN it is overwritten in the bucket
    s3.put_object(Bucket=TUTORIALS_BUCKET, Key="tutorials/health.ipynb", Body=b"version two")
    drain(agent)

    # THEN the file holds the new content, whole
    assert target.read_bytes() == b"version two"
    assert list(folders["staging"].iterdir()) == []


def test_a_deleted_object_removes_the_file_and_its_empty_folder(agent, s3, folders):
    # GIVEN a sample in a sub-folder of the plain bucket, copied
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="archive/Old App.csv", Body=b"x\n1\n")
    drain(agent)
    target = folders[SAMPLE_BUCKET] / "archive" / "Old App.csv"
    assert target.exists()

    # WHEN the object is deleted (S3 sends ObjectRemoved:Delete)
    s3.delete_object(Bucket=SAMPLE_BUCKET, Key="archive/Old App.csv")
    drain(agent)

    # THEN the file and the folder it leaves empty are gone; the notebook folder stays
    assert not target.exists()
    assert not target.parent.exists()
    assert folders[SAMPLE_BUCKET].is_dir()


def test_a_delete_marker_on_a_versioned_bucket_removes_the_file(agent, s3, sqs, queue_url, folders):
    # GIVEN a tutorial copied from the versioned bucket
    s3.put_object(Bucket=TUTORIALS_BUCKET, Key="tutorials/health-tutorial.ipynb", Body=b"{}")
    drain(agent)
    target = folders[TUTORIALS_BUCKET] / "tutorials" / "health-tutorial.ipynb"
    assert target.exists()

    # WHEN it is deleted without a version id: AWS writes a delete marker and sends
    # ObjectRemoved:DeleteMarkerCreated (the emulator sends nothing, so the test sends AWS's body)
    s3.delete_object(Bucket=TUTORIALS_BUCKET, Key="tutorials/health-tutorial.ipynb")
    send(sqs, queue_url, load_event("object_removed_delete_marker.json"))
    drain(agent)

    # THEN the file is removed, because the object no longer has a current version
    assert not target.exists()
    assert queue_depth(sqs, queue_url) == 0


def test_a_late_event_never_brings_back_an_old_copy(agent, s3, sqs, queue_url, folders):
    # GIVEN an object overwritten twice before the agent polls (two events on the queue)
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="App.csv", Body=b"old")
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="App.csv", Body=b"newest")
    # WHEN the agent handles both events
    drain(agent)
    # THEN the file is the object as it is now: each event re-reads the object
    assert (folders[SAMPLE_BUCKET] / "App.csv").read_bytes() == b"newest"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("this is not json {", "not JSON"),
        ('["a", "list"]', "not a JSON object"),
        ('{"hello": "a message from someone else"}', "no Records"),
        ('{"Records": [{"eventSource": "aws:sqs"}]}', "no S3 object-created"),
        (load_event("test_event.json"), "S3 test event"),
    ],
)
def test_malformed_and_foreign_messages_are_logged_and_dropped(
    agent, sqs, queue_url, folders, caplog, body, reason
):
    # GIVEN a message on the queue that is no S3 object notification
    drain(agent)  # the configuration's own test events
    send(sqs, queue_url, body)

    # WHEN the agent polls
    with caplog.at_level(logging.WARNING, logger="notebook_sync"):
        deleted = drain(agent)

    # THEN it is logged with the reason and deleted, and no file is written
    assert deleted == 1
    assert queue_depth(sqs, queue_url) == 0
    assert any(reason in record.getMessage() for record in caplog.records)
    assert list(folders[SAMPLE_BUCKET].iterdir()) == []


def test_a_record_for_another_bucket_is_dropped(agent, sqs, queue_url, folders, caplog):
    # GIVEN a well-formed notification from a bucket the agent does not mirror
    drain(agent)
    body = load_event("object_created_put.json").replace(SAMPLE_BUCKET, "someone-elses-bucket")
    send(sqs, queue_url, body)

    # WHEN the agent polls
    with caplog.at_level(logging.WARNING, logger="notebook_sync"):
        assert drain(agent) == 1

    # THEN nothing is written and the reason is logged
    assert list(folders[SAMPLE_BUCKET].iterdir()) == []
    assert "is not mirrored" in caplog.text


class _FailingBody:
    """A response body whose connection drops after the first chunk."""

    def __init__(self, body):
        self.body = body

    def iter_chunks(self, size):
        yield self.body.read(3)
        raise ReadTimeoutError(endpoint_url="https://s3.us-east-1.amazonaws.com")


class _FailingS3:
    """The real (moto) client, except that downloads fail midway while ``failing`` is set."""

    def __init__(self, s3):
        self.s3 = s3
        self.failing = True

    def get_object(self, **kwargs):
        response = self.s3.get_object(**kwargs)
        if self.failing:
            response["Body"] = _FailingBody(response["Body"])
        return response

    def __getattr__(self, name):
        return getattr(self.s3, name)


def test_a_download_failing_midway_leaves_no_partial_file(make_agent, s3, sqs, queue_url, folders):
    # GIVEN S3 drops the connection in the middle of every download
    failing = _FailingS3(s3)
    agent = make_agent(failing)
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="Big App.csv", Body=b"header\n" + b"1,2,3\n" * 1000)

    # WHEN the agent handles the event
    agent.poll_once()  # the configuration's test events
    result = agent.poll_once()

    # THEN no file (not even a part) is in the notebook folder or left in staging, and the message
    # stays on the queue for a retry
    assert result.kept == 1
    assert list(folders[SAMPLE_BUCKET].iterdir()) == []
    assert list(folders["staging"].iterdir()) == []
    assert queue_depth(sqs, queue_url) == 1

    # WHEN S3 recovers
    failing.failing = False
    drain(agent)

    # THEN the retried message copies the whole file
    assert (folders[SAMPLE_BUCKET] / "Big App.csv").read_bytes().count(b"\n") == 1001
    assert queue_depth(sqs, queue_url) == 0


def test_a_download_failing_midway_keeps_the_previous_file(make_agent, s3, folders):
    # GIVEN a file already copied
    failing = _FailingS3(s3)
    failing.failing = False
    agent = make_agent(failing)
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="App.csv", Body=b"version 1\n")
    drain(agent)

    # WHEN the overwrite's download fails midway
    failing.failing = True
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="App.csv", Body=b"version 2, much longer\n")
    agent.poll_once()

    # THEN readers still see the whole previous file
    assert (folders[SAMPLE_BUCKET] / "App.csv").read_bytes() == b"version 1\n"
    assert list(folders["staging"].iterdir()) == []


class _ShortS3(_FailingS3):
    """S3 closes the body early without an error: fewer bytes than ContentLength."""

    def get_object(self, **kwargs):
        response = self.s3.get_object(**kwargs)
        response["Body"] = _ShortBody(response["Body"])
        return response


class _ShortBody:
    def __init__(self, body):
        self.body = body

    def iter_chunks(self, size):
        yield self.body.read(2)


def test_a_truncated_body_is_not_installed(make_agent, s3, folders):
    agent = make_agent(_ShortS3(s3))
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="App.csv", Body=b"0123456789")
    agent.poll_once()
    agent.poll_once()
    assert not (folders[SAMPLE_BUCKET] / "App.csv").exists()
    assert list(folders["staging"].iterdir()) == []


def test_a_message_failing_every_time_is_dropped_after_max_receives(
    make_agent, s3, sqs, queue_url, caplog
):
    # GIVEN downloads that always fail, and at most 3 receives per message
    agent = make_agent(_FailingS3(s3), max_receives=3)
    agent.poll_once()
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="App.csv", Body=b"0123456789")

    # WHEN the agent keeps polling
    with caplog.at_level(logging.ERROR, logger="notebook_sync"):
        kept = [agent.poll_once().kept for _ in range(3)]

    # THEN the message is retried twice, then dropped with an error naming the reconcile
    assert kept == [1, 1, 0]
    assert queue_depth(sqs, queue_url) == 0
    assert "the next reconcile copies its objects" in caplog.text


def test_unsafe_keys_never_write_outside_the_folder(agent, s3, folders, tmp_path):
    # GIVEN keys that would climb out of the folder, and a folder marker
    for key in ("../escaped.csv", "a/../../escaped.csv", "folder/"):
        s3.put_object(Bucket=SAMPLE_BUCKET, Key=key, Body=b"x")

    # WHEN the agent handles their events and reconciles
    drain(agent)
    agent.reconcile()

    # THEN nothing is written anywhere
    assert not list(tmp_path.rglob("escaped.csv"))
    assert list(folders[SAMPLE_BUCKET].iterdir()) == []


def test_reconcile_copies_what_is_missing_and_removes_what_is_gone(agent, s3, folders):
    # GIVEN objects that were written while the agent was down, a file whose object was deleted
    # meanwhile, and a file that differs from its object
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="New.csv", Body=b"new")
    s3.put_object(Bucket=SAMPLE_BUCKET, Key="Changed.csv", Body=b"fresh content")
    s3.put_object(Bucket=TUTORIALS_BUCKET, Key="tutorials/t.ipynb", Body=b"{}")
    folders[SAMPLE_BUCKET].joinpath("Gone.csv").write_bytes(b"stale")
    folders[SAMPLE_BUCKET].joinpath("Changed.csv").write_bytes(b"stale")

    # WHEN the agent reconciles (as it does at start)
    assert agent.reconcile()

    # THEN the folders match the buckets
    assert sorted(p.name for p in folders[SAMPLE_BUCKET].iterdir()) == ["Changed.csv", "New.csv"]
    assert (folders[SAMPLE_BUCKET] / "Changed.csv").read_bytes() == b"fresh content"
    assert (folders[TUTORIALS_BUCKET] / "tutorials" / "t.ipynb").read_bytes() == b"{}"

    # WHEN it reconciles again with nothing changed
    result = agent.mirror.reconcile(SAMPLE_BUCKET)

    # THEN nothing is downloaded again
    assert (result.copied, result.removed, result.unchanged) == (0, 0, 2)


def test_reconcile_removes_leftover_staging_files_at_start(make_agent, s3, folders):
    # GIVEN a part left in staging by a download that was killed
    folders["staging"].mkdir(parents=True)
    (folders["staging"] / ".part-abc123").write_bytes(b"half")
    # WHEN the agent starts
    make_agent(s3)
    # THEN the part is gone
    assert list(folders["staging"].iterdir()) == []


def test_run_reconciles_at_start_and_again_when_due(sqs, queue_url, buckets, folders, s3):
    # GIVEN an agent whose clock the test moves, and an object written before it starts
    from notebook_sync.mirror import Mirror

    s3.put_object(Bucket=SAMPLE_BUCKET, Key="Before.csv", Body=b"1")
    now = [0.0]
    mirror = Mirror(
        s3,
        {SAMPLE_BUCKET: folders[SAMPLE_BUCKET], TUTORIALS_BUCKET: folders[TUTORIALS_BUCKET]},
        folders["staging"],
    )
    reconciles = []
    stop = threading.Event()

    class Counting(Agent):
        def reconcile(self):
            reconciles.append(now[0])
            return super().reconcile()

        def poll_once(self):
            now[0] += 1000.0
            if now[0] > 4000:
                stop.set()
            return super().poll_once()

    agent = Counting(
        sqs=sqs,
        mirror=mirror,
        queue_url=queue_url,
        wait_seconds=0,
        reconcile_seconds=3600,
        clock=lambda: now[0],
    )

    # WHEN it runs for a simulated 5000 s
    agent.run(stop)

    # THEN it reconciled at start and once more after an hour, and copied the early object
    assert reconciles == [0.0, 4000.0]
    assert (folders[SAMPLE_BUCKET] / "Before.csv").read_bytes() == b"1"
