"""Streaming upload: one PutObject when small, multipart when large, nothing left on failure."""

import pytest

from sample_data import upload

MIB = 1024 * 1024


def _chunks(total: int, size: int = 256 * 1024):
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        yield bytes([65 + (sent // size) % 26]) * n
        sent += n


def test_small_body_is_one_put(bucket):
    result = upload.upload_stream(
        bucket.client, bucket.name, "small.csv", iter([b"a,b\r\n", b"1,2\r\n"])
    )
    assert (result.parts, result.size) == (0, 10)
    assert bucket.body("small.csv") == b"a,b\r\n1,2\r\n"
    head = bucket.client.head_object(Bucket=bucket.name, Key="small.csv")
    assert head["ContentType"].startswith("text/csv")


def test_large_body_goes_up_in_parts_of_at_least_five_mib(bucket, monkeypatch):
    # GIVEN a 12.5 MiB body and 5 MiB parts
    sizes = []
    original = bucket.client.upload_part

    def record(**kwargs):
        sizes.append(len(kwargs["Body"]))
        return original(**kwargs)

    monkeypatch.setattr(bucket.client, "upload_part", record)
    expected = b"".join(_chunks(int(12.5 * MIB)))
    # WHEN it is streamed
    result = upload.upload_stream(
        bucket.client, bucket.name, "big.csv", _chunks(int(12.5 * MIB)), part_size=5 * MIB
    )
    # THEN every part but the last is >= 5 MiB and the object is the exact concatenation
    assert result.parts == len(sizes) == 3
    assert all(size >= 5 * MIB for size in sizes[:-1])
    assert bucket.body("big.csv") == expected
    assert bucket.pending_uploads() == []


def test_failure_midway_aborts_and_leaves_nothing(bucket, monkeypatch):
    # GIVEN S3 that fails on the second part
    original = bucket.client.upload_part
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["PartNumber"])
        if kwargs["PartNumber"] == 2:
            raise ConnectionError("network gone")
        return original(**kwargs)

    monkeypatch.setattr(bucket.client, "upload_part", flaky)
    # WHEN a large body is streamed THEN the error surfaces
    with pytest.raises(ConnectionError):
        upload.upload_stream(
            bucket.client, bucket.name, "big.csv", _chunks(12 * MIB), part_size=5 * MIB
        )
    # AND no object and no pending multipart upload remain
    assert calls == [1, 2]
    assert bucket.keys() == []
    assert bucket.pending_uploads() == []


def test_generator_failure_midway_also_aborts(bucket):
    def broken():
        yield from _chunks(6 * MIB)
        raise RuntimeError("generator broke")

    with pytest.raises(RuntimeError, match="generator broke"):
        upload.upload_stream(bucket.client, bucket.name, "x.csv", broken(), part_size=5 * MIB)
    assert bucket.keys() == []
    assert bucket.pending_uploads() == []


def test_part_size_below_the_s3_minimum_is_refused(bucket):
    with pytest.raises(ValueError, match="part_size"):
        upload.upload_stream(bucket.client, bucket.name, "x.csv", iter([b"x"]), part_size=MIB)
