"""`artificien-infra nodes ...` through click's CliRunner, with fake outputs and moto clients."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from artificien_infra.commands import nodes as nodes_cli
from node_manager.errors import NodeNotStableError

# The moto platform of the node manager's tests, shared without a conftest (pytest runs with
# --import-mode=importlib, so test modules are not importable by name).
_spec = importlib.util.spec_from_file_location(
    "nodes_platform",
    Path(__file__).parent / "lambdas" / "node_manager" / "moto_platform.py",
)
assert _spec is not None
assert _spec.loader is not None
_platform_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _platform_module  # dataclasses resolve annotations through it
_spec.loader.exec_module(_platform_module)
APP = _platform_module.APP
REGION = _platform_module.REGION
TABLE = _platform_module.TABLE
Platform = _platform_module.Platform
platform = _platform_module.platform  # the fixture
FUNCTION = "artificien-local-node_manager"


@pytest.fixture
def cli(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Wire the CLI to the moto platform: outputs from a fake loader, clients from moto."""
    calls: dict[str, Any] = {"outputs": [], "waits": []}

    def fake_outputs(env: str) -> dict[str, Any]:
        calls["outputs"].append(env)
        value = dataclasses.asdict(platform.config)
        value["subnet_ids"] = list(value["subnet_ids"])
        value["environment"] = env if env != "staging" else "dev"  # staging: a mismatch
        return {
            "pygrid_node_manager": value,
            "user_table_name": "ignored",
            "node_manager_function_name": FUNCTION,
        }

    def fake_clients(env: str, region: str) -> dict[str, Any]:
        return {"ecs": platform.ecs, "elbv2": platform.elbv2, "dynamodb": platform.dynamodb}

    def fake_database_clients(env: str, region: str, config: Any) -> dict[str, Any]:
        return {"secretsmanager": platform.secretsmanager, "lambda_client": platform.role_function}

    def fake_wait(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        calls["waits"].append((service, timeout))

    monkeypatch.setattr(nodes_cli, "load_outputs", fake_outputs)
    monkeypatch.setattr(nodes_cli, "make_clients", fake_clients)
    monkeypatch.setattr(nodes_cli, "make_database_clients", fake_database_clients)
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


def test_up_on_the_local_emulator_waits_completes_and_records_the_host_name(
    cli: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the emulator's patch that runs a service's desired tasks, and the real waiter
    from moto.ecs.models import Service

    from artificien_infra.local.patches import ecs_service_running

    monkeypatch.setattr(Service, "__init__", Service.__init__)  # undone after the test
    ecs_service_running.register()
    monkeypatch.setattr(nodes_cli, "wait_services_stable", nodes_cli._logic.wait_services_stable)
    # WHEN `nodes up` runs on local with no flags
    result = run("up", "--env", "local", APP)
    # THEN it waited for the service, completed, and the item holds the node's host name
    assert result.exit_code == 0, result.stderr
    assert "waiting up to 600 s for pygrid-artificien-health" in result.stderr
    node = json.loads(result.stdout)
    assert node["state"] == "running"
    assert node["item_node_url"] == "artificien-health.nodes.example.com"
    assert cli["platform"].item(APP)["nodeURL"] == {"S": "artificien-health.nodes.example.com"}


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

    # WHEN fixed without --remove-orphans THEN a complete node of a deleted app stays: exit 2
    kept = run("reconcile", "--env", "local", "--fix")
    assert kept.exit_code == 2
    assert json.loads(kept.stdout)[0]["remedy"] == "remove-orphan"
    assert len(moto_env.services()) == 1

    # WHEN fixed with it THEN exit 0 and the node is gone
    fixed = run("reconcile", "--env", "local", "--fix", "--remove-orphans")
    assert fixed.exit_code == 0
    assert json.loads(fixed.stdout)[0]["fixed"] is True
    assert moto_env.nothing_managed()


def test_reconcile_leaves_young_nodes_alone_unless_told_a_minimum_age(cli: dict[str, Any]) -> None:
    # GIVEN a node made just now whose item is gone
    moto_env = cli["platform"]
    moto_env.offset = 0
    assert run("up", "--env", "local", "--no-wait", APP).exit_code == 0
    moto_env.dynamodb.delete_item(TableName=TABLE, Key={"dataset_id": {"S": APP}})
    # WHEN reconciled THEN it is younger than the wait timeout: skipped, said on stderr
    young = run("reconcile", "--env", "local", "--fix", "--remove-orphans")
    assert young.exit_code == 0, young.stderr
    assert json.loads(young.stdout) == []
    assert "younger than the 600 s" in young.stderr
    assert len(moto_env.services()) == 1
    # WHEN the operator says no up is waiting (--min-age 0) THEN it is judged
    fixed = run("reconcile", "--env", "local", "--fix", "--remove-orphans", "--min-age", "0")
    assert fixed.exit_code == 0, fixed.stderr
    assert moto_env.nothing_managed()


def test_reconcile_flags_that_do_not_go_together(cli: dict[str, Any]) -> None:
    alone = run("reconcile", "--env", "local", "--remove-orphans")
    assert alone.exit_code == 2
    assert "--remove-orphans needs --fix" in alone.stderr
    remote = run("reconcile", "--env", "local", "--remote", "--min-age", "0")
    assert remote.exit_code == 2
    assert "--min-age does not apply with --remote" in remote.stderr
    assert cli["outputs"] == []


def test_a_busy_app_is_exit_1_naming_the_holder(cli: dict[str, Any]) -> None:
    manager = cli["platform"].manager()
    manager.claims.acquire(APP, "another", "down", nodes_cli._logic.now(), 60)
    result = run("up", "--env", "local", APP)
    assert result.exit_code == 1
    assert "is busy: a down holds its lock" in result.stderr
    assert cli["platform"].nothing_managed()


def test_down_all_stops_every_node_and_reports_each(cli: dict[str, Any]) -> None:
    moto_env = cli["platform"]
    moto_env.put_app("Sleep Tracker")
    for app in (APP, "Sleep Tracker"):
        assert run("up", "--env", "local", app).exit_code == 0
    result = run("down", "--env", "local", "--all")
    assert result.exit_code == 0, result.stderr
    assert [(n["app_id"], n["ok"]) for n in json.loads(result.stdout)] == [
        (APP, True),
        ("Sleep Tracker", True),
    ]
    assert "stopped: app='Sleep Tracker' slug=sleep-tracker" in result.stderr
    assert moto_env.nothing_managed()
    assert run("down", "--env", "local", "--all").stdout.strip() == "[]"


def test_down_all_exits_1_when_a_node_could_not_be_stopped(cli: dict[str, Any]) -> None:
    moto_env = cli["platform"]
    moto_env.put_app("Sleep Tracker")
    for app in (APP, "Sleep Tracker"):
        assert run("up", "--env", "local", app).exit_code == 0
    manager = moto_env.manager()
    manager.claims.acquire("Sleep Tracker", "another", "up", nodes_cli._logic.now(), 60)
    result = run("down", "--env", "local", "--all")
    assert result.exit_code == 1
    assert [(n["app_id"], n["ok"]) for n in json.loads(result.stdout)] == [
        (APP, True),
        ("Sleep Tracker", False),
    ]
    assert "failed: app='Sleep Tracker'" in result.stderr
    assert "1 of 2 node(s) were not stopped: 'Sleep Tracker'" in result.stderr
    [service] = moto_env.services()
    assert service["serviceName"] == "pygrid-sleep-tracker"


def test_down_needs_an_app_or_all(cli: dict[str, Any]) -> None:
    for args in ([], ["--all", APP]):
        result = run("down", "--env", "local", *args)
        assert result.exit_code == 2
        assert "give either APP or --all" in result.stderr


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


def test_database_clients_follow_the_env_and_its_role_function(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the local env, which runs no role function: only Secrets Manager, on the emulator
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("ARTIFICIEN_LOCAL_PORT", "4999")
    local_clients = nodes_cli.make_database_clients("local", "us-east-1", platform.config)
    assert sorted(local_clients) == ["secretsmanager"]
    assert local_clients["secretsmanager"].meta.endpoint_url == "http://127.0.0.1:4999"
    # AND an AWS env whose configuration names the role function gets a Lambda client too
    aws_config = dataclasses.replace(
        platform.config, database_role_function=_platform_module.ROLE_FUNCTION
    )
    aws_clients = nodes_cli.make_database_clients("dev", "us-east-1", aws_config)
    assert sorted(aws_clients) == ["lambda_client", "secretsmanager"]
    assert aws_clients["lambda_client"].meta.service_model.service_name == "lambda"


# --remote -----------------------------------------------------------------------------------------


@pytest.fixture
def deployed_function(cli: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The node-manager function as Terraform deploys it on local: stored (moto cannot run it),
    with the platform's configuration as its environment."""
    platform = cli["platform"]
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(
        RoleName="node-manager", AssumeRolePolicyDocument=json.dumps({"Statement": []})
    )["Role"]["Arn"]
    config = dataclasses.replace(platform.config, environment="local").to_dict()
    environment = {"NODE_MANAGER_CONFIG": json.dumps(config), "WAIT_TIMEOUT": "77"}
    lambda_client = boto3.client("lambda", region_name=REGION)
    lambda_client.create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=role,
        Handler="node_manager.handler.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        Timeout=900,
        Environment={"Variables": environment},
    )
    asked: list[tuple[str, str]] = []

    def lambda_for(env: str, region: str) -> Any:
        asked.append((env, region))
        return lambda_client

    monkeypatch.setattr(nodes_cli, "make_lambda_client", lambda_for)
    # moto intercepts the default endpoints: the emulator only adds region and keys here
    monkeypatch.setattr(
        nodes_cli,
        "emulator_access",
        lambda region: {"AWS_REGION": region, **{k: "testing" for k in KEYS}},
    )
    return {"asked": asked, "environment": environment}


KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


def _comparable(node: dict[str, Any]) -> dict[str, Any]:
    """A node's answer without what differs between two creations (ARNs, revisions)."""
    return {k: v for k, v in node.items() if k != "resources"}


def test_up_remote_on_local_runs_the_deployed_handler_like_the_in_process_path(
    cli: dict[str, Any], deployed_function: dict[str, Any]
) -> None:
    platform = cli["platform"]
    # GIVEN the node started in-process, then stopped
    local_up = run("up", "--env", "local", "--no-wait", APP)
    assert local_up.exit_code == 0, local_up.stderr
    [in_process_service] = platform.services()
    in_process_item = platform.item(APP)
    assert run("down", "--env", "local", APP).exit_code == 0

    # WHEN started again through the deployed function
    remote_up = run("up", "--env", "local", "--no-wait", "--remote", APP)

    # THEN the answer, the service, its tags and the item claim are the same as in-process
    assert remote_up.exit_code == 0, remote_up.stderr
    assert _comparable(json.loads(remote_up.stdout)) == _comparable(json.loads(local_up.stdout))
    [remote_service] = platform.services()
    assert remote_service["tags"] == in_process_service["tags"]
    assert remote_service["serviceName"] == in_process_service["serviceName"]
    assert platform.item(APP) == in_process_item
    # AND progress came back on stderr, the result alone on stdout
    assert "creating service pygrid-artificien-health" in remote_up.stderr
    assert deployed_function["asked"] == [("local", REGION)]


def test_remote_wait_uses_the_functions_own_timeout(
    cli: dict[str, Any], deployed_function: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from node_manager import handler

    waits: list[tuple[str, float]] = []
    monkeypatch.setattr(
        handler, "wait_services_stable", lambda ecs, c, service, t: waits.append((service, t))
    )
    result = run("up", "--env", "local", "--remote", APP)
    assert result.exit_code == 0, result.stderr
    # WAIT_TIMEOUT from the deployed environment (77), not the CLI's default (600)
    assert waits == [("pygrid-artificien-health", 77)]
    assert cli["waits"] == []


def test_remote_refusal_and_reconcile_exit_codes(
    cli: dict[str, Any], deployed_function: dict[str, Any]
) -> None:
    ghost = run("down", "--env", "local", "--remote", "Ghost")
    assert ghost.exit_code == 1
    assert "unknown app 'Ghost'" in ghost.stderr
    assert "UnknownAppError, status 404" in ghost.stderr
    assert ghost.stdout == ""

    assert run("up", "--env", "local", "--no-wait", "--remote", APP).exit_code == 0
    cli["platform"].dynamodb.delete_item(TableName=TABLE, Key={"dataset_id": {"S": APP}})
    found = run("reconcile", "--env", "local", "--remote")
    assert found.exit_code == 2
    assert [f["kind"] for f in json.loads(found.stdout)] == ["unclaimed-node"]
    fixed = run("reconcile", "--env", "local", "--remote", "--fix", "--remove-orphans")
    assert fixed.exit_code == 0
    assert cli["platform"].nothing_managed()


def test_down_all_remote_asks_the_function_for_every_node(
    cli: dict[str, Any], deployed_function: dict[str, Any]
) -> None:
    assert run("up", "--env", "local", "--no-wait", "--remote", APP).exit_code == 0
    result = run("down", "--env", "local", "--remote", "--all")
    assert result.exit_code == 0, result.stderr
    [entry] = json.loads(result.stdout)
    assert (entry["app_id"], entry["ok"], entry["state"]) == (APP, True, "absent")
    assert cli["platform"].nothing_managed()


def test_down_all_on_aws_sends_the_all_event(cli: dict[str, Any], aws_lambda: Any) -> None:
    fake = aws_lambda(FakeLambda({"ok": True, "statusCode": 200, "result": [], "progress": []}))
    result = run("down", "--env", "dev", "--remote", "--all")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(c["Payload"]) for c in fake.calls] == [{"action": "down", "all": True}]


def test_remote_timeout_is_refused(cli: dict[str, Any]) -> None:
    result = run("up", "--env", "local", "--remote", "--timeout", "30", APP)
    assert result.exit_code == 2
    assert "--timeout does not apply with --remote" in result.stderr


def test_remote_needs_the_function_output(
    cli: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = nodes_cli.load_outputs

    def without_function(env: str) -> dict[str, Any]:
        return {k: v for k, v in outputs(env).items() if k != "node_manager_function_name"}

    monkeypatch.setattr(nodes_cli, "load_outputs", without_function)
    result = run("list", "--env", "local", "--remote")
    assert result.exit_code == 1
    assert "'node_manager_function_name' is missing" in result.stderr


class FakeLambda:
    """Answers invoke with a canned payload, as Lambda does for a RequestResponse call."""

    def __init__(self, payload: Any, function_error: str | None = None) -> None:
        self.payload = payload
        self.function_error = function_error
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        response: dict[str, Any] = {
            "StatusCode": 200,
            "Payload": io.BytesIO(json.dumps(self.payload).encode()),
        }
        if self.function_error:
            response["FunctionError"] = self.function_error
        return response


@pytest.fixture
def aws_lambda(cli: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(fake: FakeLambda) -> FakeLambda:
        monkeypatch.setattr(nodes_cli, "make_lambda_client", lambda env, region: fake)
        return fake

    return install


def test_remote_on_aws_invokes_the_function_and_prints_its_answer(
    cli: dict[str, Any], aws_lambda: Any
) -> None:
    node = {"url": "https://artificien-health.nodes.example.com", "state": "running"}
    fake = aws_lambda(
        FakeLambda({"ok": True, "statusCode": 200, "result": node, "progress": ["waiting"]})
    )
    result = run("up", "--env", "dev", "--remote", APP)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == node
    assert "waiting" in result.stderr
    [call] = fake.calls
    assert call["FunctionName"] == FUNCTION
    assert call["InvocationType"] == "RequestResponse"
    assert json.loads(call["Payload"]) == {"action": "up", "app": APP, "wait": True}
    assert cli["platform"].nothing_managed()  # nothing ran here


def test_remote_function_error_exits_1(cli: dict[str, Any], aws_lambda: Any) -> None:
    aws_lambda(
        FakeLambda(
            {"errorMessage": "Task timed out after 900.00 seconds"}, function_error="Unhandled"
        )
    )
    result = run("status", "--env", "dev", "--remote", APP)
    assert result.exit_code == 1
    assert "failed (Unhandled): Task timed out after 900.00 seconds" in result.stderr
    assert result.stdout == ""


def test_remote_refusal_on_aws_exits_1(cli: dict[str, Any], aws_lambda: Any) -> None:
    refusal = {
        "ok": False,
        "statusCode": 409,
        "error": "SlugCollisionError",
        "message": "app 'a' and app 'A' both map to the host name 'a.nodes.example.com'",
        "progress": [],
    }
    aws_lambda(FakeLambda(refusal))
    result = run("up", "--env", "dev", "--remote", "--no-wait", "a")
    assert result.exit_code == 1
    assert "both map to the host name" in result.stderr


def test_the_managers_json_logs_never_reach_stdout(
    cli: dict[str, Any], deployed_function: dict[str, Any]
) -> None:
    # GIVEN the function's handler loaded in this process (its logger writes JSON to stdout)
    from node_manager import handler

    assert handler.LOGGER.name == "node_manager"
    # WHEN nodes run in-process and through the function
    for args in (["--no-wait", APP], ["--no-wait", "--remote", APP]):
        result = run("up", "--env", "local", *args)
        # THEN stdout is the one JSON result, and the log lines went to stderr
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["url"] == "http://artificien-health.nodes.example.com"
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert "request answered" in [line["message"] for line in logged]
