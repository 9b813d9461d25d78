"""`destroy` and the PyGrid nodes: non-prod stops them once the destroy is confirmed, prod refuses
while any runs. Terraform is the fake runner; the nodes are a fake, then the real node manager on
its moto platform."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from artificien_infra.cli import main
from artificien_infra.commands import destroy_nodes
from artificien_infra.commands import nodes as nodes_cli

# The node manager's moto platform, loaded by path as tests/unit/test_nodes_cli.py loads it.
_spec = importlib.util.spec_from_file_location(
    "destroy_nodes_platform",
    Path(__file__).resolve().parents[1] / "lambdas" / "node_manager" / "moto_platform.py",
)
assert _spec is not None
assert _spec.loader is not None
_platform_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _platform_module
_spec.loader.exec_module(_platform_module)
APP = _platform_module.APP
platform = _platform_module.platform  # the fixture


@dataclasses.dataclass
class FakeNodes:
    """Nodes as the node manager would report them; records when it was asked, against the
    Terraform commands run by then."""

    runner: Any
    running: list[str] = dataclasses.field(default_factory=list)
    fail: bool = False
    seen: list[tuple[str, list[str]]] = dataclasses.field(default_factory=list)

    def names(self) -> list[str]:
        self.seen.append(("names", self.runner.commands()))
        return list(self.running)

    def stop_all(self) -> list[dict[str, Any]]:
        self.seen.append(("stop_all", self.runner.commands()))
        if self.fail:
            return [{"app_id": "Sleep Tracker", "slug": "sleep-tracker", "ok": False,
                     "message": "locked by another up"}]  # fmt: skip
        stopped = [{"app_id": name, "slug": name, "ok": True} for name in self.running]
        self.running.clear()
        return stopped


@pytest.fixture
def fake_nodes(runner, monkeypatch) -> FakeNodes:
    nodes = FakeNodes(runner, running=["'Artificien Health' (running)"])
    outputs_seen: list[dict] = []

    def nodes_for(ctx, env, outputs):
        outputs_seen.append(outputs)
        return nodes

    runner.outputs = {"pygrid_node_manager": {"value": {"environment": "dev"}, "type": "object"}}
    monkeypatch.setattr(destroy_nodes, "nodes_for", nodes_for)
    nodes.outputs_seen = outputs_seen
    return nodes


def invoke(ctx, *args, input=None):
    return CliRunner().invoke(main, ["destroy", *args], obj=ctx, input=input)


def test_a_dev_destroy_stops_the_nodes_after_confirmation_and_before_the_apply(
    ctx, runner, fake_nodes
):
    result = invoke(ctx, "--env", "dev", "--yes")
    assert result.exit_code == 0, result.output
    # THEN the nodes were stopped once: after the destroy was planned, before it was applied
    [(call, commands_then)] = fake_nodes.seen
    assert call == "stop_all"
    assert "plan" in commands_then
    assert "apply" not in commands_then
    assert runner.commands()[-1] == "apply"
    assert "-destroy" in runner.args_of("plan")
    # and the node manager was configured from the env's own outputs
    assert fake_nodes.outputs_seen == [{"pygrid_node_manager": {"environment": "dev"}}]


def test_a_destroy_that_is_not_confirmed_leaves_the_nodes_running(ctx, runner, fake_nodes):
    result = invoke(ctx, "--env", "staging", input="n\n")
    assert result.exit_code == 1
    assert "not confirmed: nothing was changed" in result.output
    assert fake_nodes.seen == []
    assert fake_nodes.running == ["'Artificien Health' (running)"]
    assert "apply" not in runner.commands()


def test_a_node_that_cannot_be_stopped_stops_the_destroy(ctx, runner, fake_nodes):
    fake_nodes.fail = True
    result = invoke(ctx, "--env", "dev", "--yes")
    assert result.exit_code == 1
    assert "1 of 1 PyGrid node(s) of dev were not stopped, so nothing was destroyed" in (
        result.stderr
    )
    assert "'Sleep Tracker' (locked by another up)" in result.stderr
    assert "artificien-infra nodes down --all --env dev" in result.stderr
    assert "apply" not in runner.commands()


def test_prod_with_nodes_refuses_naming_them_before_planning(ctx, runner, fake_nodes):
    fake_nodes.running.append("'Sleep Tracker' (starting)")
    result = invoke(ctx, "--env", "prod", "--allow-prod-destroy", "--confirm-env", "prod")
    assert result.exit_code == 1
    assert (
        "refusing to destroy prod while 2 PyGrid node(s) run: 'Artificien Health' (running), "
        "'Sleep Tracker' (starting); run `artificien-infra nodes down --all --env prod` first"
    ) in result.stderr
    assert "plan" not in runner.commands()
    assert [call for call, _ in fake_nodes.seen] == ["names"]  # never stopped by the destroy


def test_prod_without_nodes_proceeds(ctx, runner, fake_nodes):
    fake_nodes.running.clear()
    result = invoke(ctx, "--env", "prod", "--allow-prod-destroy", "--confirm-env", "prod")
    assert result.exit_code == 0, result.output
    assert [call for call, _ in fake_nodes.seen] == ["names"]
    assert runner.commands()[-1] == "apply"


def test_an_env_with_nothing_deployed_is_destroyed_without_asking_the_node_manager(
    ctx, runner, monkeypatch
):
    # GIVEN no state: the outputs are empty, so no node-manager configuration
    def no_clients(env, region):
        raise AssertionError("no client may be built without a node manager configuration")

    monkeypatch.setattr(nodes_cli, "make_clients", no_clients)
    runner.outputs = {}
    result = invoke(ctx, "--env", "dev", "--yes")
    assert result.exit_code == 0, result.output
    assert "no PyGrid nodes to stop: Terraform output 'pygrid_node_manager' is missing" in (
        result.stderr
    )
    assert runner.commands()[-1] == "apply"


def _platform_outputs(platform, env: str) -> dict:
    value = dataclasses.asdict(platform.config)
    value["subnet_ids"] = list(value["subnet_ids"])
    value["environment"] = env
    return {"pygrid_node_manager": {"value": value, "type": "object", "sensitive": False}}


@pytest.fixture
def node_of(platform, monkeypatch):
    """node_of(env): APP's node running on the moto platform as env's node manager started it;
    the destroy's node manager is the platform's, once its config is the outputs' own."""

    def platform_manager(ctx, env, config):
        assert config == platform.config
        return platform.manager(progress=lambda message: click.echo(message, err=True))

    monkeypatch.setattr(destroy_nodes, "build_manager", platform_manager)

    def start(env: str) -> None:
        platform.config = dataclasses.replace(platform.config, environment=env)
        platform.manager().up(APP)
        assert len(platform.services()) == 1

    return start


def test_a_dev_destroy_stops_real_nodes_through_the_node_manager(ctx, runner, platform, node_of):
    # GIVEN dev's running node, and dev's outputs naming its node manager
    node_of("dev")
    runner.outputs = _platform_outputs(platform, "dev")
    # WHEN dev is destroyed
    result = invoke(ctx, "--env", "dev", "--yes")
    # THEN the node's service, rule, target group and task definition are gone, its claim cleared
    assert result.exit_code == 0, result.output
    assert platform.nothing_managed()
    assert platform.item(APP)["hasNode"] == {"BOOL": False}
    assert f"stopping the node of '{APP}'" in result.stderr


def test_prod_names_real_running_nodes(ctx, runner, platform, node_of):
    node_of("prod")
    runner.outputs = _platform_outputs(platform, "prod")
    result = invoke(ctx, "--env", "prod", "--allow-prod-destroy", "--confirm-env", "prod")
    assert result.exit_code == 1
    # moto starts no task: the node stays "starting", and holds its resources all the same
    assert f"run: '{APP}' (starting)" in result.stderr
    assert len(platform.services()) == 1  # still running: prod's nodes are stopped on purpose


def test_outputs_of_another_env_are_refused(ctx, runner, platform):
    runner.outputs = _platform_outputs(platform, "staging")
    result = invoke(ctx, "--env", "dev", "--yes")
    assert result.exit_code == 1
    assert "the node manager's outputs are for env 'staging', not dev" in result.stderr
    assert "plan" not in runner.commands()


class _GoneCluster:
    """A node manager whose cluster is gone (a destroy that stopped half way), or refused."""

    def __init__(self, code: str) -> None:
        self.code = code

    def _raise(self, *args: Any) -> Any:
        raise ClientError({"Error": {"Code": self.code, "Message": "x"}}, "ListServices")

    list = down_all = _raise


def test_a_cluster_already_destroyed_has_no_nodes_and_other_errors_stop_the_destroy():
    gone = destroy_nodes.ManagedNodes(_GoneCluster("ClusterNotFoundException"))
    assert gone.names() == []
    assert gone.stop_all() == []
    refused = destroy_nodes.ManagedNodes(_GoneCluster("AccessDeniedException"))
    with pytest.raises(ClientError):
        refused.names()
    with pytest.raises(ClientError):
        refused.stop_all()


def test_the_destroys_node_manager_keeps_the_node_secrets_on_the_envs_emulator(
    ctx, platform, monkeypatch
):
    # GIVEN an env whose Terraform talks to an emulator (a rehearsal's, say)
    monkeypatch.setattr(destroy_nodes, "endpoint_for", lambda ctx, env: "http://127.0.0.1:4777")
    # WHEN the destroy builds its node manager
    manager = destroy_nodes.build_manager(ctx, "dev", platform.config)
    # THEN the nodes' database secrets are deleted there too, never on AWS
    assert manager.database.secretsmanager.meta.endpoint_url == "http://127.0.0.1:4777"
    assert manager.resources.ecs.meta.endpoint_url == "http://127.0.0.1:4777"
    assert manager.database.lambda_client is None  # the emulator's config names no role function
