"""Edge cases: dotfiles in packages, a plan scan asked for without a plan, the real Terraform
runner, the node manager's tag values, the trigger runner's positions, preview file modes."""

import os
import stat
import zipfile
from pathlib import Path

import pytest

from artificien_infra.core import checks, packaging
from artificien_infra.core.terraform import PythonTerraformRunner
from artificien_infra.local.triggers import ShardPositions
from node_manager.naming import encode_tag_value


def test_dotfiles_never_ship_in_a_lambda_zip(ctx):
    fn = ctx.paths.lambdas / "hello"
    (fn / ".env").write_text("TOKEN=secret\n")
    (fn / ".secrets").write_text("x")
    [result] = packaging.package_all(ctx.paths)
    with zipfile.ZipFile(result.artifact.zip_path) as archive:
        names = archive.namelist()
    assert names == ["hello/__init__.py", "hello/handler.py"]


def test_a_plan_scan_without_a_plan_fails(ctx, tmp_path, monkeypatch):
    binary = tmp_path / "checkov"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setenv("ARTIFICIEN_CHECKOV", str(binary))

    def run(cmd, **kwargs):
        import subprocess

        out = '{"summary": {"passed": 3, "failed": 0, "skipped": 0, "parsing_errors": 0}}'
        return subprocess.CompletedProcess(cmd, 0, out, "")

    results = checks.check_checkov(ctx, run=run, plan_json=tmp_path / "missing.json")
    plan = results[-1]
    assert plan.name == "checkov plan"
    assert not plan.ok
    assert "no plan JSON" in plan.detail


def test_the_real_runner_passes_env_and_cwd_and_returns_the_exit_code(tmp_path):
    # a stand-in terraform binary that reports what it saw
    fake = tmp_path / "terraform"
    fake.write_text(
        '#!/bin/sh\necho "args=$*"\necho "data=$TF_DATA_DIR"\necho "cwd=$(pwd)"\n'
        'echo "to stderr" >&2\nexit 3\n'
    )
    fake.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "TF_DATA_DIR": str(tmp_path / "data")}
    before = dict(os.environ)
    result = PythonTerraformRunner(str(fake))(
        "workspace select", ["-or-create=true", "dev"], cwd=work, env=env, stream=False
    )
    assert result.returncode == 3
    assert "args=workspace select -or-create=true dev" in result.stdout
    assert f"data={tmp_path / 'data'}" in result.stdout
    assert f"cwd={work}" in result.stdout
    assert result.stderr.strip() == "to stderr"
    assert dict(os.environ) == before  # the process environment is restored


@pytest.mark.parametrize("app_id", ["abc\n", "ok\nsneaky"])
def test_tag_values_with_a_newline_are_encoded(app_id):
    encoded = encode_tag_value(app_id)
    assert encoded.startswith("b64:")
    assert "\n" not in encoded


def test_an_unreadable_positions_file_replays_the_stream(tmp_path):
    path = tmp_path / "positions.json"
    path.write_text("{not json")
    positions = ShardPositions.load(path)
    assert positions.positions == {}
    positions.advance("shard-1", "42")
    assert ShardPositions.load(path).positions == {"shard-1": "42"}


def test_preview_files_get_the_ordinary_mode(tmp_path):
    from artificien_infra.core.files import write_atomic

    old = os.umask(0o022)
    try:
        target = tmp_path / "sample.csv"
        write_atomic(target, [b"a,b\r\n"])
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert Path(target).read_bytes() == b"a,b\r\n"
