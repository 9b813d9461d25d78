"""``Terraform.select_workspace`` runs only when the data directory names another workspace."""

from __future__ import annotations

import pytest

from artificien_infra.core import deploy, github_oidc
from artificien_infra.core.terraform import Terraform


@pytest.fixture
def selecting(ctx, runner):
    """A context whose fake Terraform records the selection as Terraform does: in the data
    directory's ``environment`` file."""

    def records_selection(command, args, *, cwd, env, stream):
        result = type(runner).__call__(runner, command, args, cwd=cwd, env=env, stream=stream)
        if command == "workspace select" and result.returncode == 0:
            data_dir = env["TF_DATA_DIR"]
            (ctx.paths.root / data_dir).mkdir(parents=True, exist_ok=True)
            (ctx.paths.root / data_dir / "environment").write_text(args[-1])
        return result

    return type(ctx)(paths=ctx.paths, settings=ctx.settings, runner=records_selection)


def _selects(runner) -> list[str]:
    return [args[-1] for command, args, _ in runner.calls if command == "workspace select"]


def _tf(ctx, env: str = "dev") -> Terraform:
    return Terraform(ctx=ctx, cwd=ctx.paths.terraform, data_dir=ctx.paths.tf_data(env))


def test_a_workspace_already_selected_is_not_selected_again(selecting, runner):
    tf = _tf(selecting)
    tf.select_workspace("dev")
    tf.select_workspace("dev")
    assert _selects(runner) == ["dev"]


def test_another_workspace_is_selected(selecting, runner):
    tf = _tf(selecting)
    tf.select_workspace("dev")
    tf.select_workspace("staging")
    tf.select_workspace("staging")
    assert _selects(runner) == ["dev", "staging"]


def test_a_data_dir_without_a_selection_selects(selecting, runner):
    tf = _tf(selecting)
    tf.select_workspace("dev")
    (tf.data_dir / "environment").unlink()
    tf.select_workspace("dev")
    assert _selects(runner) == ["dev", "dev"]


def test_create_selects_even_when_already_selected(selecting, runner):
    tf = _tf(selecting)
    tf.select_workspace("dev")
    tf.select_workspace("dev", create=True)
    assert _selects(runner) == ["dev", "dev"]
    assert runner.args_of("workspace select") == ["-or-create=true", "dev"]


def test_every_command_of_an_env_after_the_first_skips_the_select(selecting, runner):
    deploy.init_env(selecting, "dev")
    deploy.outputs(selecting, "dev")
    deploy.outputs(selecting, "dev")
    assert _selects(runner) == ["dev"]
    assert runner.commands().count("output") == 2


def test_the_bootstrap_creates_the_workspace_whatever_is_selected(selecting, runner):
    # GIVEN a data dir that selected dev already (an earlier plan of dev)
    deploy.init_env(selecting, "dev")
    # WHEN the bootstrap makes sure the plan role finds dev's state
    github_oidc.create_workspace(selecting, "dev")
    # THEN the select runs again: it is what creates the workspace's state in the backend
    assert _selects(runner) == ["dev", "dev"]
