"""DynamoDB stream batches: validate the event, make each new dataset's sample, report failures.

A batch answers with ``{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}, ...]}``
(the mapping has ``ReportBatchItemFailures``): Powertools' BatchProcessor runs every record and
reports the ones that raised, so a bad record fails alone and the rest succeed. Only a malformed
event (no ``Records`` list, a record without a sequence number) fails the whole invocation, since
Lambda could not tell which record to retry.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from sample_data import generator, upload
from sample_data.config import Config
from shared import dataset

LOGGER = logging.getLogger("sample_data.records")


class InvalidEvent(ValueError):
    """The invocation's event is not a DynamoDB stream batch."""


class RecordFailed(Exception):
    """One record could not be handled; already logged, reported as a batch item failure."""


def validate_event(event: Any) -> None:
    """Raise :class:`InvalidEvent` unless every record can at least be reported by sequence."""
    if not isinstance(event, Mapping) or not isinstance(event.get("Records"), list):
        raise InvalidEvent("event has no Records list")
    for index, record in enumerate(event["Records"]):
        if not isinstance(record, Mapping) or not isinstance(record.get("dynamodb"), Mapping):
            raise InvalidEvent(f"Records[{index}] has no dynamodb object")
        sequence_number = record["dynamodb"].get("SequenceNumber")
        if not isinstance(sequence_number, str) or not sequence_number:
            raise InvalidEvent(f"Records[{index}].dynamodb has no SequenceNumber")


def table_of(event_source_arn: str) -> str | None:
    """``arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`` -> ``<name>``."""
    _, _, resource = event_source_arn.partition(":table/")
    name, separator, _ = resource.partition("/stream/")
    return name if separator and name else None


def _rejected(message: str, context: dict[str, Any], **details: Any) -> RecordFailed:
    LOGGER.error(message, extra={**context, **details})
    return RecordFailed(details.get("reason", message))


def process_record(record: DynamoDBRecord, config: Config, s3: Any) -> None:
    """Make the sample of one record; raises :class:`RecordFailed` (logged) when it cannot."""
    stream = record.dynamodb
    context: dict[str, Any] = {"sequence_number": stream.sequence_number if stream else None}
    # The raw name, not the data class's enum: an unknown name is skipped, not an error.
    event_name = str(record.get("eventName") or "")
    if event_name != "INSERT":
        # The mapping's filter lets only INSERT through; anything else is not ours to act on.
        LOGGER.info("record skipped", extra={**context, "event_name": event_name})
        return
    if table_of(record.event_source_arn or "") != config.dataset_table:
        raise _rejected(
            "record rejected",
            context,
            field="eventSourceARN",
            reason=f"not from {config.dataset_table}",
        )
    # The DynamoDB-JSON image, as the website's item shape is validated (parse_item).
    new_image = stream.get("NewImage") if stream else None
    if not isinstance(new_image, Mapping):
        raise _rejected(
            "record rejected", context, field="NewImage", reason="missing (keys-only stream view)"
        )
    dataset_id = new_image.get("dataset_id", {})
    context["dataset_id"] = dataset_id.get("S") if isinstance(dataset_id, Mapping) else None
    try:
        # The same rule, limits included, that the registration API applied before storing it:
        # an item an operator wrote directly is held to it here.
        spec = dataset.parse_item(new_image, config.limits)
    except dataset.InvalidDataset as error:
        raise _rejected(
            "dataset rejected", context, field=error.field, reason=error.reason
        ) from None

    plan = generator.plan_rows(
        spec, config.default_sample_rows, config.max_sample_rows, config.max_sample_bytes
    )
    rows = plan.rows
    if plan.limited_by is not None:
        LOGGER.warning(
            "sample rows reduced",
            extra={
                **context,
                "wanted_rows": plan.wanted,
                "rows": rows,
                "limited_by": plan.limited_by,
                "max_sample_rows": config.max_sample_rows,
                "max_sample_bytes": config.max_sample_bytes,
                "row_bytes_at_most": dataset.row_bytes(spec),
            },
        )
    key = f"{spec.dataset_id}.csv"
    try:
        result = upload.upload_stream(
            s3, config.sample_data_bucket, key, generator.generate_csv(spec, rows)
        )
    except Exception as error:
        # Any AWS or network error: the upload was aborted, nothing is visible; Lambda retries
        # the record (same bytes) and finally hands it to the on-failure destination.
        LOGGER.exception("sample upload failed", extra={**context, "key": key})
        raise RecordFailed("sample upload failed") from error
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


def process_batch(
    event: Any, config: Config, s3: Any, context: Any = None
) -> dict[str, list[dict[str, str]]]:
    validate_event(event)
    # One processor per batch: it keeps the batch's results, and invocations may overlap in tests.
    # A batch whose every record failed is still a partial response, not an exception: each
    # failure is retried on its own and the log already names why.
    processor = BatchProcessor(EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=dict(event),
        record_handler=lambda record: process_record(record, config, s3),
        processor=processor,
        context=context,
    )
    failures = [
        {"itemIdentifier": str(failure["itemIdentifier"])}
        for failure in response.get("batchItemFailures", [])
    ]
    LOGGER.info("batch done", extra={"records": len(event["Records"]), "failures": len(failures)})
    return {"batchItemFailures": failures}
