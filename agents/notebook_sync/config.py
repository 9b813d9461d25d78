"""The agent's settings: one JSON file, validated once, with errors that name the field.

On the JupyterHub host the boot script writes ``/etc/artificien/notebook-sync.json``; on the local
platform ``artificien_infra.local.notebook_sync`` writes one from the Terraform outputs::

    {
      "region": "us-east-1",
      "queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/artificien-dev-notebook-sync",
      "targets": {"<sample-data bucket>": "/srv/data/sample_data",
                  "<tutorials bucket>": "/srv/data/tutorials"},
      "staging_dir": "/srv/data/.notebook-sync",
      "reconcile_seconds": 3600,
      "wait_seconds": 20,
      "max_receives": 5,
      "endpoint_url": null
    }
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]$")


class ConfigError(ValueError):
    """The settings cannot run the agent; the message says which field and why."""


@dataclass(frozen=True)
class Config:
    region: str
    queue_url: str
    targets: dict[str, Path]
    staging_dir: Path
    reconcile_seconds: float = 3600.0
    wait_seconds: int = 20
    max_receives: int = 5
    endpoint_url: str | None = None


def load(path: Path) -> Config:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except ValueError as error:
        raise ConfigError(f"{path}: not JSON: {error}") from None
    return parse(document, source=str(path))


def parse(document: Any, source: str = "config") -> Config:
    if not isinstance(document, dict):
        raise ConfigError(f"{source}: expected a JSON object")
    region = _string(document, "region", source)
    if not REGION.match(region):
        raise ConfigError(f"{source}: region must look like us-east-1, not {region!r}")
    queue_url = _string(document, "queue_url", source)
    if not queue_url.startswith(("https://", "http://")):
        raise ConfigError(f"{source}: queue_url must be the queue's URL, not {queue_url!r}")
    targets = document.get("targets")
    if not isinstance(targets, dict) or not targets:
        raise ConfigError(f"{source}: targets must map each bucket name to a folder")
    folders: dict[str, Path] = {}
    for bucket, folder in targets.items():
        if not BUCKET_NAME.match(str(bucket)):
            raise ConfigError(f"{source}: targets: {bucket!r} is not a bucket name")
        if not isinstance(folder, str) or not Path(folder).is_absolute():
            raise ConfigError(f"{source}: targets.{bucket} must be an absolute folder path")
        folders[bucket] = Path(folder)
    if len(set(folders.values())) != len(folders):
        raise ConfigError(f"{source}: targets: two buckets share one folder")
    staging = _string(document, "staging_dir", source)
    if not Path(staging).is_absolute():
        raise ConfigError(f"{source}: staging_dir must be an absolute folder path")
    endpoint_url = document.get("endpoint_url")
    if endpoint_url is not None and not isinstance(endpoint_url, str):
        raise ConfigError(f"{source}: endpoint_url must be a URL or null")
    return Config(
        region=region,
        queue_url=queue_url,
        targets=folders,
        staging_dir=Path(staging),
        reconcile_seconds=_number(document, "reconcile_seconds", 3600, 1, 86400, source),
        wait_seconds=int(_number(document, "wait_seconds", 20, 0, 20, source)),
        max_receives=int(_number(document, "max_receives", 5, 1, 1000, source)),
        endpoint_url=endpoint_url or None,
    )


def _string(document: dict, name: str, source: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{source}: {name} is required (a non-empty string)")
    return value


def _number(document: dict, name: str, default: float, low: float, high: float, source: str):
    value = document.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"{source}: {name} must be a number from {low} to {high}")
    return value
