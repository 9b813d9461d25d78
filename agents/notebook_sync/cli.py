"""``python -m notebook_sync --config FILE [--reconcile-once]``: what the systemd unit runs.

SIGTERM and SIGINT stop the agent after the current long poll; SIGHUP (``systemctl reload``)
asks for a full reconcile at once. Exit status 2 on a configuration error, 1 when a one-shot
reconcile could not list a bucket.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from notebook_sync.agent import Agent
from notebook_sync.config import Config, ConfigError, load
from notebook_sync.mirror import Mirror, MirrorError

LOGGER = logging.getLogger("notebook_sync")


def clients(config: Config, **credentials: str) -> tuple[Any, Any]:
    """SQS and S3 clients for ``config``; the read timeout outlasts the 20 s long poll."""
    settings = BotoConfig(
        retries={"mode": "standard", "max_attempts": 5}, connect_timeout=10, read_timeout=60
    )
    common: dict[str, Any] = {"region_name": config.region, "config": settings, **credentials}
    if config.endpoint_url:
        common["endpoint_url"] = config.endpoint_url
    return boto3.client("sqs", **common), boto3.client("s3", **common)


def build_agent(config: Config, sqs: Any, s3: Any) -> Agent:
    return Agent(
        sqs=sqs,
        mirror=Mirror(s3, config.targets, config.staging_dir),
        queue_url=config.queue_url,
        wait_seconds=config.wait_seconds,
        max_receives=config.max_receives,
        reconcile_seconds=config.reconcile_seconds,
    )


def serve(agent: Agent) -> None:
    """Run in the foreground until SIGTERM/SIGINT; SIGHUP asks for a reconcile."""
    stop = threading.Event()
    reconcile_now = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGHUP, lambda *_: reconcile_now.set())
    agent.run(stop, reconcile_now)
    LOGGER.info("stopped")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m notebook_sync", description=__doc__)
    parser.add_argument("--config", required=True, type=Path, help="the agent's JSON settings")
    parser.add_argument(
        "--reconcile-once", action="store_true", help="one full reconcile, then exit"
    )
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    try:
        config = load(arguments.config)
        agent = build_agent(config, *clients(config))
    except (ConfigError, MirrorError) as error:
        LOGGER.error("%s", error)
        sys.exit(2)
    if arguments.reconcile_once:
        sys.exit(0 if agent.reconcile() else 1)
    serve(agent)
