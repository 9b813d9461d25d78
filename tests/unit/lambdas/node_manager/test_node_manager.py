"""The PyGrid node manager (lambdas/node_manager) against moto (ecs, elbv2, dynamodb, ec2)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from botocore.exceptions import ClientError
from node_manager_platform import APP, HOST, TABLE, FailingClient, Platform

from node_manager import logic
from node_manager.errors import (
    NodeNotStableError,
    SlugCollisionError,
    UnknownAppError,
)
from node_manager.logic import NodeManager

# up -----------------------------------------------------------------------------------------------


def test_up_creates_node_and_records_it_on_the_item(platform: Platform) -> None:
    # GIVEN a registered app WHEN its node is started
    status = platform.manager().up(APP)

    # THEN one service, rule, target group and task definition exist, all tagged
    [service] = platform.services()
    [rule] = platform.rules()
    [group] = platform.target_groups()
    [task_definition] = platform.node_task_definitions()
    assert service["serviceName"] == "pygrid-artificien-health"
    assert service["desiredCount"] == 1
    assert service["loadBalancers"][0]["targetGroupArn"] == group["TargetGroupArn"]
    assert service["taskDefinition"] == task_definition
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    assert network["securityGroups"] == [platform.config.security_group_id]
    assert network["assignPublicIp"] == "DISABLED"
    tags = {t["key"]: t["value"] for t in service["tags"]}
    assert tags == {
        "project": "artificien",
        "environment": "test",
        "managed_by": "artificien-node-manager",
        "app_id": APP,
        "app_slug": "artificien-health",
    }
    hosts = [c["HostHeaderConfig"]["Values"] for c in rule["Conditions"]]
    assert hosts == [["artificien-health.nodes.example.com"]]
    assert rule["Actions"][0]["TargetGroupArn"] == group["TargetGroupArn"]
    assert group["TargetType"] == "ip"
    assert group["Port"] == 5000
    assert len(group["TargetGroupName"]) <= 32

    # AND the task definition is the template with this node's NODE_ID and PORT
    described = platform.ecs.describe_task_definition(taskDefinition=task_definition)
    container = described["taskDefinition"]["containerDefinitions"][0]
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env == {
        "NODE_ID": "artificien-health",
        "PORT": "5000",
        "MASTER_NODE_URL": "orchestration.example.com",
    }
    # (the template's other secrets are kept; DATABASE_URL is the node's own secret's url)
    [secret] = platform.node_secrets()
    assert container["secrets"] == [
        {"name": "SECRET_KEY", "valueFrom": "arn:secret:flask-key"},
        {"name": "DATABASE_URL", "valueFrom": f"{secret['ARN']}:url::"},
    ]
    assert described["taskDefinition"]["executionRoleArn"].endswith("role/exec")

    # AND it waited for that service, then recorded the URL
    assert platform.waits == [("artificien-test", "pygrid-artificien-health", 42)]
    # (nodeURL is the host name the iOS and Python libraries put their scheme and port around)
    item = platform.item(APP)
    assert item["hasNode"] == {"BOOL": True}
    assert item["nodeURL"] == {"S": HOST}
    assert item["app"] == {"S": "placeholder"}
    assert "nodeLock" not in item
    assert status.url == "http://artificien-health.nodes.example.com"
    assert status.host == HOST
    assert status.changed == [
        "database secret",
        "task definition",
        "target group",
        "rule",
        "service",
    ]


def test_up_twice_is_one_node(platform: Platform) -> None:
    manager = platform.manager()
    manager.up(APP)
    # WHEN started again
    again = manager.up(APP)
    # THEN nothing new was created
    assert again.changed == []
    assert len(platform.services()) == 1
    assert len(platform.rules()) == 1
    assert len(platform.target_groups()) == 1
    assert len(platform.node_task_definitions()) == 1
    assert platform.item(APP)["hasNode"] == {"BOOL": True}


def test_up_completes_a_partial_node(platform: Platform) -> None:
    # GIVEN a node whose rule was lost
    manager = platform.manager()
    manager.up(APP)
    platform.elbv2.delete_rule(RuleArn=platform.rules()[0]["RuleArn"])
    # WHEN started again THEN only the rule is created
    assert manager.up(APP).changed == ["rule"]
    assert len(platform.rules()) == 1


def test_up_of_unregistered_app_creates_nothing(platform: Platform) -> None:
    with pytest.raises(UnknownAppError, match="no dataset item 'Ghost App'"):
        platform.manager().up("Ghost App")
    assert platform.nothing_managed()
    assert platform.item("Ghost App") is None


def test_two_nodes_get_distinct_rules_and_groups(platform: Platform) -> None:
    platform.put_app("Sleep Tracker")
    manager = platform.manager()
    manager.up(APP)
    manager.up("Sleep Tracker")
    assert len(platform.services()) == 2
    priorities = {r["Priority"] for r in platform.rules()}
    assert len(priorities) == 2
    assert len({g["TargetGroupName"] for g in platform.target_groups()}) == 2


FAILURE_POINTS = [
    ("ecs", "register_task_definition"),
    ("elbv2", "create_target_group"),
    ("elbv2", "create_rule"),
    ("ecs", "create_service"),
    ("dynamodb", "update_item"),
]


@pytest.mark.parametrize(("client", "method"), FAILURE_POINTS)
def test_failure_at_each_step_leaves_nothing_behind(
    platform: Platform, client: str, method: str
) -> None:
    # GIVEN a client that fails at one step
    broken = {client: FailingClient(getattr(platform, client), method)}
    before = platform.item(APP)
    # WHEN up runs THEN the error surfaces
    with pytest.raises(ClientError, match="InjectedFailure"):
        platform.manager(**broken).up(APP)
    # AND everything created was rolled back, and the item is unchanged
    assert platform.nothing_managed()
    assert platform.item(APP) == before


def test_unstable_service_is_rolled_back(platform: Platform) -> None:
    def never_stable(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        raise NodeNotStableError(f"{service} not stable after {timeout} s")

    with pytest.raises(NodeNotStableError):
        platform.manager(waiter=never_stable).up(APP)
    assert platform.nothing_managed()
    assert platform.item(APP)["hasNode"] == {"BOOL": False}
    assert "nodeURL" not in platform.item(APP)


def test_failed_retry_keeps_what_an_earlier_up_made(platform: Platform) -> None:
    # GIVEN a complete node whose rule got lost
    platform.manager().up(APP)
    platform.elbv2.delete_rule(RuleArn=platform.rules()[0]["RuleArn"])
    # WHEN re-creating the rule fails
    broken = FailingClient(platform.elbv2, "create_rule")
    with pytest.raises(ClientError):
        platform.manager(elbv2=broken).up(APP)
    # THEN only this call's work was undone: the earlier service and target group remain
    assert len(platform.services()) == 1
    assert len(platform.target_groups()) == 1


def test_default_waiter_turns_timeout_into_node_error(platform: Platform) -> None:
    # moto never runs tasks, so its services are never stable: the waiter must give up
    platform.manager(waiter=lambda *a: None).up(APP)
    with pytest.raises(NodeNotStableError, match="pygrid-artificien-health"):
        logic.wait_services_stable(
            _NoSleepEcs(platform.ecs), "artificien-test", "pygrid-artificien-health", 1
        )


class _NoSleepEcs:
    """ecs client whose waiters do not sleep between attempts."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def get_waiter(self, name: str) -> Any:
        waiter = self._client.get_waiter(name)
        original = waiter.wait

        def wait(**kwargs: Any) -> Any:
            kwargs["WaiterConfig"] = {**kwargs.get("WaiterConfig", {}), "Delay": 0}
            return original(**kwargs)

        waiter.wait = wait
        return waiter


# collisions ---------------------------------------------------------------------------------------


def test_two_apps_with_one_slug_is_a_clear_error(platform: Platform) -> None:
    # GIVEN "Artificien Health" runs, and "artificien-health" is registered too
    platform.put_app("artificien-health")
    manager = platform.manager()
    manager.up(APP)
    # WHEN the second starts THEN it is refused, naming both ids, and nothing changes
    with pytest.raises(SlugCollisionError, match="'artificien-health' and app 'Artificien Health'"):
        manager.up("artificien-health")
    assert len(platform.services()) == 1
    assert platform.item("artificien-health")["hasNode"] == {"BOOL": False}
    # AND down of the other id does not remove the running node
    with pytest.raises(SlugCollisionError):
        manager.down("artificien-health")
    assert len(platform.services()) == 1


# down ---------------------------------------------------------------------------------------------


def test_down_removes_node_and_clears_item(platform: Platform) -> None:
    manager = platform.manager()
    manager.up(APP)
    status = manager.down(APP)
    assert platform.nothing_managed()
    item = platform.item(APP)
    assert item["hasNode"] == {"BOOL": False}
    assert "nodeURL" not in item
    assert item["app"] == {"S": "placeholder"}
    assert "nodeLock" not in item
    assert status.state == "absent"
    # the service goes first: a down cut short leaves a node reconcile removes (see below)
    assert status.changed == [
        "service",
        "item",
        "rule",
        "target group",
        "task definition",
        "database secret",
    ]


def test_down_leaves_other_nodes_alone(platform: Platform) -> None:
    platform.put_app("Sleep Tracker")
    manager = platform.manager()
    manager.up(APP)
    manager.up("Sleep Tracker")
    manager.down(APP)
    [service] = platform.services()
    assert service["serviceName"] == "pygrid-sleep-tracker"
    assert len(platform.rules()) == 1
    assert platform.item("Sleep Tracker")["hasNode"] == {"BOOL": True}


def test_down_of_unknown_app_touches_nothing(platform: Platform) -> None:
    manager = platform.manager()
    manager.up(APP)
    with pytest.raises(UnknownAppError, match=r"unknown app 'Nope'.*nothing was touched"):
        manager.down("Nope")
    assert len(platform.services()) == 1
    assert platform.item("Nope") is None


def test_down_without_node_changes_nothing(platform: Platform) -> None:
    assert platform.manager().down(APP).changed == []
    assert platform.item(APP)["hasNode"] == {"BOOL": False}


def test_down_removes_a_node_whose_item_is_gone(platform: Platform) -> None:
    manager = platform.manager()
    manager.up(APP)
    platform.dynamodb.delete_item(TableName=TABLE, Key={"dataset_id": {"S": APP}})
    assert manager.down(APP).changed == [
        "service",
        "rule",
        "target group",
        "task definition",
        "database secret",
    ]
    assert platform.nothing_managed()
    assert platform.item(APP) is None  # not re-created by the clearing step


# status and list ----------------------------------------------------------------------------------


def test_status_reports_resources_and_claim(platform: Platform) -> None:
    manager = platform.manager()
    assert manager.status(APP).state == "absent"
    manager.up(APP)
    status = manager.status(APP)
    # moto never runs tasks: desired 1, running 0
    assert status.state == "starting"
    assert status.item_has_node is True
    assert status.item_node_url == HOST
    assert status.resources.complete
    assert status.to_dict()["resources"]["slug"] == "artificien-health"


def test_status_of_unknown_app_is_an_error(platform: Platform) -> None:
    with pytest.raises(UnknownAppError):
        platform.manager().status("Nope")


def test_list_shows_every_node_of_the_environment(platform: Platform) -> None:
    platform.put_app("Sleep Tracker")
    platform.put_app("Tom's app")
    manager = platform.manager()
    assert manager.list() == []
    for app in (APP, "Sleep Tracker", "Tom's app"):
        manager.up(app)
    listed = manager.list()
    assert [(s.app_id, s.slug) for s in listed] == [
        (APP, "artificien-health"),
        ("Sleep Tracker", "sleep-tracker"),
        ("Tom's app", "tom-s-app"),
    ]
    assert all(s.resources.complete and s.item_has_node for s in listed)


def test_list_ignores_other_environments(platform: Platform) -> None:
    # GIVEN another environment's node in the same account (its own dataset table)
    platform.dynamodb.create_table(
        TableName="dev-dataset_table",
        KeySchema=[{"AttributeName": "dataset_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "dataset_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    platform.dynamodb.put_item(
        TableName="dev-dataset_table", Item={"dataset_id": {"S": "Sleep Tracker"}}
    )
    other = dataclasses.replace(
        platform.config, environment="dev", dataset_table_name="dev-dataset_table"
    )
    NodeManager(
        other,
        ecs=platform.ecs,
        elbv2=platform.elbv2,
        dynamodb=platform.dynamodb,
        secretsmanager=platform.secretsmanager,
        waiter=lambda *a: None,
    ).up("Sleep Tracker")
    # WHEN this environment lists and reconciles THEN it neither sees nor touches that node
    assert platform.manager().list() == []
    assert platform.manager().reconcile(fix=True) == []
    assert len(platform.services()) == 1
