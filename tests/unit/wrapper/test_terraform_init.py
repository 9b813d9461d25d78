"""``Terraform.init`` runs only when what an init depends on has changed since the last one."""

from __future__ import annotations

import pytest

from artificien_infra.core.terraform import INIT_MARKER, Terraform, TerraformError, TfResult


@pytest.fixture
def tf(ctx, runner):
    data_dir = ctx.paths.tf_data("dev")

    def installs_providers(command, args, **kwargs):
        result = type(runner).__call__(runner, command, args, **kwargs)
        if command == "init" and result.returncode == 0:
            (data_dir / "providers").mkdir(parents=True, exist_ok=True)
        return result

    ctx = type(ctx)(paths=ctx.paths, settings=ctx.settings, runner=installs_providers)
    return Terraform(ctx=ctx, cwd=ctx.paths.terraform, data_dir=data_dir, env_name="dev")


def _inits(runner) -> int:
    return runner.commands().count("init")


def test_a_second_init_of_the_same_inputs_is_skipped(tf, runner, repo):
    backend = repo / "terraform" / "envs" / "dev.backend.hcl"
    tf.init(backend_config=backend)
    tf.init(backend_config=backend)
    assert _inits(runner) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda repo: (repo / "modules" / "dynamodb" / "main.tf").write_text("# changed\n"),
        lambda repo: (repo / "modules" / "dynamodb" / "extra.tf").write_text("# new file\n"),
        lambda repo: (repo / "terraform" / "envs" / "dev.backend.hcl").write_text('bucket = "c"\n'),
        lambda repo: (repo / "terraform" / ".terraform.lock.hcl").write_text("# providers\n"),
    ],
    ids=["module-edited", "module-file-added", "backend-config", "lock-file"],
)
def test_a_changed_input_runs_init_again(tf, runner, repo, change):
    backend = repo / "terraform" / "envs" / "dev.backend.hcl"
    tf.init(backend_config=backend)
    change(repo)
    tf.init(backend_config=backend)
    assert _inits(runner) == 2


def test_another_backend_or_none_runs_init_again(tf, runner, repo):
    tf.init(backend_config=repo / "terraform" / "envs" / "dev.backend.hcl")
    tf.init(backend_config=repo / "terraform" / "envs" / "prod.backend.hcl")
    tf.init(backend_config=None)
    assert _inits(runner) == 3


def test_a_data_dir_without_its_providers_is_initialised_again(tf, runner, repo):
    backend = repo / "terraform" / "envs" / "dev.backend.hcl"
    tf.init(backend_config=backend)
    (tf.data_dir / "providers").rmdir()
    tf.init(backend_config=backend)
    assert _inits(runner) == 2


def test_a_failed_init_is_never_taken_for_a_done_one(tf, runner, repo):
    backend = repo / "terraform" / "envs" / "dev.backend.hcl"
    tf.init(backend_config=backend)
    (repo / "modules" / "dynamodb" / "main.tf").write_text("# changed\n")
    runner.fail["init"] = TfResult(1, "", "Error: Failed to query available provider packages")
    with pytest.raises(TerraformError):
        tf.init(backend_config=backend)
    assert not (tf.data_dir / INIT_MARKER).exists()
    del runner.fail["init"]
    tf.init(backend_config=backend)
    assert _inits(runner) == 3
