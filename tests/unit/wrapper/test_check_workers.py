"""Module tests run in parallel processes: how many, what a bad setting says; and the Go
garbage-collector setting every Terraform run of the wrapper gets."""

from __future__ import annotations

import pickle

import pytest

from artificien_infra.core import checks
from artificien_infra.core.config import ConfigError
from artificien_infra.core.terraform import GO_GC_PERCENT, Terraform, TerraformError, TfResult


def test_one_worker_per_core_capped_by_the_module_count(monkeypatch):
    monkeypatch.delenv("ARTIFICIEN_TEST_WORKERS", raising=False)
    monkeypatch.setattr(checks.os, "cpu_count", lambda: 4)
    assert checks._test_workers(19) == 4
    assert checks._test_workers(2) == 2
    assert checks._test_workers(1) == 1


def test_the_setting_overrides_the_core_count(monkeypatch):
    monkeypatch.setenv("ARTIFICIEN_TEST_WORKERS", "1")
    assert checks._test_workers(19) == 1


@pytest.mark.parametrize("raw", ["0", "two", "-3"])
def test_a_bad_setting_is_refused_by_name(monkeypatch, raw):
    monkeypatch.setenv("ARTIFICIEN_TEST_WORKERS", raw)
    with pytest.raises(ConfigError, match="ARTIFICIEN_TEST_WORKERS"):
        checks._test_workers(19)


def _module_with_tests(ctx) -> None:
    tests = ctx.paths.modules / "dynamodb" / "tests"
    tests.mkdir()
    (tests / "tables.tftest.hcl").write_text('run "plan" {\n  command = plan\n}\n')


def test_module_tests_and_validate_run_terraform_with_fewer_go_collections(
    ctx, runner, monkeypatch
):
    monkeypatch.delenv("GOGC", raising=False)
    _module_with_tests(ctx)
    checks.check_tests(ctx)
    checks.check_validate(ctx)
    assert [(c, env.get("GOGC")) for c, _, env in runner.calls] == [
        ("init", GO_GC_PERCENT),
        ("test", GO_GC_PERCENT),
        ("init", GO_GC_PERCENT),
        ("validate", GO_GC_PERCENT),
    ]
    # the setting is the Terraform processes' only: the wrapper's own environment is as it was
    assert "GOGC" not in checks.os.environ


def test_plans_and_applies_get_the_same_setting(ctx, monkeypatch):
    monkeypatch.delenv("GOGC", raising=False)
    tf = Terraform(
        ctx=ctx, cwd=ctx.paths.terraform, data_dir=ctx.paths.tf_data("dev"), env_name="dev"
    )
    assert tf.environment()["GOGC"] == GO_GC_PERCENT
    monkeypatch.setenv("GOGC", "200")
    assert tf.environment()["GOGC"] == "200"


def test_an_operators_own_gogc_wins(ctx, runner, monkeypatch):
    monkeypatch.setenv("GOGC", "off")
    _module_with_tests(ctx)
    checks.check_tests(ctx)
    assert {env.get("GOGC") for _, _, env in runner.calls} == {"off"}
    assert checks.os.environ["GOGC"] == "off"


def test_the_modules_with_most_run_blocks_start_first(tmp_path):
    def module(name: str, *files: int):
        tests = tmp_path / name / "tests"
        tests.mkdir(parents=True)
        for index, runs in enumerate(files):
            blocks = "".join(f'run "r{n}" {{\n  command = plan\n}}\n' for n in range(runs))
            # a block's name in a comment or a string is not a run block
            text = f'# run "commented" {{}}\nvariables {{\n  x = "run \\"y\\""\n}}\n{blocks}'
            (tests / f"t{index}.tftest.hcl").write_text(text)
        return tmp_path / name

    small, split, big, tie = module("a", 1), module("b", 2, 2), module("c", 3), module("d", 3)
    assert checks.longest_first([small, split, big, tie]) == [split, big, tie, small]


def test_a_module_whose_init_fails_is_a_failed_gate_with_terraforms_words(ctx, runner):
    _module_with_tests(ctx)
    runner.fail["init"] = TfResult(1, "", "Error: Failed to query available provider packages")
    [result] = checks.check_tests(ctx)
    assert (result.name, result.ok) == ("test dynamodb", False)
    assert "Failed to query available provider packages" in result.detail


def test_a_terraform_error_survives_the_trip_from_a_worker_process():
    error = TerraformError("init", TfResult(1, "", "Error: boom"))
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just written
    assert (str(copy), copy.command, copy.result) == (str(error), "init", error.result)


def test_a_runs_own_variables_reach_its_terraform_process_only(ctx, monkeypatch):
    monkeypatch.delenv("TF_REATTACH_PROVIDERS", raising=False)
    address = {"TF_REATTACH_PROVIDERS": '{"registry.terraform.io/hashicorp/aws":{}}'}
    tf = Terraform(
        ctx=ctx, cwd=ctx.paths.terraform, data_dir=ctx.paths.tf_data("x"), extra_env=address
    )
    assert tf.environment()["TF_REATTACH_PROVIDERS"] == address["TF_REATTACH_PROVIDERS"]
    assert "TF_REATTACH_PROVIDERS" not in checks.os.environ
