"""`artificien-infra nodes ...` through click's CliRunner, with fake outputs and moto clients."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from artificien_infra import nodes_cli
from artificien_infra.nodes import NodeNotStableError

# The moto platform of test_nodes.py, shared without a conftest (pytest runs with
# --import-mode=importlib, so sibling test modules are not importable by name).
_spec = importlib.util.spec_from_file_location(
    "nodes_platform", Path(__file__).with_name("test_nodes.py")
)
assert _spec is not None
assert _spec.loader is not None
_platform_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _platform_module  # dataclasses resolve annotations through it
_spec.loader.exec_module(_platform_module)
APP = _platform_module.APP
TABLE = _platform_module.TABLE
Platform = _platform_module.Platform
platform = _platform_module.platform  # the fixture


@pytest.fixture
def cli(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Wire the CLI to the moto platform: outputs from a fake loader, clients from moto."""
    calls: dict[str, Any] = {"outputs": [], "waits": []}

    def fake_outputs(env: str) -> dict[str, Any]:
        calls["outputs"].append(env)
        value = dataclasses.asdict(platform.config)
        value["subnet_ids"] = list(value["subnet_ids"])
        value["environment"] = env if env != "staging" else "dev"  # staging: a mismatch
        return {"pygrid_node_manager": value, "user_table_name": "ignored"}

    def fake_clients(env: str, region: str) -> dict[str, Any]:
        return {"ecs": platform.ecs, "elbv2": platform.elbv2, "dynamodb": platform.dynamodb}

    def fake_wait(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        calls["waits"].append((service, timeout))

    monkeypatch.setattr(nodes_cli, "load_outputs", fake_outputs)
    monkeypatch.setattr(nodes_cli, "make_clients", fake_clients)
    monkeypatch.setattr(nodes_cli, "wait_services_stable", fake_wait)
    calls["platform"] = platform
    return calls


def run(*args: str) -> Any:
    return CliRunner().invoke(nodes_cli.nodes, list(args))


def test_up_prints_the_node_as_json_and_progress_on_stderr(cli: dict[str, Any]) -> None:
    # GIVEN a registered app WHEN `nodes up` runs for env dev
    result = run("up", "--env", "dev", APP, "--timeout", "90")
    # THEN it succeeds, stdout is the node as JSON, progress is on stderr
    assert result.exit_code == 0, result.stderr
    node = json.loads(result.stdout)
    assert node["url"] == "http://artificien-health.nodes.example.com"
    assert node["item_has_node"] is True
    assert "creating service pygrid-artificien-health" in result.stderr
    assert cli["outputs"] == ["dev"]
    assert cli["waits"] == [("pygrid-artificien-health", 90)]


def test_up_no_wait_skips_the_waiter(cli: dict[str, Any]) -> None:
    result = run("up", "--env", "local", "--no-wait", APP)
    assert result.exit_code == 0, result.stderr
    assert cli["waits"] == []
    assert len(cli["platform"].services()) == 1


def test_up_timeout_rolls_back_and_exits_1(
    cli: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        raise NodeNotStableError(f"service {service} was not stable after {timeout:.0f} s")

    monkeypatch.setattr(nodes_cli, "wait_services_stable", never)
    result = run("up", "--env", "local", APP, "--timeout", "5")
    assert result.exit_code == 1
    assert "was not stable after 5 s" in result.stderr
    assert "rolling back" in result.stderr
    assert cli["platform"].nothing_managed()


def test_unknown_app_is_a_clear_error(cli: dict[str, Any]) -> None:
    result = run("down", "--env", "local", "Ghost")
    assert result.exit_code == 1
    assert "unknown app 'Ghost'" in result.stderr
    assert result.stdout == ""


def test_outputs_of_another_env_are_refused(cli: dict[str, Any]) -> None:
    result = run("list", "--env", "staging")
    assert result.exit_code == 1
    assert "not 'staging'" in result.stderr


def test_env_must_be_known(cli: dict[str, Any]) -> None:
    result = run("list", "--env", "qa")
    assert result.exit_code == 2
    assert cli["outputs"] == []


def test_status_list_and_down(cli: dict[str, Any]) -> None:
    assert run("up", "--env", "local", "--no-wait", APP).exit_code == 0

    status = run("status", "--env", "local", APP)
    assert status.exit_code == 0
    assert json.loads(status.stdout)["resources"]["service_arn"].endswith(
        "pygrid-artificien-health"
    )

    listed = run("list", "--env", "local")
    assert listed.exit_code == 0
    assert [n["app_id"] for n in json.loads(listed.stdout)] == [APP]

    down = run("down", "--env", "local", APP)
    assert down.exit_code == 0, down.stderr
    assert json.loads(down.stdout)["state"] == "absent"
    assert cli["platform"].nothing_managed()


def test_reconcile_exit_codes(cli: dict[str, Any]) -> None:
    moto_env = cli["platform"]
    clean = run("reconcile", "--env", "local")
    assert clean.exit_code == 0
    assert json.loads(clean.stdout) == []

    # GIVEN an orphan: a node whose item was deleted
    assert run("up", "--env", "local", "--no-wait", APP).exit_code == 0
    moto_env.dynamodb.delete_item(TableName=TABLE, Key={"dataset_id": {"S": APP}})

    # WHEN reported THEN exit 2 and the finding on stdout
    found = run("reconcile", "--env", "local")
    assert found.exit_code == 2
    assert [f["kind"] for f in json.loads(found.stdout)] == ["unclaimed-node"]
    assert "found: unclaimed-node" in found.stderr
    assert len(moto_env.services()) == 1

    # WHEN fixed THEN exit 0 and the node is gone
    fixed = run("reconcile", "--env", "local", "--fix")
    assert fixed.exit_code == 0
    assert json.loads(fixed.stdout)[0]["fixed"] is True
    assert moto_env.nothing_managed()


def test_local_clients_target_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("ARTIFICIEN_LOCAL_PORT", "4999")
    clients = nodes_cli.make_clients("local", "us-east-1")
    assert sorted(clients) == ["dynamodb", "ecs", "elbv2"]
    assert all(c.meta.endpoint_url == "http://127.0.0.1:4999" for c in clients.values())
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4604")
    assert nodes_cli.make_clients("local", "us-east-1")["ecs"].meta.endpoint_url == (
        "http://127.0.0.1:4604"
    )
