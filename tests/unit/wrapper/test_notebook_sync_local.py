"""The notebook sync agent as a local background helper: its settings from the outputs, started
detached like the trigger runner, stopped by `local down`."""

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from notebook_sync.config import parse

from artificien_infra.cli import main as cli_main
from artificien_infra.core import deploy
from artificien_infra.core.config import ConfigError
from artificien_infra.local import notebook_sync as notebook_sync_local
from artificien_infra.local import processes as local

OUTPUTS = {
    "region": "us-east-1",
    "notebook_sync_queue_url": "http://127.0.0.1:9/123456789012/artificien-local-notebook-sync",
    "sample_data_bucket_name": "artificien-local-sample-data-123456789012",
    "tutorials_bucket_name": "artificien-local-tutorials-123456789012",
}


@pytest.fixture
def applied(monkeypatch):
    """GIVEN an applied local platform whose emulator answers nowhere (port 9)."""
    monkeypatch.setattr(deploy, "endpoint_for", lambda ctx, env: "http://127.0.0.1:9")
    monkeypatch.setattr(deploy, "read_outputs", lambda env, ctx=None: dict(OUTPUTS))


def test_settings_mirror_both_buckets_into_the_local_notebook_folders(ctx):
    notebooks = notebook_sync_local.notebooks_dir(ctx)
    settings = notebook_sync_local.agent_settings(OUTPUTS, "http://127.0.0.1:4566", notebooks)

    # THEN the agent accepts them, and writes under build/local/notebooks/
    config = parse(settings)
    assert notebooks == ctx.paths.build / "local" / "notebooks"
    assert config.targets == {
        OUTPUTS["sample_data_bucket_name"]: notebooks / "sample_data",
        OUTPUTS["tutorials_bucket_name"]: notebooks / "tutorials",
    }
    assert config.staging_dir == notebooks / ".staging"
    assert config.endpoint_url == "http://127.0.0.1:4566"
    assert config.queue_url == OUTPUTS["notebook_sync_queue_url"]
    # short polls, so that `local down` (10 s) stops it cleanly
    assert config.wait_seconds < 10


def test_missing_outputs_are_named(ctx):
    outputs = {k: v for k, v in OUTPUTS.items() if k != "notebook_sync_queue_url"}
    with pytest.raises(ConfigError, match="notebook_sync_queue_url are missing: run `make apply`"):
        notebook_sync_local.agent_settings(outputs, None, notebook_sync_local.notebooks_dir(ctx))


def test_start_runs_detached_and_local_down_stops_it(ctx, applied):
    # WHEN the helper is started (what `make apply` does)
    result = CliRunner().invoke(notebook_sync_local.main, ["start"], obj=ctx)
    assert result.exit_code == 0, result.output
    try:
        proc = local.running(ctx, notebook_sync_local.NAME)

        # THEN it runs in the background with a pid file, from the settings it wrote
        assert proc is not None
        assert "notebook sync running" in result.output
        settings = json.loads(notebook_sync_local.settings_path(ctx).read_text())
        assert settings["queue_url"] == OUTPUTS["notebook_sync_queue_url"]
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        assert b"artificien_infra.local.notebook_sync" in cmdline

        # and the agent itself starts (the emulator is unreachable, so it logs and retries)
        deadline = time.monotonic() + 30
        while "watching" not in proc.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "watching http://127.0.0.1:9/" in proc.log.read_text()

        # WHEN `local down` runs
        down = CliRunner().invoke(cli_main, ["local", "down"], obj=ctx)

        # THEN it stops the helper too
        assert down.exit_code == 0, down.output
        assert "notebook-sync" in down.output
        assert local.running(ctx, notebook_sync_local.NAME) is None
    finally:
        local.stop_all(ctx)


def test_start_refuses_before_apply_and_starts_nothing(ctx, monkeypatch):
    monkeypatch.setattr(deploy, "endpoint_for", lambda ctx, env: "http://127.0.0.1:9")
    monkeypatch.setattr(deploy, "read_outputs", lambda env, ctx=None: {"region": "us-east-1"})
    result = CliRunner().invoke(notebook_sync_local.main, ["start"], obj=ctx)
    assert result.exit_code == 1
    assert "run `make apply` first" in result.output
    assert local.running(ctx, notebook_sync_local.NAME) is None
    assert not notebook_sync_local.settings_path(ctx).exists()


def test_stop_says_when_nothing_runs(ctx):
    result = CliRunner().invoke(notebook_sync_local.main, ["stop"], obj=ctx)
    assert result.exit_code == 0
    assert "no notebook sync running" in result.output
