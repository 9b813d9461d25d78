"""The local env applies with more concurrent operations than Terraform's default; real envs keep
the default."""

from click.testing import CliRunner

from artificien_infra.cli import main
from artificien_infra.core import deploy
from artificien_infra.local import processes as local


def invoke(ctx, *args):
    return CliRunner().invoke(main, list(args), obj=ctx)


def _parallelism(args: list[str]) -> list[str]:
    return [a for a in args if a.startswith("-parallelism")]


def test_local_apply_raises_the_parallelism(ctx, runner, monkeypatch):
    # GIVEN a running emulator and a saved local plan
    monkeypatch.setattr(local, "status", lambda c: "http://127.0.0.1:4566")
    ctx.paths.backend_hcl("local").parent.mkdir(parents=True)
    ctx.paths.backend_hcl("local").write_text('bucket = "x"\n')
    assert invoke(ctx, "plan", "--env", "local").exit_code == 2

    # WHEN it is applied
    result = invoke(ctx, "apply", "--env", "local")

    # THEN Terraform applies exactly that plan with the local parallelism
    assert result.exit_code == 0, result.output
    args = runner.args_of("apply")
    assert _parallelism(args) == [f"-parallelism={deploy.LOCAL_APPLY_PARALLELISM}"]
    assert deploy.LOCAL_APPLY_PARALLELISM > 10
    assert args[-1] == str(ctx.paths.plan_file("local"))


def test_real_envs_keep_the_default_parallelism(ctx, runner):
    assert invoke(ctx, "plan", "--env", "dev").exit_code == 2
    assert invoke(ctx, "apply", "--env", "dev", "--yes").exit_code == 0
    assert _parallelism(runner.args_of("apply")) == []
