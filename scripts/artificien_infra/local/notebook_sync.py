"""The notebook sync agent on the local platform, as a background helper.

The same agent that runs on the JupyterHub host (``agents/notebook_sync``) long-polls the local
notebook sync queue on the emulator, which the emulator's S3 fills with the buckets' object
events, and mirrors the sample-data and tutorials buckets into ``build/local/notebooks/
sample_data/`` and ``build/local/notebooks/tutorials/``. Register an app on the local platform
and its CSV appears there within seconds.

``python -m artificien_infra.local.notebook_sync start`` (``make apply`` runs it after the trigger
runner) writes the agent's settings from the Terraform outputs to ``build/local/notebook-sync.json``
and starts it detached, with a pid file and a log under ``build/local/`` like every helper, so
``artificien-infra local down`` (``make local-down``) stops it. ``stop`` stops only this helper
(``make destroy`` does, before the queue goes away); ``once`` reconciles the folders once in the
foreground; ``run --settings FILE`` is what the background process runs.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from artificien_infra.core import deploy
from artificien_infra.core.config import LOCAL, LOCAL_CREDENTIALS, ConfigError, Context
from artificien_infra.core.files import write_atomic
from artificien_infra.local import processes as local

AGENTS_DIR = Path(__file__).resolve().parents[3] / "agents"
NAME = "notebook-sync"
# Outputs the agent needs; none is sensitive.
OUTPUTS = ("region", "notebook_sync_queue_url", "sample_data_bucket_name", "tutorials_bucket_name")
# Short polls locally: `local down` waits 10 s for a helper to stop. A long poll still returns as
# soon as a message arrives, so this does not slow a copy down.
LOCAL_WAIT_SECONDS = 5


def notebooks_dir(ctx: Context) -> Path:
    return ctx.paths.local_dir / "notebooks"


def settings_path(ctx: Context) -> Path:
    return ctx.paths.local_dir / "notebook-sync.json"


def agent_settings(outputs: dict[str, Any], endpoint_url: str | None, notebooks: Path) -> dict:
    """The agent's settings (agents/notebook_sync/config.py) for the local platform."""
    missing = [name for name in OUTPUTS if not outputs.get(name)]
    if missing:
        raise ConfigError(f"outputs {', '.join(missing)} are missing: run `make apply` first")
    return {
        "region": outputs["region"],
        "queue_url": outputs["notebook_sync_queue_url"],
        "targets": {
            outputs["sample_data_bucket_name"]: str(notebooks / "sample_data"),
            outputs["tutorials_bucket_name"]: str(notebooks / "tutorials"),
        },
        # Beside the folders (same filesystem, so the rename is atomic), never inside them.
        "staging_dir": str(notebooks / ".staging"),
        "reconcile_seconds": 3600,
        "wait_seconds": LOCAL_WAIT_SECONDS,
        "endpoint_url": endpoint_url,
    }


def write_settings(ctx: Context) -> Path:
    url = deploy.endpoint_for(ctx, LOCAL)
    settings = agent_settings(deploy.read_outputs(LOCAL, ctx), url, notebooks_dir(ctx))
    path = settings_path(ctx)
    write_atomic(path, json.dumps(settings, indent=2, sort_keys=True) + "\n")
    return path


def credentials() -> dict[str, str]:
    """The emulator accepts any credentials; a developer box may have none configured."""
    if os.environ.get("AWS_ACCESS_KEY_ID"):
        return {}
    return dict(LOCAL_CREDENTIALS)


def start(ctx: Context) -> local.Process:
    """(Re)start the helper detached: the outputs may have changed with this apply."""
    path = write_settings(ctx)
    local.stop(ctx, NAME)
    argv = [sys.executable, "-m", "artificien_infra.local.notebook_sync", "run", "--settings"]
    return local.spawn(ctx, NAME, [*argv, str(path)], env=credentials())


def agent_package(agents_dir: Path = AGENTS_DIR) -> ModuleType:
    """``notebook_sync.cli`` from ``agents/``, the directory the host's copy comes from."""
    agents = str(agents_dir)
    if agents not in sys.path:
        sys.path.insert(0, agents)
    return importlib.import_module("notebook_sync.cli")


def run(settings: Path, *, reconcile_once: bool = False) -> int:
    """Run the agent in the foreground with ``settings``; the exit status of the agent."""
    cli = agent_package()
    config_module = importlib.import_module("notebook_sync.config")
    mirror_module = importlib.import_module("notebook_sync.mirror")
    try:
        config = config_module.load(settings)
        sqs, s3 = cli.clients(config, **_boto_credentials())
        agent = cli.build_agent(config, sqs, s3)
    except (config_module.ConfigError, mirror_module.MirrorError) as error:
        raise ConfigError(str(error)) from None
    if reconcile_once:
        return 0 if agent.reconcile() else 1
    cli.serve(agent)
    return 0


def _boto_credentials() -> dict[str, str]:
    values = credentials()
    if not values:
        return {}
    return {
        "aws_access_key_id": values["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": values["AWS_SECRET_ACCESS_KEY"],
    }


def _context() -> Context:
    click_ctx = click.get_current_context()
    if click_ctx.obj is None:
        click_ctx.obj = Context.create()
    return click_ctx.obj


@click.group()
def main() -> None:
    """The notebook sync agent on the local platform (build/local/notebooks/)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


@main.command("start")
def start_command() -> None:
    """Start the agent in the background (restarts it when it runs)."""
    ctx = _context()
    try:
        proc = start(ctx)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"notebook sync running (pid {proc.pid}, log {proc.log}) into {notebooks_dir(ctx)}",
        err=True,
    )


@main.command("stop")
def stop_command() -> None:
    """Stop the background agent."""
    stopped = local.stop(_context(), NAME)
    click.echo("notebook sync stopped" if stopped else "no notebook sync running", err=True)


@main.command("once")
def once_command() -> None:
    """Reconcile build/local/notebooks/ with the buckets once, in the foreground."""
    ctx = _context()
    try:
        status = run(write_settings(ctx), reconcile_once=True)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    sys.exit(status)


@main.command("run")
@click.option(
    "--settings",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The agent's JSON settings (written by `start`).",
)
def run_command(settings: Path) -> None:
    """Run the agent in the foreground (what `start` runs detached)."""
    try:
        sys.exit(run(settings))
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


if __name__ == "__main__":
    main(prog_name="python -m artificien_infra.local.notebook_sync")
