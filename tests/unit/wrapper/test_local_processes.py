"""Background processes of the local env: pid files, finding them again, stopping them all."""

import sys

from click.testing import CliRunner

from artificien_infra.cli import main
from artificien_infra.local import processes as local

# argv carries the package name: the wrapper only ever signals processes that are its own
SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)", "artificien_infra-test"]


def test_spawned_processes_are_found_and_all_stopped(ctx):
    helper = local.spawn(ctx, "triggers", SLEEPER)
    emulator = local.spawn(ctx, "emulator", SLEEPER)
    try:
        assert local.running(ctx, "triggers").pid == helper.pid
        assert local.running(ctx, "emulator").pid == emulator.pid
        assert (ctx.paths.local_dir / "triggers.pid").read_text().strip() == str(helper.pid)
        # helpers first, the emulator last
        assert local.stop_all(ctx) == ["triggers", "emulator"]
        assert local.running(ctx, "triggers") is None
        assert local.running(ctx, "emulator") is None
        assert list(ctx.paths.local_dir.glob("*.pid")) == []
    finally:
        local.stop_all(ctx)


def test_a_stale_pid_file_is_forgotten_not_signalled(ctx):
    ctx.paths.local_dir.mkdir(parents=True)
    (ctx.paths.local_dir / "triggers.pid").write_text("999999999\n")
    assert local.running(ctx, "triggers") is None
    assert not (ctx.paths.local_dir / "triggers.pid").exists()
    assert local.stop_all(ctx) == []


def test_triggers_stop_stops_only_the_runner(ctx):
    local.spawn(ctx, "triggers", SLEEPER)
    emulator = local.spawn(ctx, "emulator", SLEEPER)
    try:
        result = CliRunner().invoke(main, ["local", "triggers", "--stop"], obj=ctx)
        assert result.exit_code == 0, result.output
        assert "trigger runner stopped" in result.output
        assert local.running(ctx, "triggers") is None
        assert local.running(ctx, "emulator").pid == emulator.pid
    finally:
        local.stop_all(ctx)


def test_status_exits_1_when_the_emulator_is_not_running(ctx):
    result = CliRunner().invoke(main, ["local", "status"], obj=ctx)
    assert result.exit_code == 1
    assert result.stdout == ""
