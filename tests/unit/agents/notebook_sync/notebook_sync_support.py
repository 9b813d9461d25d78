"""Constants and helpers shared by the notebook sync tests (a unique module name: pytest puts
every test folder on sys.path, so two helper modules must not share one)."""

import json
from pathlib import Path

from notebook_sync.agent import Agent

EVENTS = Path(__file__).parent / "events"
REGION = "us-east-1"
SAMPLE_BUCKET = "artificien-test-sample-data-123456789012"
TUTORIALS_BUCKET = "artificien-test-tutorials-123456789012"
QUEUE = "artificien-test-notebook-sync"


def load_event(name: str) -> str:
    return (EVENTS / name).read_text()


def drain(agent: Agent, rounds: int = 5) -> int:
    """Poll until a receive comes back empty; returns the messages deleted."""
    deleted = 0
    for _ in range(rounds):
        result = agent.poll_once()
        deleted += result.deleted
        if result.received == 0:
            break
    return deleted


def queue_depth(sqs, queue_url) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def send(sqs, queue_url, body) -> None:
    text = body if isinstance(body, str) else json.dumps(body)
    sqs.send_message(QueueUrl=queue_url, MessageBody=text)
