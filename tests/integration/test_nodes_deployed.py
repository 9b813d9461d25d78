"""PyGrid nodes on the applied local env: `nodes up/down/reconcile` against the emulator, in-process
and through the deployed node-manager function (`--remote`).

Relies on the root outputs `pygrid_node_manager` (and the dataset table named in it) and
`node_manager_function_name`. The emulator never runs ECS tasks, so `up` is called with
`--no-wait`; it stores Lambda code without running it, so `--remote` runs the deployed function's
handler in-process with the function's deployed environment.
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


# --remote: the deployed function's handler -----------------------------------------------------

REMOTE_APP = "Integration Remote Sleep"
REMOTE_SLUG = "integration-remote-sleep"


def _ecs_tags(tags: list[dict[str, str]]) -> dict[str, str]:
    return {t["key"]: t["value"] for t in tags}


def _node(deployed: Any, config: dict[str, Any], app_id: str, slug: str) -> dict[str, Any]:
    """Everything a node is, without the ARNs and revisions that differ between two creations."""
    ecs, elbv2 = deployed.client("ecs"), deployed.client("elbv2")
    services = ecs.describe_services(
        cluster=config["cluster_name"],
        services=[f"{config['service_prefix']}{slug}"],
        include=["TAGS"],
    )["services"]
    [service] = [s for s in services if s["status"] == "ACTIVE"]
    [rule] = _rules_for(deployed, config, f"{slug}.{config['nodes_domain']}")
    [group] = elbv2.describe_target_groups(
        TargetGroupArns=[service["loadBalancers"][0]["targetGroupArn"]]
    )["TargetGroups"]
    definition = ecs.describe_task_definition(
        taskDefinition=service["taskDefinition"], include=["TAGS"]
    )
    elb_tags = {
        d["ResourceArn"]: {t["Key"]: t["Value"] for t in d["Tags"]}
        for d in elbv2.describe_tags(ResourceArns=[rule["RuleArn"], group["TargetGroupArn"]])[
            "TagDescriptions"
        ]
    }
    task = definition["taskDefinition"]
    return {
        "service": {
            "name": service["serviceName"],
            "status": service["status"],
            "desired": service["desiredCount"],
            "launch_type": service.get("launchType"),
            "network": service["networkConfiguration"],
            "container": [
                (lb["containerName"], lb["containerPort"]) for lb in service["loadBalancers"]
            ],
            "tags": _ecs_tags(service.get("tags", [])),
        },
        "task_definition": {
            "family": task["family"],
            "containers": task["containerDefinitions"],
            "roles": (task.get("taskRoleArn"), task.get("executionRoleArn")),
            "size": (task.get("cpu"), task.get("memory")),
            "tags": _ecs_tags(definition.get("tags", [])),
        },
        "target_group": {
            "name": group["TargetGroupName"],
            "port": group["Port"],
            "type": group["TargetType"],
            "vpc": group["VpcId"],
            "health": (group.get("HealthCheckPath"), group.get("Matcher")),
            "tags": elb_tags[group["TargetGroupArn"]],
        },
        "rule": {
            "priority": rule["Priority"],
            "conditions": rule["Conditions"],
            "tags": elb_tags[rule["RuleArn"]],
        },
        "item": {
            k: v for k, v in (_item(deployed, config, app_id) or {}).items() if k != "dataset_id"
        },
    }


def test_the_function_is_deployed_with_the_managers_configuration(
    deployed: Any, manager_config: dict[str, Any]
) -> None:
    configuration = deployed.client("lambda").get_function_configuration(
        FunctionName=deployed.outputs["node_manager_function_name"]
    )
    variables = configuration["Environment"]["Variables"]
    assert json.loads(variables["NODE_MANAGER_CONFIG"]) == manager_config
    assert configuration["Handler"] == "node_manager.handler.handler"


def test_up_remote_creates_the_node_exactly_as_in_process(
    deployed: Any, manager_config: dict[str, Any]
) -> None:
    config = manager_config
    _register(deployed, config, REMOTE_APP)

    # GIVEN the node as the in-process path creates it, then stopped again
    in_process = deployed.cli("nodes", "up", "--env", "local", "--no-wait", REMOTE_APP)
    assert in_process.returncode == 0, in_process.stderr
    expected = _node(deployed, config, REMOTE_APP, REMOTE_SLUG)
    down = deployed.cli("nodes", "down", "--env", "local", REMOTE_APP)
    assert down.returncode == 0, down.stderr
    assert _active_service(deployed, config, f"pygrid-{REMOTE_SLUG}") is None

    # WHEN the deployed function starts it (its handler, with its deployed environment)
    remote = deployed.cli("nodes", "up", "--env", "local", "--no-wait", "--remote", REMOTE_APP)

    # THEN the same resources, tags and item claim exist, and it answered the same
    assert remote.returncode == 0, remote.stderr
    assert _node(deployed, config, REMOTE_APP, REMOTE_SLUG) == expected
    answer, reference = json.loads(remote.stdout), json.loads(in_process.stdout)
    for node in (answer, reference):
        node.pop("resources")
    assert answer == reference
    assert expected["item"]["hasNode"] == {"BOOL": True}
    assert expected["service"]["tags"]["app_id"] == REMOTE_APP

    # AND status, list and down work through the function too
    status = deployed.cli("nodes", "status", "--env", "local", "--remote", REMOTE_APP)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["item_has_node"] is True
    listed = deployed.cli("nodes", "list", "--env", "local", "--remote")
    assert listed.returncode == 0, listed.stderr
    assert REMOTE_APP in [n["app_id"] for n in json.loads(listed.stdout)]
    stopped = deployed.cli("nodes", "down", "--env", "local", "--remote", REMOTE_APP)
    assert stopped.returncode == 0, stopped.stderr
    assert _active_service(deployed, config, f"pygrid-{REMOTE_SLUG}") is None
    assert _item(deployed, config, REMOTE_APP)["hasNode"] == {"BOOL": False}

    # AND a refused request is exit 1 with the function's reason
    ghost = deployed.cli("nodes", "status", "--env", "local", "--remote", "Integration Ghost")
    assert ghost.returncode == 1
    assert "unknown app 'Integration Ghost'" in ghost.stderr
