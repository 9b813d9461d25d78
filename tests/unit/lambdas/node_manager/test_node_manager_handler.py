"""The node manager's Lambda handler: events in, JSON answers out, against the moto platform."""

from __future__ import annotations

import json
import os
from types import SimpleNamespace
from typing import Any

import pytest

from node_manager import handler, logic
from node_manager.config import ENVIRONMENT_VARIABLE, ConfigError
from node_manager.errors import NodeNotStableError

APP = "Artificien Health"


class Context(SimpleNamespace):
    """What the Lambda runtime passes: names, a request id and the time left."""

    def __init__(self, remaining_ms: int = 900_000) -> None:
        super().__init__(
            function_name="artificien-test-node_manager",
            invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:node_manager",
            memory_limit_in_mb=256,
            aws_request_id="req-1",
        )
        self._remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self._remaining_ms


@pytest.fixture
def deps(platform: Any) -> handler.Deps:
    return handler.Deps(
        config=platform.config,
        ecs=platform.ecs,
        elbv2=platform.elbv2,
        dynamodb=platform.dynamodb,
        wait_timeout=42,
        secretsmanager=platform.secretsmanager,
    )


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """Replaces the real waiter (moto never runs tasks) and records what it was asked."""
    calls: list[tuple[str, float]] = []

    def wait(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        calls.append((service, timeout))

    monkeypatch.setattr(handler, "wait_services_stable", wait)
    return calls


def _round_trip(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer as the caller receives it: Lambda serialises it to JSON."""
    return json.loads(json.dumps(answer))


# valid events -------------------------------------------------------------------------------------


def test_up_without_wait_answers_once_the_resources_exist(
    platform: Any, deps: handler.Deps, events: Any, waits: list[Any]
) -> None:
    # GIVEN a registered app WHEN the function is asked to start its node without waiting
    answer = _round_trip(handler.handle(deps, events("up"), Context()))
    # THEN it answers 200 with the node, having created it and recorded the claim, without waiting
    assert answer["ok"] is True
    assert answer["statusCode"] == 200
    assert answer["action"] == "up"
    assert answer["result"]["url"] == "http://artificien-health.nodes.example.com"
    assert answer["result"]["changed"] == [
        "database secret",
        "task definition",
        "target group",
        "rule",
        "service",
    ]
    assert answer["result"]["state"] == "starting"  # the caller polls status
    assert "creating service pygrid-artificien-health" in answer["progress"]
    assert waits == []
    assert len(platform.services()) == 1
    assert platform.item(APP)["hasNode"] == {"BOOL": True}


def test_up_with_wait_waits_within_the_invocations_time(
    deps: handler.Deps, events: Any, waits: list[Any]
) -> None:
    # GIVEN 100 s left in the invocation WHEN up waits
    answer = handler.handle(deps, events("up_wait"), Context(remaining_ms=100_000))
    # THEN it waited at most the time left minus the rollback margin (configured: 42 s)
    assert answer["ok"] is True
    assert waits == [("pygrid-artificien-health", 40.0)]


def test_up_that_never_becomes_stable_answers_504_and_rolls_back(
    platform: Any, deps: handler.Deps, events: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        raise NodeNotStableError(f"service {service} was not stable after {timeout:.0f} s")

    monkeypatch.setattr(handler, "wait_services_stable", never)
    answer = handler.handle(deps, events("up_wait"), Context())
    assert (answer["ok"], answer["statusCode"], answer["error"]) == (
        False,
        504,
        "NodeNotStableError",
    )
    assert "was not stable after 42 s" in answer["message"]
    assert any("rolling back" in line for line in answer["progress"])
    assert platform.nothing_managed()
    assert platform.item(APP)["hasNode"] == {"BOOL": False}


def test_status_list_reconcile_and_down(platform: Any, deps: handler.Deps, events: Any) -> None:
    assert handler.handle(deps, events("up"))["ok"]

    status = _round_trip(handler.handle(deps, events("status")))
    assert status["result"]["resources"]["service_arn"].endswith("pygrid-artificien-health")
    listed = _round_trip(handler.handle(deps, events("list")))
    assert [node["app_id"] for node in listed["result"]] == [APP]
    assert handler.handle(deps, events("reconcile"))["result"] == []

    down = _round_trip(handler.handle(deps, events("down")))
    assert down["ok"] is True
    assert down["result"]["state"] == "absent"
    assert platform.nothing_managed()


def test_reconcile_fix_removes_an_orphan(platform: Any, deps: handler.Deps, events: Any) -> None:
    # GIVEN a node whose dataset item was deleted
    assert handler.handle(deps, events("up"))["ok"]
    platform.dynamodb.delete_item(
        TableName=platform.config.dataset_table_name, Key={"dataset_id": {"S": APP}}
    )
    # WHEN reported, fixed, then fixed with remove_orphans
    found = handler.handle(deps, events("reconcile"))["result"]
    kept = handler.handle(deps, events("reconcile_fix"))["result"]
    fixed = handler.handle(deps, events("reconcile_fix_orphans"))["result"]
    # THEN the finding is reported unfixed, kept by a plain fix (a complete node of a deleted
    # app goes only on request), then fixed, and the node is gone
    assert [(f["kind"], f["fixed"]) for f in found] == [("unclaimed-node", False)]
    assert [(f["remedy"], f["fixed"]) for f in kept] == [("remove-orphan", False)]
    assert [(f["kind"], f["fixed"]) for f in fixed] == [("unclaimed-node", True)]
    assert platform.nothing_managed()


def test_a_busy_app_is_a_409_answer(platform: Any, deps: handler.Deps, events: Any) -> None:
    # GIVEN another caller holds the app's lock (an up in progress elsewhere)
    manager = platform.manager()
    manager.claims.acquire(APP, "another-up", "up", logic.now(), manager.lock_duration)
    # WHEN the function is asked to start or stop the node
    for name in ("up", "down"):
        answer = _round_trip(handler.handle(deps, events(name), Context()))
        # THEN it answers 409 naming the holder, and nothing was made
        assert (answer["ok"], answer["statusCode"], answer["error"]) == (
            False,
            409,
            "NodeBusyError",
        )
        assert "is busy: an up holds its lock" in answer["message"]
    assert platform.nothing_managed()


def test_down_all_answers_each_app(platform: Any, deps: handler.Deps, events: Any) -> None:
    platform.put_app("Sleep Tracker")
    for app in (APP, "Sleep Tracker"):
        assert handler.handle(deps, {"action": "up", "app": app})["ok"]
    answer = _round_trip(handler.handle(deps, events("down_all"), Context()))
    assert answer["ok"] is True
    assert [(r["app_id"], r["ok"], r["state"]) for r in answer["result"]] == [
        (APP, True, "absent"),
        ("Sleep Tracker", True, "absent"),
    ]
    assert platform.nothing_managed()


# invalid events and refused requests --------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (None, "must be a JSON object"),
        (["up", APP], "must be a JSON object"),
        ("up", "must be a JSON object"),
        ({}, "'action' must be one of up, down, status, list, reconcile"),
        ({"action": "start", "app": APP}, "got 'start'"),
        ({"action": "up"}, "action 'up' needs 'app'"),
        ({"action": "down", "app": "   "}, "action 'down' needs 'app'"),
        ({"action": "status", "app": 7}, "action 'status' needs 'app'"),
        ({"action": "up", "app": "x" * 1025}, "longer than 1024"),
        ({"action": "list", "app": APP}, "action 'list' takes no 'app'"),
        ({"action": "up", "app": APP, "wait": "yes"}, "'wait' must be true or false"),
        ({"action": "reconcile", "fix": 1}, "'fix' must be true or false"),
        ({"action": "down", "app": APP, "wait": True}, "'wait' applies only to action 'up'"),
        ({"action": "up", "app": APP, "fix": True}, "'fix' applies only to action 'reconcile'"),
        ({"action": "up", "app": APP, "force": True}, "unknown field(s) force"),
        ({"action": "reconcile", "remove_orphans": True}, "'remove_orphans' needs 'fix'"),
        (
            {"action": "up", "app": APP, "remove_orphans": True},
            "'remove_orphans' applies only to action 'reconcile'",
        ),
        ({"action": "down", "all": True, "app": APP}, "'all' takes no 'app'"),
        ({"action": "down", "all": "yes"}, "'all' must be true or false"),
        ({"action": "status", "all": True}, "'all' applies only to action 'down'"),
        ({"action": "down", "all": False}, "action 'down' needs 'app'"),
    ],
)
def test_bad_event_is_a_400_answer_and_touches_nothing(
    platform: Any, deps: handler.Deps, event: Any, reason: str
) -> None:
    before = platform.item(APP)
    answer = _round_trip(handler.handle(deps, event, Context()))
    assert (answer["ok"], answer["statusCode"], answer["error"]) == (False, 400, "BadRequestError")
    assert reason in answer["message"]
    assert answer["progress"] == []
    assert platform.nothing_managed()
    assert platform.item(APP) == before


def test_unknown_app_is_404_and_a_slug_collision_409(
    platform: Any, deps: handler.Deps, events: Any
) -> None:
    ghost = handler.handle(deps, {"action": "up", "app": "Ghost App"})
    assert (ghost["statusCode"], ghost["error"]) == (404, "UnknownAppError")
    assert "no dataset item 'Ghost App'" in ghost["message"]

    platform.put_app("artificien-health")
    assert handler.handle(deps, events("up"))["ok"]
    clash = handler.handle(deps, {"action": "up", "app": "artificien-health"})
    assert (clash["statusCode"], clash["error"]) == (409, "SlugCollisionError")
    assert len(platform.services()) == 1


def test_a_failed_aws_call_is_502_and_rolled_back(
    platform: Any, deps: handler.Deps, events: Any, failing: Any
) -> None:
    broken = handler.Deps(
        config=deps.config,
        ecs=failing(platform.ecs, "create_service"),
        elbv2=deps.elbv2,
        dynamodb=deps.dynamodb,
        wait_timeout=deps.wait_timeout,
        secretsmanager=deps.secretsmanager,
    )
    answer = handler.handle(broken, events("up"))
    assert (answer["statusCode"], answer["error"]) == (502, "ClientError")
    assert "InjectedFailure" in answer["message"]
    assert platform.nothing_managed()


# the entry point ----------------------------------------------------------------------------------


def test_handler_builds_from_the_environment_once(
    platform: Any, events: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # GIVEN the function's environment, as modules/node_manager writes it
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, json.dumps(platform.config.to_dict()))
    monkeypatch.setenv("WAIT_TIMEOUT", "300")
    handler.build.cache_clear()
    # WHEN the runtime invokes the entry point twice
    first = handler.handler(events("up"), Context())
    second = handler.handler(events("status"), Context())
    # THEN both succeed with one set of dependencies, configured from that environment
    assert first["ok"]
    assert second["ok"]
    assert handler.build(os.environ) is handler.build(os.environ)
    assert handler.build(os.environ).config == platform.config
    assert handler.build(os.environ).wait_timeout == 300
    # AND the function logs JSON with the invocation's request id
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    answered = [line for line in lines if line["message"] == "request answered"]
    assert [(line["action"], line["function_request_id"]) for line in answered] == [
        ("up", "req-1"),
        ("status", "req-1"),
    ]
    handler.build.cache_clear()


@pytest.mark.parametrize(
    ("environ", "reason"),
    [
        ({}, f"{ENVIRONMENT_VARIABLE} is required"),
        ({ENVIRONMENT_VARIABLE: "{not json"}, "is not valid JSON"),
        ({ENVIRONMENT_VARIABLE: "[1, 2]"}, "must be a JSON object"),
        ({ENVIRONMENT_VARIABLE: '{"environment": "test"}'}, "lacks 'region'"),
    ],
)
def test_build_refuses_a_broken_environment(environ: dict[str, str], reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        handler.build(environ)


def test_build_refuses_a_bad_wait_timeout(platform: Any) -> None:
    environ = {ENVIRONMENT_VARIABLE: json.dumps(platform.config.to_dict()), "WAIT_TIMEOUT": "0"}
    with pytest.raises(ConfigError, match="WAIT_TIMEOUT must be a whole number >= 1"):
        handler.build(environ)


@pytest.mark.parametrize(
    ("configured", "remaining_ms", "budget"),
    [(600, 900_000, 600), (600, 300_000, 240), (600, 30_000, 1), (42, None, 42)],
)
def test_wait_budget_leaves_time_to_roll_back(
    configured: int, remaining_ms: int | None, budget: float
) -> None:
    context = None if remaining_ms is None else Context(remaining_ms)
    assert handler.wait_budget(configured, context) == budget
