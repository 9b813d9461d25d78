import json
import subprocess
from pathlib import Path

import pytest

from artificien_infra import checks
from artificien_infra.config import ConfigError, Settings
from artificien_infra.summary import classify, markdown, summarize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_summary_counts_a_real_plan_per_component():
    plan = json.loads((FIXTURES / "plan_create.json").read_text())
    summary = summarize(plan)
    assert summary.counts["dynamodb"]["add"] == 3
    assert summary.counts["kms"]["add"] == 1
    assert summary.has_changes
    destroy = summarize(json.loads((FIXTURES / "plan_destroy.json").read_text()))
    assert destroy.totals["destroy"] == 4
    assert destroy.totals["add"] == 0


@pytest.mark.parametrize(
    ("actions", "kind"),
    [
        (["create"], "add"),
        (["update"], "change"),
        (["delete"], "destroy"),
        (["delete", "create"], "replace"),
        (["create", "delete"], "replace"),
        (["no-op"], None),
        (["read"], None),
    ],
)
def test_actions_are_classified(actions, kind):
    assert classify(actions) == kind


def test_nested_modules_count_for_their_component():
    plan = {
        "resource_changes": [
            {"address": "module.cognito.module.function.aws_lambda_function.this",
             "module_address": "module.cognito.module.function",
             "change": {"actions": ["update"]}},
            {"address": "terraform_data.workspace_guard", "change": {"actions": ["create"]}},
        ]
    }  # fmt: skip
    summary = summarize(plan)
    assert summary.counts["cognito"]["change"] == 1
    assert summary.counts["(root)"]["add"] == 1
    assert "| cognito | 0 | 1 | 0 | 0 |" in markdown(summary, "Plan")


def _report(passed, failed, parsing_errors=0):
    return {"check_type": "terraform", "results": {"failed_checks": []},
            "summary": {"passed": passed, "failed": failed, "skipped": 0,
                        "parsing_errors": parsing_errors}}  # fmt: skip


def _fake_checkov(stdout, returncode=0):
    def run(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, returncode, stdout, "")

    return run


@pytest.fixture
def with_checkov(ctx, tmp_path, monkeypatch):
    binary = tmp_path / "checkov"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setenv("ARTIFICIEN_CHECKOV", str(binary))
    return ctx


def test_checkov_reports_of_several_directories_are_summed(with_checkov):
    out = json.dumps(_report(10, 0)) + "\n" + json.dumps(_report(5, 0))
    [result] = checks.check_checkov(with_checkov, run=_fake_checkov(out))
    assert result.ok
    assert result.counts["passed"] == 15


@pytest.mark.parametrize(
    ("stdout", "returncode", "why"),
    [
        (json.dumps(_report(3, 1)), 1, ""),
        (json.dumps(_report(0, 0)), 0, "ran no check"),
        ("Traceback (most recent call last):\n  boom", 2, "unreadable"),
        ("", 0, "unreadable"),
        (json.dumps(_report(3, 0, parsing_errors=1)), 0, "could not parse"),
    ],
)
def test_the_checkov_gate_fails_closed(with_checkov, stdout, returncode, why):
    [result] = checks.check_checkov(with_checkov, run=_fake_checkov(stdout, returncode))
    assert not result.ok
    assert why in result.detail


def test_missing_checkov_is_a_clear_error(ctx, monkeypatch):
    monkeypatch.setenv("ARTIFICIEN_CHECKOV", "/nonexistent/checkov")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ConfigError, match="make setup"):
        checks.checkov_binary(ctx)


def test_bad_mirror_or_port_settings_are_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("ARTIFICIEN_PROVIDER_MIRROR", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="not a directory"):
        Settings.from_env()
    monkeypatch.delenv("ARTIFICIEN_PROVIDER_MIRROR")
    monkeypatch.setenv("ARTIFICIEN_LOCAL_PORT", "80")
    with pytest.raises(ConfigError, match="between 1024 and 65535"):
        Settings.from_env()
