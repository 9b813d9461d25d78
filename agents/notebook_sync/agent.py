"""The loop: long-poll the queue, apply each message, reconcile at start and every hour.

A message is deleted once every object it names has been applied, or when it names none (test
events, foreign messages, malformed bodies: logged and dropped). When S3 or the disk fails, the
message stays on the queue and comes back after its visibility timeout; after ``max_receives``
tries it is dropped with an error, and the next reconcile copies what it named.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from notebook_sync.events import Dropped, parse_message
from notebook_sync.mirror import TRANSIENT, Mirror

LOGGER = logging.getLogger("notebook_sync.agent")

RETRY_SECONDS = 60.0  # after a reconcile that could not list a bucket
BACKOFF_SECONDS = 5.0  # after a failed ReceiveMessage


@dataclass(frozen=True)
class PollResult:
    received: int = 0
    deleted: int = 0
    kept: int = 0


@dataclass
class Agent:
    sqs: Any
    mirror: Mirror
    queue_url: str
    wait_seconds: int = 20
    max_receives: int = 5
    reconcile_seconds: float = 3600.0
    clock: Callable[[], float] = time.monotonic

    def poll_once(self) -> PollResult:
        """One ReceiveMessage (long poll), every message applied; errors of the call propagate."""
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=self.wait_seconds,
            AttributeNames=["ApproximateReceiveCount"],
        )
        messages = response.get("Messages", [])
        deleted = 0
        for message in messages:
            if self.handle(message):
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
                deleted += 1
        return PollResult(len(messages), deleted, len(messages) - deleted)

    def handle(self, message: dict[str, Any]) -> bool:
        """Apply one message; True when it may be deleted."""
        message_id = message.get("MessageId", "?")
        parsed = parse_message(message.get("Body", ""))
        if isinstance(parsed, Dropped):
            LOGGER.warning("dropped message %s: %s", message_id, parsed.reason)
            return True
        complete = True
        for change in parsed:
            if change.bucket not in self.mirror.buckets:
                LOGGER.warning(
                    "dropped record of message %s: bucket %r is not mirrored",
                    message_id,
                    change.bucket,
                )
                continue
            try:
                outcome = self.mirror.sync_key(change.bucket, change.key)
            except TRANSIENT as error:
                LOGGER.error(
                    "s3://%s/%s (%s) failed: %s", change.bucket, change.key, change.event, error
                )
                complete = False
                continue
            LOGGER.debug("s3://%s/%s: %s", change.bucket, change.key, outcome)
        if complete:
            return True
        receives = _receive_count(message)
        if receives >= self.max_receives:
            LOGGER.error(
                "dropped message %s after %d receives; the next reconcile copies its objects",
                message_id,
                receives,
            )
            return True
        return False

    def reconcile(self) -> bool:
        """A full pass over every bucket; False when a bucket could not be listed."""
        listed = True
        for bucket in sorted(self.mirror.buckets):
            try:
                self.mirror.reconcile(bucket)
            except TRANSIENT as error:
                LOGGER.error("reconcile of s3://%s failed: %s", bucket, error)
                listed = False
        return listed

    def run(self, stop: threading.Event, reconcile_now: threading.Event | None = None) -> None:
        """Until ``stop`` is set: reconcile when due (or asked), then one long poll."""
        reconcile_now = reconcile_now or threading.Event()
        due = self.clock()
        LOGGER.info("watching %s for %s", self.queue_url, ", ".join(sorted(self.mirror.buckets)))
        while not stop.is_set():
            if reconcile_now.is_set() or self.clock() >= due:
                reconcile_now.clear()
                ok = self.reconcile()
                due = self.clock() + (self.reconcile_seconds if ok else RETRY_SECONDS)
            try:
                self.poll_once()
            except (ClientError, BotoCoreError) as error:
                LOGGER.error("receiving from %s failed: %s", self.queue_url, error)
                stop.wait(BACKOFF_SECONDS)


def _receive_count(message: dict[str, Any]) -> int:
    try:
        return int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
    except (TypeError, ValueError):
        return 1
