"""PyGrid nodes on the applied local env: `nodes up/down/reconcile` against the emulator.

Relies on the root output `pygrid_node_manager` (and the dataset table named in it). The emulator
never runs ECS tasks, so `up` is called with `--no-wait`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.integration

APP = "Integration Heart Rate"
SLUG = "integration-heart-rate"
ORPHAN = "Integration Orphan"


@pytest.fixture(scope="module")
def manager_config(deployed: Any) -> dict[str, Any]:
    return deployed.outputs["pygrid_node_manager"]


def _register(deployed: Any, config: dict[str, Any], app_id: str) -> None:
    deployed.client("dynamodb").put_item(
        TableName=config["dataset_table_name"],
        Item={
            "dataset_id": {"S": app_id},
            "app": {"S": "placeholder"},
            "placeholder": {"S": "placeholder"},
            "hasNode": {"BOOL": False},
            "numPurchases": {"N": "0"},
        },
    )


def _item(deployed: Any, config: dict[str, Any], app_id: str) -> dict[str, Any] | None:
    return (
        deployed.client("dynamodb")
        .get_item(
            TableName=config["dataset_table_name"],
            Key={"dataset_id": {"S": app_id}},
            ConsistentRead=True,
        )
        .get("Item")
    )


def _rules_for(deployed: Any, config: dict[str, Any], host: str) -> list[dict[str, Any]]:
    rules = deployed.client("elbv2").describe_rules(ListenerArn=config["listener_arn"])["Rules"]
    return [
        r
        for r in rules
        if any(host in c.get("HostHeaderConfig", {}).get("Values", []) for c in r["Conditions"])
    ]


def _active_service(deployed: Any, config: dict[str, Any], name: str) -> dict[str, Any] | None:
    services = deployed.client("ecs").describe_services(
        cluster=config["cluster_name"], services=[name]
    )["services"]
    return next((s for s in services if s["status"] == "ACTIVE"), None)


def test_up_then_down_on_the_local_env(deployed: Any, manager_config: dict[str, Any]) -> None:
    config = manager_config
    host = f"{SLUG}.{config['nodes_domain']}"
    url = f"{config['url_scheme']}://{host}"
    # GIVEN a registered app
    _register(deployed, config, APP)

    # WHEN its node is started
    up = deployed.cli("nodes", "up", "--env", "local", "--no-wait", APP)
    assert up.returncode == 0, up.stderr

    # THEN the service, the host rule and the target group exist, and the item points at the node
    assert json.loads(up.stdout)["url"] == url
    service = _active_service(deployed, config, f"pygrid-{SLUG}")
    assert service is not None
    [rule] = _rules_for(deployed, config, host)
    group_arn = rule["Actions"][0]["TargetGroupArn"]
    assert service["loadBalancers"][0]["targetGroupArn"] == group_arn
    [group] = deployed.client("elbv2").describe_target_groups(TargetGroupArns=[group_arn])[
        "TargetGroups"
    ]
    assert group["VpcId"] == config["vpc_id"]
    item = _item(deployed, config, APP)
    assert item["hasNode"] == {"BOOL": True}
    assert item["nodeURL"] == {"S": url}

    # WHEN started again THEN nothing new appears
    again = deployed.cli("nodes", "up", "--env", "local", "--no-wait", APP)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["changed"] == []
    assert len(_rules_for(deployed, config, host)) == 1

    # WHEN stopped
    down = deployed.cli("nodes", "down", "--env", "local", APP)
    assert down.returncode == 0, down.stderr

    # THEN service, rule and target group are gone, and the item no longer claims a node
    assert _active_service(deployed, config, f"pygrid-{SLUG}") is None
    assert _rules_for(deployed, config, host) == []
    groups = deployed.client("elbv2").describe_target_groups()["TargetGroups"]
    assert group_arn not in [g["TargetGroupArn"] for g in groups]
    item = _item(deployed, config, APP)
    assert item["hasNode"] == {"BOOL": False}
    assert "nodeURL" not in item


def test_reconcile_reports_a_planted_orphan(deployed: Any, manager_config: dict[str, Any]) -> None:
    config = manager_config
    # GIVEN a node whose app's dataset item has since been deleted
    _register(deployed, config, ORPHAN)
    up = deployed.cli("nodes", "up", "--env", "local", "--no-wait", ORPHAN)
    assert up.returncode == 0, up.stderr
    deployed.client("dynamodb").delete_item(
        TableName=config["dataset_table_name"], Key={"dataset_id": {"S": ORPHAN}}
    )

    # WHEN reconciled THEN the orphan is reported (exit 2) and left in place
    report = deployed.cli("nodes", "reconcile", "--env", "local")
    assert report.returncode == 2, report.stderr
    findings = json.loads(report.stdout)
    assert {"kind": "unclaimed-node", "app_id": ORPHAN} in [
        {"kind": f["kind"], "app_id": f["app_id"]} for f in findings
    ]
    assert _active_service(deployed, config, "pygrid-integration-orphan") is not None

    # WHEN fixed THEN it is removed and a second pass is clean for this app
    fixed = deployed.cli("nodes", "reconcile", "--env", "local", "--fix")
    assert fixed.returncode == 0, fixed.stderr
    assert _active_service(deployed, config, "pygrid-integration-orphan") is None
    after = deployed.cli("nodes", "reconcile", "--env", "local")
    assert ORPHAN not in [f["app_id"] for f in json.loads(after.stdout or "[]")]
