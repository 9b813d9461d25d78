"""reconcile, the per-app lock and down --all: an item cannot steer a node's lifecycle."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from node_manager_platform import AN_HOUR, APP, HOST, TABLE, FailingClient, Platform

from node_manager import logic
from node_manager.errors import (
    NodeBusyError,
)

# reconcile ----------------------------------------------------------------------------------------


def test_reconcile_of_consistent_env_finds_nothing(platform: Platform) -> None:
    manager = platform.manager()
    manager.up(APP)
    assert manager.reconcile() == []
    assert manager.reconcile(fix=True) == []
    assert len(platform.services()) == 1


def test_reconcile_reports_then_removes_a_node_without_item(platform: Platform) -> None:
    # GIVEN a node whose dataset item was deleted
    manager = platform.manager()
    manager.up(APP)
    platform.dynamodb.delete_item(TableName=TABLE, Key={"dataset_id": {"S": APP}})
    # WHEN reconciled without fix THEN reported, nothing removed
    [finding] = manager.reconcile()
    assert (finding.kind, finding.app_id, finding.slug, finding.fixed) == (
        "unclaimed-node",
        APP,
        "artificien-health",
        False,
    )
    assert len(platform.services()) == 1
    # WHEN fixed without remove_orphans THEN a complete node of a deleted app stays (reported)
    [kept] = manager.reconcile(fix=True)
    assert (kept.remedy, kept.fixed) == ("remove-orphan", False)
    assert "--remove-orphans" in kept.detail
    assert len(platform.services()) == 1
    # WHEN fixed with remove_orphans THEN the node is gone
    [fixed] = manager.reconcile(fix=True, remove_orphans=True)
    assert fixed.fixed
    assert platform.nothing_managed()
    assert manager.reconcile() == []


def test_reconcile_removes_a_node_left_by_an_interrupted_down(platform: Platform) -> None:
    # GIVEN down deleted the service and cleared the item, then died before removing the rest
    platform.manager().up(APP)
    with pytest.raises(ClientError, match="InjectedFailure"):
        platform.manager(elbv2=FailingClient(platform.elbv2, "delete_rule")).down(APP)
    assert "nodeLock" not in platform.item(APP)  # released, so reconcile may act
    manager = platform.manager()
    [finding] = manager.reconcile(fix=True)
    assert finding.kind == "unclaimed-node"
    assert "does not claim it" in finding.detail
    assert platform.nothing_managed()


def test_reconcile_clears_a_claim_without_node(platform: Platform) -> None:
    platform.put_app(
        "Sleep Tracker",
        hasNode={"BOOL": True},
        nodeURL={"S": "http://sleep-tracker.nodes.example.com"},
    )
    manager = platform.manager()
    [finding] = manager.reconcile()
    assert (finding.kind, finding.app_id) == ("dangling-claim", "Sleep Tracker")
    assert platform.item("Sleep Tracker")["hasNode"] == {"BOOL": True}
    [fixed] = manager.reconcile(fix=True)
    assert fixed.fixed
    item = platform.item("Sleep Tracker")
    assert item["hasNode"] == {"BOOL": False}
    assert "nodeURL" not in item


def test_reconcile_removes_an_incomplete_claimed_node(platform: Platform) -> None:
    manager = platform.manager()
    manager.up(APP)
    platform.elbv2.delete_rule(RuleArn=platform.rules()[0]["RuleArn"])
    [finding] = manager.reconcile()
    assert finding.kind == "incomplete-node"
    assert "rule" in finding.detail
    manager.reconcile(fix=True)
    assert platform.nothing_managed()
    assert platform.item(APP)["hasNode"] == {"BOOL": False}


# an item cannot steer the lifecycle (issue 13) ----------------------------------------------------


@pytest.mark.parametrize(
    "tamper",
    [
        {"hasNode": {"BOOL": False}},
        {"nodeURL": {"S": "evil.example.com"}},
        {"nodeURL": {"S": f"http://{HOST}"}},  # the form before nodeURL held the host name
    ],
    ids=["hasNode-false", "nodeURL-elsewhere", "nodeURL-old-form"],
)
def test_reconcile_restores_the_claim_of_a_tampered_item(
    platform: Platform, tamper: dict[str, Any]
) -> None:
    # GIVEN a running node whose item was rewritten to disown it
    manager = platform.manager()
    manager.up(APP)
    platform.put_app(APP, **{"hasNode": {"BOOL": True}, "nodeURL": {"S": HOST}, **tamper})

    # WHEN reconciled THEN the disagreement is reported, with the claim's restoration as remedy
    [finding] = manager.reconcile()
    assert (finding.kind, finding.app_id, finding.remedy, finding.fixed) == (
        "unclaimed-node",
        APP,
        "restore-claim",
        False,
    )

    # WHEN fixed THEN the node survives, whole, and the item claims it again
    [fixed] = manager.reconcile(fix=True)
    assert fixed.fixed
    assert len(platform.services()) == 1
    assert len(platform.rules()) == 1
    assert len(platform.target_groups()) == 1
    assert len(platform.node_task_definitions()) == 1
    item = platform.item(APP)
    assert (item["hasNode"], item["nodeURL"]) == ({"BOOL": True}, {"S": HOST})
    assert "nodeLock" not in item
    assert manager.reconcile() == []


def test_reconcile_leaves_a_node_younger_than_the_wait_timeout_alone(platform: Platform) -> None:
    # GIVEN a node made just now (no clock shift) whose item is gone
    platform.offset = 0
    lines: list[str] = []
    manager = platform.manager(progress=lines.append)
    manager.up(APP)
    platform.dynamodb.delete_item(TableName=TABLE, Key={"dataset_id": {"S": APP}})
    # WHEN reconciled with every fix allowed THEN it is neither reported nor touched
    assert manager.reconcile(fix=True, remove_orphans=True) == []
    assert len(platform.services()) == 1
    assert any("younger than the 42 s" in line for line in lines)
    # AND once older than the wait timeout it is judged as usual
    platform.offset = 43
    [fixed] = manager.reconcile(fix=True, remove_orphans=True)
    assert (fixed.kind, fixed.fixed) == ("unclaimed-node", True)
    assert platform.nothing_managed()


def test_the_age_comes_from_the_service_and_task_definition(platform: Platform) -> None:
    # GIVEN a node made now WHEN its resources are found THEN they say when they were made
    platform.manager().up(APP)
    found = platform.manager().find("artificien-health")
    assert found.created_at is not None
    assert abs(found.created_at - time.time()) < 60
    [listed] = platform.manager().resources.inventory().values()
    assert listed.created_at == pytest.approx(found.created_at)


# the lock -----------------------------------------------------------------------------------------


def _hold_lock(platform: Platform, app_id: str = APP, action: str = "up") -> Any:
    """Take the app's lock as another caller would (and keep it)."""
    other = platform.manager()
    return other.claims.acquire(app_id, "someone-else", action, logic.now(), other.lock_duration)


def test_a_held_lock_refuses_up_and_down_with_a_busy_error(platform: Platform) -> None:
    # GIVEN another caller holds the app's lock
    _hold_lock(platform)
    manager = platform.manager()
    # WHEN up or down is asked THEN each is refused, naming the holder, and nothing changes
    with pytest.raises(NodeBusyError, match=r"app 'Artificien Health' is busy: an up holds"):
        manager.up(APP)
    assert platform.nothing_managed()
    with pytest.raises(NodeBusyError, match="is busy"):
        manager.down(APP)
    assert platform.item(APP)["nodeLock"]["M"]["owner"] == {"S": "someone-else"}


def test_an_expired_lock_is_taken_over(platform: Platform) -> None:
    # GIVEN a lock whose holder died (it expired a second ago)
    manager = platform.manager()
    manager.claims.acquire(APP, "crashed", "up", logic.now() - manager.lock_duration - 1, 0)
    # WHEN up runs THEN it proceeds, and releases the lock when done
    manager.up(APP)
    assert len(platform.services()) == 1
    assert "nodeLock" not in platform.item(APP)


def test_the_lock_outlives_the_wait(platform: Platform) -> None:
    manager = platform.manager(wait_timeout=600)
    assert manager.lock_duration > manager.wait_timeout
    lock = manager.claims.acquire(APP, "me", "up", 1000.0, manager.lock_duration)
    assert lock.expires == 1000.0 + manager.lock_duration
    assert manager.claims.release(lock)
    assert not manager.claims.release(lock)  # only once, and only by its owner


def test_a_failed_claim_write_rolls_back_and_releases_the_lock(platform: Platform) -> None:
    # GIVEN the claim's write fails (the lock's own writes do not)
    class FailingClaim:
        def __init__(self, client: Any) -> None:
            self._client = client

        def update_item(self, **kwargs: Any) -> Any:
            if "hasNode" in kwargs["UpdateExpression"]:
                raise ClientError({"Error": {"Code": "InjectedFailure"}}, "UpdateItem")
            return self._client.update_item(**kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._client, name)

    before = platform.item(APP)
    with pytest.raises(ClientError, match="InjectedFailure"):
        platform.manager(dynamodb=FailingClaim(platform.dynamodb)).up(APP)
    assert platform.nothing_managed()
    assert platform.item(APP) == before


def test_an_up_that_lost_its_lock_writes_no_claim_and_rolls_back(platform: Platform) -> None:
    # GIVEN an up whose lock expired during its wait and was taken by another caller
    def stolen(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        platform.put_app(APP)  # drops this up's lock...
        _hold_lock(platform, action="down")  # ...and another call takes it

    # WHEN the up goes on to record its claim THEN it stops, undoing what it made
    with pytest.raises(NodeBusyError, match="lost its lock"):
        platform.manager(waiter=stolen).up(APP)
    assert platform.nothing_managed()
    item = platform.item(APP)
    assert item["hasNode"] == {"BOOL": False}
    assert item["nodeLock"]["M"]["owner"] == {"S": "someone-else"}  # not released by the loser


class AtomicDynamoDB:
    """The dynamodb client with each write applied atomically, as DynamoDB applies a conditional
    write (moto's in-process backend takes no lock, so two threads could interleave inside one)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def update_item(self, **kwargs: Any) -> Any:
        with self._lock:
            return self._client.update_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_two_concurrent_ups_make_one_node_and_the_loser_is_told_it_is_busy(
    platform: Platform,
) -> None:
    dynamodb = AtomicDynamoDB(platform.dynamodb)
    start = threading.Barrier(2, timeout=30)
    one_done = threading.Event()
    outcomes: dict[str, Any] = {}

    def hold_until_the_other_is_done(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        # the winner waits for its service until the loser has had its try
        assert one_done.wait(30), "the other up never finished"

    def start_node(name: str) -> None:
        manager = platform.manager(dynamodb=dynamodb, waiter=hold_until_the_other_is_done)
        start.wait()
        try:
            outcomes[name] = manager.up(APP)
        except NodeBusyError as exc:
            outcomes[name] = exc
        finally:
            one_done.set()

    # GIVEN two ups of one app started at the same moment
    threads = [threading.Thread(target=start_node, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # THEN exactly one made the node and the other was refused as busy, having made nothing
    winners = [o for o in outcomes.values() if not isinstance(o, Exception)]
    losers = [o for o in outcomes.values() if isinstance(o, NodeBusyError)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert "is busy: an up holds its lock" in str(losers[0])
    assert winners[0].changed == [
        "database secret",
        "task definition",
        "target group",
        "rule",
        "service",
    ]
    assert len(platform.services()) == 1
    assert len(platform.rules()) == 1
    assert len(platform.target_groups()) == 1
    assert len(platform.node_task_definitions()) == 1
    item = platform.item(APP)
    assert (item["hasNode"], item["nodeURL"]) == ({"BOOL": True}, {"S": HOST})
    assert "nodeLock" not in item  # nothing left behind


@pytest.mark.parametrize("offset", [0, AN_HOUR], ids=["young-and-locked", "locked"])
def test_reconcile_fix_during_an_up_leaves_it_alone(platform: Platform, offset: float) -> None:
    # GIVEN an up that has made every resource and is waiting for its service (no claim yet)
    platform.offset = offset
    seen: dict[str, Any] = {}
    lines: list[str] = []

    def reconcile_meanwhile(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        # WHEN reconcile reports, then --fix (allowed to remove orphans too) runs now
        reconciling = platform.manager(progress=lines.append)
        seen["report"] = reconciling.reconcile()
        seen["findings"] = reconciling.reconcile(fix=True, remove_orphans=True)
        seen["services"] = len(platform.services())

    status = platform.manager(waiter=reconcile_meanwhile).up(APP)

    # THEN it found nothing to report, touched nothing, and the up completed
    assert seen == {"report": [], "findings": [], "services": 1}
    assert any("skipping" in line for line in lines)
    assert status.changed == [
        "database secret",
        "task definition",
        "target group",
        "rule",
        "service",
    ]
    assert status.item_node_url == HOST
    assert "nodeLock" not in platform.item(APP)
    # AND judged later, the finished node is consistent
    platform.offset = AN_HOUR
    assert platform.manager().reconcile() == []


# down --all ---------------------------------------------------------------------------------------


def test_down_all_stops_every_node_and_reports_each(platform: Platform) -> None:
    platform.put_app("Sleep Tracker")
    platform.put_app("Step Counter")
    manager = platform.manager()
    for app in (APP, "Sleep Tracker", "Step Counter"):
        manager.up(app)
    # GIVEN one app is busy with another caller
    _hold_lock(platform, "Step Counter", "up")
    # WHEN every node is stopped
    results = manager.down_all()
    # THEN each app has its entry: two stopped, the busy one refused and still running
    by_app = {r["app_id"]: r for r in results}
    assert [r["slug"] for r in results] == ["artificien-health", "sleep-tracker", "step-counter"]
    assert by_app[APP]["ok"] is True
    assert by_app[APP]["changed"] == [
        "service",
        "item",
        "rule",
        "target group",
        "task definition",
        "database secret",
    ]
    assert by_app["Sleep Tracker"]["state"] == "absent"
    assert (by_app["Step Counter"]["ok"], by_app["Step Counter"]["error"]) == (
        False,
        "NodeBusyError",
    )
    [service] = platform.services()
    assert service["serviceName"] == "pygrid-step-counter"
    assert platform.item(APP)["hasNode"] == {"BOOL": False}
    assert platform.item("Step Counter")["hasNode"] == {"BOOL": True}


def test_down_all_of_an_env_without_nodes_is_empty(platform: Platform) -> None:
    assert platform.manager().down_all() == []
