import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from artificien_infra.cli import main
from artificien_infra.core import checks
from artificien_infra.core.config import ConfigError, Settings
from artificien_infra.core.summary import classify, markdown, summarize

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


def test_checkov_scans_each_directory_in_its_own_run_and_sums_its_reports(with_checkov):
    calls = []

    def run(cmd, **kwargs):
        calls.append(cmd)
        out = json.dumps(_report(10, 0)) + "\n" + json.dumps(_report(5, 0))
        return subprocess.CompletedProcess(cmd, 0, out, "")

    root, modules = checks.check_checkov(with_checkov, run=run)
    assert [c[c.index("-d") + 1] for c in calls] == ["terraform", "modules"]
    assert root.ok
    assert modules.ok
    assert root.counts["passed"] == 15


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
    for result in checks.check_checkov(with_checkov, run=_fake_checkov(stdout, returncode)):
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


def _tree_with_modules(ctx):
    (ctx.paths.terraform / "main.tf").write_text(
        'module "nodes" {\n  source = "../modules/nodes"\n  count  = 1\n}\n'
        'module "other" {\n  source = "../modules/other"\n}\n'
    )
    nodes = ctx.paths.modules / "nodes"
    nodes.mkdir()
    (nodes / "main.tf").write_text(
        'resource "aws_lb_listener" "http" {\n'
        "  # checkov:skip=CKV_AWS_2: only against the local emulator\n"
        "  count = 1\n}\n\n"
        'module "fn" {\n  source = "../other"\n}\n'
    )
    other = ctx.paths.modules / "other"
    other.mkdir()
    (other / "main.tf").write_text(
        'resource "aws_lb_listener" "http" {\n  port = 80\n}\n\n'
        'resource "aws_security_group_rule" "in" {\n'
        "  # checkov:skip=CKV_AWS_260: redirect only\n  for_each = {}\n}\n"
    )


def test_inline_skips_follow_the_module_path_not_the_resource_name(ctx):
    _tree_with_modules(ctx)
    # the same type and name in two modules: only the one with the comment is skipped
    assert checks.inline_skips(ctx, "module.nodes[0].aws_lb_listener.http[0]") == {
        "CKV_AWS_2": "only against the local emulator"
    }
    assert checks.inline_skips(ctx, "module.other.aws_lb_listener.http") == {}
    # nested module calls and for_each keys
    nested = 'module.nodes[0].module.fn.aws_security_group_rule.in["0.0.0.0/0"]'
    assert checks.inline_skips(ctx, nested) == {"CKV_AWS_260": "redirect only"}
    assert checks.inline_skips(ctx, "module.missing.aws_lb.this") == {}


def test_plan_scan_honours_inline_skips_resolved_by_address(with_checkov):
    _tree_with_modules(with_checkov)
    report = _report(10, 2)
    report["results"]["failed_checks"] = [
        {"check_id": "CKV_AWS_2", "resource": "module.nodes[0].aws_lb_listener.http[0]"},
        {"check_id": "CKV_AWS_2", "resource": "module.other.aws_lb_listener.http"},
    ]
    plan_json = with_checkov.paths.build / "local.tfplan.json"
    plan_json.parent.mkdir(parents=True)
    plan_json.write_text("{}")
    run = _fake_checkov(json.dumps(report), returncode=1)
    root, modules, plan = checks.check_checkov(with_checkov, run=run, plan_json=plan_json)
    assert not root.ok  # the static scans trust checkov's own verdict
    assert not modules.ok
    assert not plan.ok
    assert plan.counts["failed"] == 1
    assert plan.counts["skipped"] == 1
    assert "module.other.aws_lb_listener.http" in plan.detail
    assert "module.nodes" not in plan.detail


def test_each_gate_reports_its_own_wall_time(monkeypatch):
    clock = iter([10.0, 12.5, 20.0, 20.25])
    monkeypatch.setattr(checks.time, "monotonic", lambda: next(clock))
    slow = checks.timed(lambda: checks.StepResult("fmt", True))
    both = checks.timed(
        lambda: [checks.StepResult("a", True), checks.StepResult("b", True, seconds=7.0)]
    )
    assert [r.seconds for r in slow] == [2.5]
    # a result that timed itself (a module's tests, in its own process) keeps its own figure
    assert [(r.name, r.seconds) for r in both] == [("a", 0.25), ("b", 7.0)]


def test_the_plan_scan_alone_skips_the_directory_scans(with_checkov, tmp_path):
    calls = []

    def run(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, json.dumps(_report(4, 0)), "")

    plan = tmp_path / "local.tfplan.json"
    plan.write_text("{}")
    [result] = checks.check_checkov(with_checkov, run=run, plan_json=plan, directories=False)
    assert result.name == "checkov plan"
    assert [c[c.index("-f") + 1] for c in calls] == [str(plan)]


def test_reports_go_to_one_folder_per_scan_in_every_format(with_checkov):
    calls = []

    def run(cmd, **kwargs):
        calls.append(cmd)
        folder = Path(cmd[cmd.index("--output-file-path") + 1])
        folder.mkdir(parents=True)
        (folder / "results_json.json").write_text(json.dumps(_report(3, 0)))
        return subprocess.CompletedProcess(cmd, 0, "", "")

    formats = ("json", "sarif", "junitxml")
    checks.check_checkov(with_checkov, run=run, output_files=formats)
    reports = with_checkov.paths.reports
    assert [Path(c[c.index("--output-file-path") + 1]) for c in calls] == [
        reports / "checkov-terraform",
        reports / "checkov-modules",
    ]
    for cmd in calls:
        assert [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--output"] == list(formats)


def test_the_plan_scan_alone_needs_a_plan(ctx):
    result = CliRunner().invoke(main, ["check", "--only", "checkov-plan"], obj=ctx)
    assert result.exit_code == 2
    assert "give --plan-env" in result.output
