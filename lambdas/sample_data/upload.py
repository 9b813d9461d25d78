"""Stream byte chunks into one S3 object, never leaving a partial object behind.

Small bodies (under one part) go up in a single ``PutObject``; larger ones as a multipart upload
of parts of at least ``part_size`` bytes (S3's minimum is 5 MiB, except for the last part). S3
shows a multipart object only once ``CompleteMultipartUpload`` succeeds, and any failure on the
way aborts the upload, so readers see either the previous object or the complete new one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MIN_PART_SIZE = 5 * 1024 * 1024
DEFAULT_PART_SIZE = 8 * 1024 * 1024

LOGGER = logging.getLogger("sample_data.upload")


@dataclass(frozen=True)
class UploadResult:
    bucket: str
    key: str
    size: int
    parts: int  # 0: a single PutObject


def upload_stream(
    s3: Any,
    bucket: str,
    key: str,
    chunks: Iterable[bytes],
    *,
    part_size: int = DEFAULT_PART_SIZE,
    content_type: str = "text/csv; charset=utf-8",
) -> UploadResult:
    if part_size < MIN_PART_SIZE:
        raise ValueError(f"part_size must be >= {MIN_PART_SIZE} bytes (the S3 minimum)")
    buffer = bytearray()
    size = 0
    upload_id: str | None = None
    parts: list[dict[str, Any]] = []
    try:
        for chunk in chunks:
            buffer += chunk
            size += len(chunk)
            if len(buffer) >= part_size:
                if upload_id is None:
                    upload_id = s3.create_multipart_upload(
                        Bucket=bucket, Key=key, ContentType=content_type
                    )["UploadId"]
                parts.append(_upload_part(s3, bucket, key, upload_id, len(parts) + 1, buffer))
                buffer = bytearray()
        if upload_id is None:
            s3.put_object(Bucket=bucket, Key=key, Body=bytes(buffer), ContentType=content_type)
            return UploadResult(bucket=bucket, key=key, size=size, parts=0)
        if buffer:
            parts.append(_upload_part(s3, bucket, key, upload_id, len(parts) + 1, buffer))
        s3.complete_multipart_upload(
            Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
        )
        return UploadResult(bucket=bucket, key=key, size=size, parts=len(parts))
    except BaseException:
        if upload_id is not None:
            _abort(s3, bucket, key, upload_id)
        raise


def _upload_part(
    s3: Any, bucket: str, key: str, upload_id: str, number: int, body: bytearray
) -> dict[str, Any]:
    response = s3.upload_part(
        Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=bytes(body)
    )
    return {"PartNumber": number, "ETag": response["ETag"]}


def _abort(s3: Any, bucket: str, key: str, upload_id: str) -> None:
    try:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    except Exception:
        # The original error is what matters; the bucket's lifecycle rule removes the parts of
        # an upload whose abort also failed.
        LOGGER.exception(
            "abort failed", extra={"bucket": bucket, "key": key, "upload_id": upload_id}
        )
