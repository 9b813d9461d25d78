"""The local trigger runner: what Lambda's stream mapping does, for the local emulator.

The emulator stores DynamoDB stream records but runs no Lambda code. This runner reads the dataset
table's stream on the emulator, keeps the records the mapping's filter lets through (INSERT), shapes
them exactly as Lambda delivers them (``{"Records": [...]}``, at most ``BATCH_SIZE`` per call), and
calls the sample-data handler in-process with the dependencies the function builds from its own
environment variables (``build(environment)``), taken from the Terraform outputs. It logs every
``batchItemFailures`` entry and remembers, per shard, the last sequence number it handled (in
memory, and in ``--state-file`` when given, so a restart resumes where it stopped).

Differences from Lambda, on purpose: a failing record is logged and passed over instead of being
retried and sent to the failure queue, and a batch whose invocation raises is retried on the next
polls at most ``MAX_BATCH_ATTEMPTS`` times.

Run it with ``python -m artificien_infra.local.triggers --endpoint-url URL --outputs-json FILE`` or
``artificien-infra local triggers``; it runs in the foreground until interrupted.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import click

from artificien_infra.core.config import LOCAL_CREDENTIALS
from artificien_infra.core.files import write_atomic
from artificien_infra.errors import UserError
from artificien_infra.local.lambdas import import_lambda_module

LOGGER = logging.getLogger("artificien.triggers")

BATCH_SIZE = 10  # the mapping's batch_size
MAX_BATCH_ATTEMPTS = 3
DEFAULT_FILTER_PATTERN = json.dumps({"eventName": ["INSERT"]})


class TriggerError(UserError):
    """The outputs do not describe a deployed sample-data trigger."""


def flatten_outputs(document: Mapping[str, Any]) -> dict[str, Any]:
    """``terraform output -json`` wraps each value as ``{"value": ..., "type": ...}``; unwrap."""
    return {
        name: value["value"] if isinstance(value, Mapping) and "value" in value else value
        for name, value in document.items()
    }


def _require(outputs: Mapping[str, Any], name: str) -> Any:
    value = outputs.get(name)
    if not value:
        raise TriggerError(f"Terraform output {name!r} is missing: is the platform applied?")
    return value


def function_environment(outputs: Mapping[str, Any]) -> dict[str, str]:
    """The sample-data function's environment variables, as Terraform configured them."""
    environment = outputs.get("sample_data_environment")
    if isinstance(environment, Mapping) and environment:
        return {str(key): str(value) for key, value in environment.items()}
    return {
        "DATASET_TABLE": str(_require(outputs, "dataset_table_name")),
        "SAMPLE_DATA_BUCKET": str(_require(outputs, "sample_data_bucket_name")),
    }


def filter_pattern(outputs: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The mapping's filter pattern; only the form it uses (top-level key: allowed values)."""
    pattern = json.loads(outputs.get("sample_data_event_filter_pattern") or DEFAULT_FILTER_PATTERN)
    if not isinstance(pattern, dict) or not all(isinstance(v, list) for v in pattern.values()):
        raise TriggerError(f"unsupported filter pattern: {pattern!r}")
    return pattern


def matches(record: Mapping[str, Any], pattern: Mapping[str, list[Any]]) -> bool:
    return all(record.get(key) in allowed for key, allowed in pattern.items())


def lambda_record(record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A ``GetRecords`` record in the shape Lambda hands to the function."""
    body = dict(record["dynamodb"])
    created = body.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        body["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record.get("eventID", uuid.uuid4().hex),
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", region),
        "dynamodb": body,
        "eventSourceARN": stream_arn,
    }


@dataclass
class ShardPositions:
    """Last handled sequence number per shard; persisted to ``path`` when given."""

    path: Path | None = None
    positions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> ShardPositions:
        if path is None or not path.is_file():
            return cls(path=path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path=path, positions={str(k): str(v) for k, v in data.items()})
        except (json.JSONDecodeError, AttributeError, UnicodeDecodeError) as error:
            # Replaying the stream is safe: the same item always writes the same bytes.
            LOGGER.warning("ignoring unreadable positions file %s (%s): replaying", path, error)
            return cls(path=path)

    def advance(self, shard_id: str, sequence_number: str) -> None:
        self.positions[shard_id] = sequence_number
        if self.path is not None:
            write_atomic(self.path, json.dumps(self.positions, sort_keys=True))


def load_handler(environment: Mapping[str, str]) -> Callable[[Any, Any], Any]:
    """The sample-data function as Lambda would run it with ``environment``: its dependencies
    built once from that mapping (``build``), then ``handle(deps, event, context)`` per batch.

    Nothing of this process's ``os.environ`` is swapped or read by the function.
    """
    module = import_lambda_module("sample_data.handler")
    deps = module.build(dict(environment))

    def invoke(event: Any, context: Any) -> Any:
        return module.handle(deps, event, context)

    return invoke


@dataclass
class TriggerRunner:
    streams: Any
    stream_arn: str
    region: str
    handler: Any
    pattern: Mapping[str, list[Any]]
    positions: ShardPositions
    attempts: dict[str, int] = field(default_factory=dict)

    def poll_once(self) -> int:
        """Deliver every new record of every shard; returns the number of records delivered."""
        delivered = 0
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            delivered += self._drain(shard["ShardId"])
        return delivered

    def _iterator(self, shard_id: str) -> str:
        last = self.positions.positions.get(shard_id)
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard_id}
        if last is None:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=last)
        return self.streams.get_shard_iterator(**kwargs)["ShardIterator"]

    def _drain(self, shard_id: str) -> int:
        delivered = 0
        iterator: str | None = self._iterator(shard_id)
        while iterator:
            response = self.streams.get_records(ShardIterator=iterator, Limit=BATCH_SIZE)
            records = response.get("Records", [])
            if not records:
                break
            if not self._deliver(shard_id, records):
                break  # retried from the same position on the next poll
            delivered += len(records)
            iterator = response.get("NextShardIterator")
        return delivered

    def _deliver(self, shard_id: str, records: list[dict[str, Any]]) -> bool:
        """Invoke the handler for one batch; True when the shard may move past it."""
        last = records[-1]["dynamodb"]["SequenceNumber"]
        selected = [
            lambda_record(record, self.stream_arn, self.region)
            for record in records
            if matches(record, self.pattern)
        ]
        if selected:
            context = SimpleNamespace(
                aws_request_id=str(uuid.uuid4()), function_name="sample_data (local trigger)"
            )
            try:
                response = self.handler({"Records": selected}, context)
            except Exception:
                attempts = self.attempts.get(last, 0) + 1
                self.attempts[last] = attempts
                LOGGER.exception(
                    "invocation failed (attempt %d of %d)", attempts, MAX_BATCH_ATTEMPTS
                )
                if attempts < MAX_BATCH_ATTEMPTS:
                    return False
                LOGGER.error("batch dropped after %d attempts (up to %s)", attempts, last)
            else:
                failures = (response or {}).get("batchItemFailures", [])
                for failure in failures:
                    LOGGER.warning(
                        "record failed: sequence number %s", failure.get("itemIdentifier")
                    )
                LOGGER.info("delivered %d record(s), %d failed", len(selected), len(failures))
        self.attempts.pop(last, None)
        self.positions.advance(shard_id, last)
        return True


def build_runner(
    outputs: Mapping[str, Any],
    endpoint_url: str | None,
    region: str | None = None,
    state_file: Path | None = None,
) -> TriggerRunner:
    stream_arn = str(_require(outputs, "dataset_table_stream_arn"))
    region = region or stream_arn.split(":")[3]
    environment = {**function_environment(outputs), "AWS_DEFAULT_REGION": region}
    client_args: dict[str, Any] = {"region_name": region}
    if endpoint_url:
        environment["AWS_ENDPOINT_URL"] = endpoint_url
        client_args["endpoint_url"] = endpoint_url
        if not os.environ.get("AWS_ACCESS_KEY_ID"):
            # The emulator accepts any credentials; none may be configured on a developer box.
            environment.update(LOCAL_CREDENTIALS)
            client_args.update(
                aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            )
    return TriggerRunner(
        streams=boto3.client("dynamodbstreams", **client_args),
        stream_arn=stream_arn,
        region=region,
        handler=load_handler(environment),
        pattern=filter_pattern(outputs),
        positions=ShardPositions.load(state_file),
    )


def run(
    outputs: Mapping[str, Any],
    endpoint_url: str | None,
    region: str | None = None,
    stop: threading.Event | None = None,
    poll_seconds: float = 2.0,
    state_file: Path | None = None,
) -> int:
    """Poll and deliver until ``stop`` is set; returns the records delivered.

    A ``stop`` already set makes exactly one pass (what tests and ``--once`` use).
    """
    runner = build_runner(outputs, endpoint_url, region, state_file)
    stop = stop or threading.Event()
    LOGGER.info("watching %s", runner.stream_arn)
    delivered = 0
    while True:
        delivered += runner.poll_once()
        if stop.wait(poll_seconds if not stop.is_set() else 0):
            return delivered


def _read_outputs(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{path}: cannot read Terraform outputs: {error}") from None
    if not isinstance(document, dict):
        raise click.ClickException(f"{path}: expected a JSON object of outputs")
    return flatten_outputs(document)


@click.command("triggers")
@click.option("--endpoint-url", required=True, help="URL of the local emulator.")
@click.option(
    "--outputs-json",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="`terraform output -json` of the local env (or a flat name -> value object).",
)
@click.option("--region", default=None, help="Default: the region of the dataset stream.")
@click.option("--poll-seconds", default=2.0, show_default=True, type=click.FloatRange(min=0.1))
@click.option(
    "--state-file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Remember shard positions here across restarts.",
)
@click.option("--once", is_flag=True, help="Deliver what is in the stream now, then exit.")
def triggers(
    endpoint_url: str,
    outputs_json: Path,
    region: str | None,
    poll_seconds: float,
    state_file: Path | None,
    once: bool,
) -> None:
    """Deliver the dataset stream to the sample-data handler, as Lambda would (local env)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    if once:
        stop.set()
    else:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
    try:
        delivered = run(
            _read_outputs(outputs_json), endpoint_url, region, stop, poll_seconds, state_file
        )
    except TriggerError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"delivered {delivered} record(s)", err=True)


def main() -> None:
    triggers(prog_name="python -m artificien_infra.local.triggers")


if __name__ == "__main__":
    main()
