"""``local up|down|status|triggers``: the emulator and the background helpers of the local env."""

from __future__ import annotations

import json
import subprocess
import sys

import click

from artificien_infra.commands.common import Group, context, err
from artificien_infra.core import deploy
from artificien_infra.core.config import LOCAL, ConfigError
from artificien_infra.local import processes as local

TRIGGERS = "triggers"


@click.group(name="local", cls=Group)
def local_group() -> None:
    """The local AWS emulator and the background helpers of the local env."""


@local_group.command("up")
def local_up() -> None:
    """Start the emulator on loopback (no-op when it runs); prints its URL on stdout."""
    url, started = local.up(context())
    err.print(f"emulator {'started' if started else 'already running'} at {url}")
    click.echo(url)


@local_group.command("down")
def local_down() -> None:
    """Stop everything the project started in the background (the emulator forgets all)."""
    stopped = local.stop_all(context())
    err.print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


@local_group.command("status")
def local_status() -> None:
    """Print the emulator's URL on stdout; exit 1 when it is not running."""
    url = local.status(context())
    if url is None:
        err.print("the emulator is not running (make local-up)")
        sys.exit(1)
    click.echo(url)


# Outputs the trigger runner needs; none is sensitive.
TRIGGER_OUTPUTS = (
    "dataset_table_name",
    "dataset_table_stream_arn",
    "sample_data_bucket_name",
    "sample_data_environment",
    "sample_data_event_filter_pattern",
)


@local_group.command("triggers")
@click.option("--background", is_flag=True, help="Run detached; `local down` stops it.")
@click.option("--once", is_flag=True, help="Deliver what is in the stream now, then exit.")
@click.option("--stop", is_flag=True, help="Stop the background runner (before a destroy).")
def local_triggers(background: bool, once: bool, stop: bool) -> None:
    """Feed the dataset stream to the sample-data handler, as Lambda would (the emulator runs
    no Lambda code)."""
    ctx = context()
    if stop:
        err.print("trigger runner stopped" if local.stop(ctx, TRIGGERS) else "no trigger runner")
        return
    url = deploy.endpoint_for(ctx, LOCAL)
    values = deploy.read_outputs(LOCAL, ctx)
    missing = [name for name in TRIGGER_OUTPUTS if name not in values]
    if missing:
        raise ConfigError(f"outputs {', '.join(missing)} are missing: run `make apply` first")
    ctx.paths.local_dir.mkdir(parents=True, exist_ok=True)
    outputs_file = ctx.paths.local_dir / "triggers-outputs.json"
    outputs_file.write_text(json.dumps({k: values[k] for k in TRIGGER_OUTPUTS}, indent=2))
    argv = [sys.executable, "-m", "artificien_infra.local.triggers", "--endpoint-url", url,
            "--outputs-json", str(outputs_file),
            "--state-file", str(ctx.paths.local_dir / "triggers-positions.json")]  # fmt: skip
    if background:
        local.stop(ctx, TRIGGERS)  # restart: the outputs may have changed with this apply
        proc = local.spawn(ctx, TRIGGERS, argv)
        err.print(f"trigger runner running (pid {proc.pid}, log {proc.log})")
        return
    if once:
        argv.append("--once")
    sys.exit(subprocess.call(argv))  # noqa: S603 - our own module, fixed argv
