"""plan / apply / destroy / outputs through the CLI, with Terraform replaced by a fake runner."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from artificien_infra.cli import main
from artificien_infra.core import deploy
from artificien_infra.core.terraform import TfResult
from artificien_infra.local import processes as local


def invoke(ctx, *args, input=None):
    return CliRunner().invoke(main, list(args), obj=ctx, input=input)


def test_plan_selects_the_env_workspace_var_file_and_backend(ctx, runner):
    result = invoke(ctx, "plan", "--env", "dev")
    assert result.exit_code == 2, result.output
    assert runner.commands()[:2] == ["init", "workspace select"]
    assert f"-backend-config={ctx.paths.backend_hcl('dev')}" in runner.args_of("init")
    assert runner.args_of("workspace select")[-1] == "dev"
    plan_args = runner.args_of("plan")
    assert f"-var-file={ctx.paths.tfvars('dev')}" in plan_args
    assert f"-var-file={ctx.paths.auto_tfvars('dev')}" in plan_args
    assert f"-out={ctx.paths.plan_file('dev')}" in plan_args
    assert {"-input=false", "-no-color", "-detailed-exitcode"} <= set(plan_args)


def test_injected_values_go_through_a_tfvars_file_not_argv(ctx, runner):
    invoke(ctx, "plan", "--env", "staging")
    injected = json.loads(ctx.paths.auto_tfvars("staging").read_text())
    assert injected["environment"] == "staging"
    assert injected["aws_endpoint_url"] is None
    assert set(injected["lambda_packages"]) == {"hello"}
    assert not any(a.startswith("-var=") for _, args, _ in runner.calls for a in args)
    env = runner.calls[-1][2]
    assert env["TF_IN_AUTOMATION"] == "1"
    assert env["TF_DATA_DIR"] == str(ctx.paths.tf_data("staging"))


def test_plan_exit_codes_follow_terraform(ctx, runner):
    runner.plan_exit = 0
    assert invoke(ctx, "plan", "--env", "dev").exit_code == 0
    runner.plan_exit = 2
    assert invoke(ctx, "plan", "--env", "dev").exit_code == 2
    runner.fail["plan"] = TfResult(1, "", "Error: Invalid reference")
    failed = invoke(ctx, "plan", "--env", "dev")
    assert failed.exit_code == 1
    assert "Invalid reference" in failed.output


def test_plan_prints_a_summary_per_component(ctx):
    result = invoke(ctx, "plan", "--env", "dev")
    assert "dynamodb" in result.output
    assert "kms" in result.output


def test_component_limits_the_plan_to_its_module(ctx, runner):
    invoke(ctx, "plan", "--env", "dev", "--component", "dynamodb")
    assert "-target=module.dynamodb" in runner.args_of("plan")


def test_unknown_component_is_refused_before_terraform_runs(ctx, runner):
    result = invoke(ctx, "plan", "--env", "dev", "--component", "nope")
    assert result.exit_code == 1
    assert "unknown component 'nope'" in result.output
    assert runner.calls == []


def test_unknown_env_is_refused(ctx, runner):
    result = invoke(ctx, "plan", "--env", "qa")
    assert result.exit_code == 2
    assert runner.calls == []


def test_real_env_without_backend_points_at_bootstrap(ctx, runner):
    ctx.paths.backend_hcl("dev").unlink()
    result = invoke(ctx, "plan", "--env", "dev")
    assert result.exit_code == 1
    assert "artificien-infra bootstrap --env dev" in result.output


def test_local_env_needs_the_emulator(ctx, runner, monkeypatch):
    monkeypatch.setattr(local, "status", lambda c: None)
    result = invoke(ctx, "plan", "--env", "local")
    assert result.exit_code == 1
    assert "make local-up" in result.output


def test_local_env_gets_the_emulator_endpoint_and_placeholder_credentials(ctx, runner, monkeypatch):
    monkeypatch.setattr(local, "status", lambda c: "http://127.0.0.1:4566")
    monkeypatch.setenv("AWS_PROFILE", "prod-admin")
    ctx.paths.backend_hcl("local").parent.mkdir(parents=True)
    ctx.paths.backend_hcl("local").write_text('bucket = "x"\n')
    assert invoke(ctx, "plan", "--env", "local").exit_code == 2
    injected = json.loads(ctx.paths.auto_tfvars("local").read_text())
    assert injected["aws_endpoint_url"] == "http://127.0.0.1:4566"
    env = runner.calls[-1][2]
    assert env["AWS_ACCESS_KEY_ID"] == "test"
    assert "AWS_PROFILE" not in env


def test_terraform_reaches_the_emulator_through_the_sdks_endpoint_variable(
    ctx, runner, monkeypatch
):
    # GIVEN a shell that points one service elsewhere (the provider block has no endpoints {})
    monkeypatch.setattr(local, "status", lambda c: "http://127.0.0.1:4566")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    ctx.paths.backend_hcl("local").parent.mkdir(parents=True)
    ctx.paths.backend_hcl("local").write_text('bucket = "x"\n')
    # WHEN local is planned THEN every Terraform call sends every service to the emulator
    assert invoke(ctx, "plan", "--env", "local").exit_code == 2
    for _, _, env in runner.calls:
        assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
        assert not [v for v in env if v.startswith("AWS_ENDPOINT_URL_")]
        assert "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" not in env


def test_a_workspace_set_in_the_shell_never_reaches_terraform(ctx, runner, monkeypatch):
    # the env's workspace is the wrapper's to select: TF_WORKSPACE would override it silently
    monkeypatch.setenv("TF_WORKSPACE", "prod")
    assert invoke(ctx, "plan", "--env", "dev").exit_code == 2
    assert all("TF_WORKSPACE" not in env for _, _, env in runner.calls)
    assert runner.args_of("workspace select")[-1] == "dev"


def test_a_real_env_gets_no_emulator_endpoint(ctx, runner, monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert invoke(ctx, "plan", "--env", "dev").exit_code == 2
    assert all("AWS_ENDPOINT_URL" not in env for _, _, env in runner.calls)


def test_apply_without_a_plan_is_refused(ctx, runner):
    result = invoke(ctx, "apply", "--env", "dev", "--yes")
    assert result.exit_code == 1
    assert "no saved plan for dev" in result.output
    assert "apply" not in runner.commands()


def test_apply_applies_exactly_the_saved_plan_then_deletes_it(ctx, runner):
    invoke(ctx, "plan", "--env", "dev")
    result = invoke(ctx, "apply", "--env", "dev", "--yes")
    assert result.exit_code == 0, result.output
    assert runner.args_of("apply")[-1] == str(ctx.paths.plan_file("dev"))
    assert not ctx.paths.plan_file("dev").exists()


def test_a_stale_plan_is_refused(ctx, runner):
    invoke(ctx, "plan", "--env", "dev")
    ctx.paths.tfvars("dev").write_text('aws_region = "eu-west-1"\n')
    result = invoke(ctx, "apply", "--env", "dev", "--yes")
    assert result.exit_code == 1
    assert "stale" in result.output
    assert "apply" not in runner.commands()


def test_dev_apply_asks_and_no_changes_nothing(ctx, runner):
    invoke(ctx, "plan", "--env", "dev")
    result = invoke(ctx, "apply", "--env", "dev", input="n\n")
    assert result.exit_code == 1
    assert "not confirmed" in result.output
    assert "apply" not in runner.commands()


def test_prod_apply_needs_the_env_name_typed(ctx, runner):
    invoke(ctx, "plan", "--env", "prod")
    wrong = invoke(ctx, "apply", "--env", "prod", "--yes", "--confirm-env", "staging")
    assert wrong.exit_code == 1
    assert "apply" not in runner.commands()
    right = invoke(ctx, "apply", "--env", "prod", "--confirm-env", "prod")
    assert right.exit_code == 0, right.output
    assert "apply" in runner.commands()


def test_prod_destroy_is_refused_without_the_explicit_flag(ctx, runner):
    result = invoke(ctx, "destroy", "--env", "prod", "--yes", "--confirm-env", "prod")
    assert result.exit_code == 1
    assert "--allow-prod-destroy" in result.output
    assert runner.calls == []


def test_destroy_plans_a_destruction_and_applies_it(ctx, runner):
    result = invoke(ctx, "destroy", "--env", "dev", "--yes")
    assert result.exit_code == 0, result.output
    assert "-destroy" in runner.args_of("plan")
    assert runner.args_of("apply")[-1] == str(ctx.paths.plan_file("dev", destroy=True))


def test_outputs_mask_sensitive_values_unless_asked(ctx, runner):
    runner.outputs = {
        "user_pool_id": {"value": "pool", "type": "string", "sensitive": False},
        "native_client_secret": {"value": "s3cr3t", "type": "string", "sensitive": True},
    }
    masked = invoke(ctx, "outputs", "--env", "dev", "--json")
    assert json.loads(masked.stdout) == {
        "native_client_secret": "(sensitive)",
        "user_pool_id": "pool",
    }
    shown = invoke(ctx, "outputs", "--env", "dev", "--json", "--show-sensitive")
    assert json.loads(shown.stdout)["native_client_secret"] == "s3cr3t"


def test_read_outputs_returns_plain_values(ctx, runner):
    runner.outputs = {"user_table_name": {"value": "dev-user_table", "sensitive": False}}
    assert deploy.read_outputs("dev", ctx) == {"user_table_name": "dev-user_table"}


@pytest.mark.parametrize("mirror", [True, False])
def test_provider_mirror_is_used_only_when_set(ctx, runner, tmp_path, mirror):
    from artificien_infra.core.config import Settings

    if mirror:
        (tmp_path / "mirror").mkdir()
        ctx.settings = Settings(provider_mirror=tmp_path / "mirror", local_port=4566)
    invoke(ctx, "plan", "--env", "dev")
    env = runner.calls[0][2]
    if mirror:
        rc = Path(env["TF_CLI_CONFIG_FILE"]).read_text()
        assert str(tmp_path / "mirror") in rc
        assert "direct" in rc
    else:
        assert env.get("TF_CLI_CONFIG_FILE") != str(ctx.paths.build / "terraformrc")


def test_plan_outputs_that_may_hold_sensitive_values_are_private(ctx, runner):
    import stat

    invoke(ctx, "plan", "--env", "dev")
    for path in (
        ctx.paths.plan_file("dev"),
        ctx.paths.plan_json("dev"),
        ctx.paths.auto_tfvars("dev"),
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
