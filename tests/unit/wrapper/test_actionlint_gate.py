"""``check --only actionlint``: the GitHub workflows are linted by actionlint (their ``run:``
scripts by shellcheck), and the gate fails closed: a broken workflow, a script finding, no
workflow at all, or actionlint itself failing is a failure. The real binary from the dev extra
runs over workflows written into a throwaway repository."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from artificien_infra.cli import main
from artificien_infra.core import checks

CLEAN = """\
name: ci
on:
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "testing ${GITHUB_SHA}"
"""

# an unknown key, a job that needs a job that does not exist, an undefined matrix property
BROKEN = """\
name: deploy
on:
  push:
    branch: main
jobs:
  apply:
    needs: plan
    runs-on: ubuntu-24.04
    steps:
      - run: echo "${{ matrix.env }}"
"""

# valid YAML and workflow syntax; the script splits a variable unquoted (shellcheck SC2086)
SCRIPT_FINDING = """\
name: lint
on:
  pull_request:
jobs:
  lint:
    runs-on: ubuntu-24.04
    steps:
      - run: rm -rf $TARGET_DIR
"""


def _workflow(ctx, name: str, text: str) -> None:
    directory = ctx.paths.root / ".github" / "workflows"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text)


def test_a_clean_workflow_passes(ctx):
    _workflow(ctx, "ci.yml", CLEAN)
    result = checks.check_actionlint(ctx)
    assert result.ok, result.detail
    assert result.counts == {"workflows": 1, "problems": 0}


def test_a_broken_workflow_fails_and_names_each_problem(ctx):
    # GIVEN one clean and one broken workflow
    _workflow(ctx, "ci.yml", CLEAN)
    _workflow(ctx, "deploy.yaml", BROKEN)
    # WHEN the gate runs THEN it fails, naming the broken file's problems one per line
    result = checks.check_actionlint(ctx)
    assert not result.ok
    lines = result.detail.splitlines()
    assert len(lines) >= 3
    assert all(line.startswith(".github/workflows/deploy.yaml:") for line in lines)
    assert any('unexpected key "branch"' in line for line in lines)
    assert any('"plan"' in line and "needs" in line for line in lines)
    assert any('property "env" is not defined' in line for line in lines)
    assert result.counts["workflows"] == 2


def test_a_script_finding_fails_the_gate(ctx):
    _workflow(ctx, "lint.yml", SCRIPT_FINDING)
    result = checks.check_actionlint(ctx)
    assert not result.ok
    assert "shellcheck" in result.detail
    assert "SC2086" in result.detail


def test_no_workflow_is_a_failure_not_a_pass(ctx):
    result = checks.check_actionlint(ctx)
    assert not result.ok
    assert "no workflow to lint" in result.detail


@pytest.mark.parametrize(
    ("returncode", "stdout", "why"),
    [
        (3, "", "actionlint exited 3"),
        (2, "", "actionlint exited 2"),
        (0, ".github/workflows/ci.yml:1:1: something [syntax-check]\n", "something"),
    ],
)
def test_the_gate_fails_closed_on_what_actionlint_says(ctx, returncode, stdout, why):
    _workflow(ctx, "ci.yml", CLEAN)

    def run(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, returncode, stdout, "panic: boom")

    result = checks.check_actionlint(ctx, run=run)
    assert not result.ok
    assert why in result.detail


def test_missing_actionlint_is_a_clear_error(ctx, monkeypatch):
    monkeypatch.setenv("ARTIFICIEN_ACTIONLINT", "/nonexistent/actionlint")
    with pytest.raises(checks.ConfigError, match="make setup"):
        checks.actionlint_binary()


def test_check_only_actionlint_exits_1_on_a_broken_workflow(ctx):
    _workflow(ctx, "deploy.yml", BROKEN)
    result = CliRunner().invoke(main, ["check", "--only", "actionlint"], obj=ctx)
    assert result.exit_code == 1
    assert "actionlint" in result.output
    assert 'unexpected key "branch"' in result.output
