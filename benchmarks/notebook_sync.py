"""Notebook sync on the local platform: from an app's PutItem to its CSV in the notebook folder.

Registers ``REGISTRATIONS`` apps one after another, each as the website writes it, into the local
dataset table, and times how long until ``build/local/notebooks/sample_data/<dataset_id>.csv``
exists (the trigger runner writes the sample, S3 notifies the queue, the agent copies it). Prints
p50 and the worst time, against the seed's 30 minutes. Afterwards each app's item and sample are
deleted again, and a reconcile (SIGHUP to the agent) removes the copies.

Needs the platform applied with ``make apply`` (its trigger runner and notebook sync helper
running); otherwise it says so and measures nothing. ``ARTIFICIEN_LOCAL_PORT`` and
``ARTIFICIEN_BUILD_DIR`` select another local platform, as for every command. Run
``python -m benchmarks.notebook_sync`` (or ``make bench``). Figures only: nothing fails.
"""

from __future__ import annotations

import os
import signal
import statistics
import time
import uuid
from pathlib import Path

from rich.console import Console

from artificien_infra.core import deploy
from artificien_infra.core.config import LOCAL, ConfigError, Context
from artificien_infra.core.terraform import TerraformError
from artificien_infra.local import notebook_sync as notebook_sync_local
from artificien_infra.local import processes as local

console = Console(highlight=False)

REGISTRATIONS = 20
TIMEOUT_SECONDS = 60.0
SEED_MINUTES = 30


def _item(dataset_id: str) -> dict:
    """A registration as the website writes it (bounds as strings, no num_devices)."""
    return {
        "dataset_id": {"S": dataset_id},
        "app": {"S": "placeholder"},
        "placeholder": {"S": "placeholder"},
        "category": {"S": "Health"},
        "owner_username": {"S": "bench"},
        "attributes": {"L": [{"S": "age"}, {"S": "city"}, {"S": "steps"}, {"S": "smoker"}]},
        "attributeTypes": {"L": [{"S": "N"}, {"S": "S"}, {"S": "N"}, {"S": "B"}]},
        "attributeRangeMins": {"L": [{"S": "18"}, {"S": "0"}]},
        "attributeRangeMaxes": {"L": [{"S": "90"}, {"S": "30000"}]},
        "numPurchases": {"N": "0"},
        "hasNode": {"BOOL": False},
    }


def _wait_for(path: Path, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.02)
    return False


def measure(ctx: Context, registrations: int = REGISTRATIONS) -> list[float] | None:
    """Seconds from PutItem to the CSV in the notebook folder, one per registration."""
    helpers = ("triggers", notebook_sync_local.NAME)
    missing = [name for name in helpers if local.running(ctx, name) is None]
    if missing:
        console.print(f"notebook sync: skipped ({', '.join(missing)} not running: `make apply`)")
        return None
    url = deploy.endpoint_for(ctx, LOCAL)
    outputs = deploy.read_outputs(LOCAL, ctx)
    dynamodb, s3 = local.client("dynamodb", url), local.client("s3", url)
    table, bucket = outputs["dataset_table_name"], outputs["sample_data_bucket_name"]
    folder = notebook_sync_local.notebooks_dir(ctx) / "sample_data"
    times: list[float] = []
    for _ in range(registrations):
        dataset_id = f"Bench App {uuid.uuid4().hex[:10]}"
        started = time.monotonic()
        dynamodb.put_item(TableName=table, Item=_item(dataset_id))
        arrived = _wait_for(folder / f"{dataset_id}.csv", started + TIMEOUT_SECONDS)
        elapsed = time.monotonic() - started
        times.append(elapsed if arrived else float("inf"))
        dynamodb.delete_item(TableName=table, Key={"dataset_id": {"S": dataset_id}})
        s3.delete_object(Bucket=bucket, Key=f"{dataset_id}.csv")
    # The emulator sends no event for a delete marker (the buckets are versioned): ask the agent
    # for a reconcile (SIGHUP), which removes the copies now instead of within the hour.
    agent = local.running(ctx, notebook_sync_local.NAME)
    if agent is not None:
        os.kill(agent.pid, signal.SIGHUP)
    return times


def report(times: list[float]) -> str:
    lost = sum(1 for t in times if t == float("inf"))
    arrived = sorted(t for t in times if t != float("inf"))
    if not arrived:
        return f"notebook sync: none of {len(times)} samples arrived within {TIMEOUT_SECONDS:.0f} s"
    p50 = statistics.median(arrived)
    worst = "never (timeout)" if lost else f"{arrived[-1]:.2f} s"
    return (
        f"notebook sync: PutItem -> notebook folder over {len(times)} registrations: "
        f"p50 {p50:.2f} s, worst {worst} (seed: up to {SEED_MINUTES} min, "
        f"{SEED_MINUTES * 60 / p50:.0f}x the p50)"
        + (f"; {lost} did not arrive within {TIMEOUT_SECONDS:.0f} s" if lost else "")
    )


def main() -> None:
    try:
        ctx = Context.create()
        times = measure(ctx)
    except (ConfigError, TerraformError) as error:
        console.print(f"notebook sync: skipped ({str(error).splitlines()[0]})")
        return
    if times is not None:
        console.print(report(times))


if __name__ == "__main__":
    main()
