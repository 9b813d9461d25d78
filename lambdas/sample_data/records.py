"""DynamoDB stream batches: validate the event, make each new dataset's sample, report failures.

A batch answers with ``{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}, ...]}``
(the mapping has ``ReportBatchItemFailures``): a bad record fails alone and the rest succeed.
Only a malformed event (no ``Records`` list, a record without a sequence number) fails the whole
invocation, since Lambda could not tell which record to retry.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sample_data import dataset, generator, upload
from sample_data.config import Config

LOGGER = logging.getLogger("sample_data.records")


class InvalidEvent(ValueError):
    """The invocation's event is not a DynamoDB stream batch."""


@dataclass(frozen=True)
class StreamRecord:
    sequence_number: str
    event_name: str
    event_source_arn: str
    new_image: Mapping[str, Any] | None


def parse_event(event: Any) -> list[StreamRecord]:
    if not isinstance(event, Mapping) or not isinstance(event.get("Records"), list):
        raise InvalidEvent("event has no Records list")
    records = []
    for index, record in enumerate(event["Records"]):
        if not isinstance(record, Mapping) or not isinstance(record.get("dynamodb"), Mapping):
            raise InvalidEvent(f"Records[{index}] has no dynamodb object")
        body = record["dynamodb"]
        sequence_number = body.get("SequenceNumber")
        if not isinstance(sequence_number, str) or not sequence_number:
            raise InvalidEvent(f"Records[{index}].dynamodb has no SequenceNumber")
        new_image = body.get("NewImage")
        records.append(
            StreamRecord(
                sequence_number=sequence_number,
                event_name=str(record.get("eventName", "")),
                event_source_arn=str(record.get("eventSourceARN", "")),
                new_image=new_image if isinstance(new_image, Mapping) else None,
            )
        )
    return records


def table_of(event_source_arn: str) -> str | None:
    """``arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`` -> ``<name>``."""
    _, _, resource = event_source_arn.partition(":table/")
    name, separator, _ = resource.partition("/stream/")
    return name if separator and name else None


def process_record(record: StreamRecord, config: Config, s3: Any) -> bool:
    """Make the sample of one record; True when the record succeeded (or needs nothing)."""
    context: dict[str, Any] = {"sequence_number": record.sequence_number}
    if record.event_name != "INSERT":
        # The mapping's filter lets only INSERT through; anything else is not ours to act on.
        LOGGER.info("record skipped", extra={**context, "event_name": record.event_name})
        return True
    table = table_of(record.event_source_arn)
    if table != config.dataset_table:
        LOGGER.error(
            "record rejected",
            extra={
                **context,
                "field": "eventSourceARN",
                "reason": f"not from {config.dataset_table}",
            },
        )
        return False
    if record.new_image is None:
        LOGGER.error(
            "record rejected",
            extra={**context, "field": "NewImage", "reason": "missing (keys-only stream view)"},
        )
        return False
    dataset_id = record.new_image.get("dataset_id", {})
    context["dataset_id"] = dataset_id.get("S") if isinstance(dataset_id, Mapping) else None
    try:
        spec = dataset.parse_item(record.new_image)
    except dataset.InvalidDataset as error:
        LOGGER.error(
            "dataset rejected", extra={**context, "field": error.field, "reason": error.reason}
        )
        return False

    rows = generator.row_count(spec, config.default_sample_rows, config.max_sample_rows)
    key = f"{spec.dataset_id}.csv"
    try:
        result = upload.upload_stream(
            s3, config.sample_data_bucket, key, generator.generate_csv(spec, rows)
        )
    except Exception:
        # Any AWS or network error: the upload was aborted, nothing is visible; Lambda retries
        # the record (same bytes) and finally hands it to the on-failure destination.
        LOGGER.exception("sample upload failed", extra={**context, "key": key})
        return False
    LOGGER.info(
        "sample written",
        extra={
            **context,
            "bucket": result.bucket,
            "key": result.key,
            "rows": rows,
            "bytes": result.size,
            "parts": result.parts,
        },
    )
    return True


def process_batch(event: Any, config: Config, s3: Any) -> dict[str, list[dict[str, str]]]:
    records = parse_event(event)
    failures = [
        {"itemIdentifier": record.sequence_number}
        for record in records
        if not process_record(record, config, s3)
    ]
    LOGGER.info("batch done", extra={"records": len(records), "failures": len(failures)})
    return {"batchItemFailures": failures}
