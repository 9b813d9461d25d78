"""What an SQS message from S3 says: the objects it names, or why it is dropped.

Pure functions. S3 sends three kinds of bodies to a queue: event notifications
(``{"Records": [...]}``), one ``s3:TestEvent`` when the notification configuration is written, and
nothing else; anything else on the queue is someone else's message. Only the bucket and key of a
record are used: the agent re-reads the object itself, so a duplicated, late or out-of-order event
cannot leave an old copy behind.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

HANDLED_EVENTS = ("ObjectCreated:", "ObjectRemoved:")


@dataclass(frozen=True)
class ObjectChange:
    """An object that was created, overwritten or deleted (``event`` says which, for the log)."""

    bucket: str
    key: str
    event: str


@dataclass(frozen=True)
class Dropped:
    """A message that names no object to copy; ``reason`` goes to the log."""

    reason: str


def parse_message(body: str) -> list[ObjectChange] | Dropped:
    """The object changes a message body announces, in order and without repeats."""
    try:
        document = json.loads(body)
    except (TypeError, ValueError):
        return Dropped("not JSON")
    if not isinstance(document, dict):
        return Dropped("not a JSON object")
    if document.get("Event") == "s3:TestEvent":
        return Dropped(f"S3 test event for bucket {document.get('Bucket')!r}")
    records = document.get("Records")
    if not isinstance(records, list):
        return Dropped("not an S3 event notification (no Records)")
    changes: list[ObjectChange] = []
    for record in records:
        change = _object_change(record)
        if change is not None and change not in changes:
            changes.append(change)
    if not changes:
        return Dropped("no S3 object-created or object-removed record")
    return changes


def _object_change(record: Any) -> ObjectChange | None:
    if not isinstance(record, dict) or record.get("eventSource") != "aws:s3":
        return None
    event = record.get("eventName")
    if not isinstance(event, str) or not event.startswith(HANDLED_EVENTS):
        return None
    s3 = record.get("s3")
    if not isinstance(s3, dict):
        return None
    bucket = (s3.get("bucket") or {}).get("name") if isinstance(s3.get("bucket"), dict) else None
    key = (s3.get("object") or {}).get("key") if isinstance(s3.get("object"), dict) else None
    if not isinstance(bucket, str) or not isinstance(key, str) or not bucket or not key:
        return None
    # Keys arrive URL-encoded, spaces as "+" ("Sleep Study.csv" -> "Sleep+Study.csv").
    return ObjectChange(bucket=bucket, key=unquote_plus(key), event=event)
