"""PyGrid nodes on the applied local env: `nodes up/down/reconcile` against the emulator, in-process
and through the deployed node-manager function (`--remote`).

Relies on the root outputs `pygrid_node_manager` (and the dataset table and node secret prefix
named in it) and `node_manager_function_name`. The emulator reports a service's desired tasks as
running once it is created (its `ecs_service_running` patch), so `up` waits and completes with no
flags, as on AWS; it stores Lambda code without running it, so `--remote` runs the deployed
function's handler in-process with the function's deployed environment (and the node manager asks
no role function for the nodes' database roles: the secrets are still written). The nodes here
are seconds old, so `reconcile` is told `--min-age 0` (by default it leaves nodes younger than the
wait timeout alone).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

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


def _node_secret(deployed: Any, config: dict[str, Any], slug: str) -> dict[str, Any] | None:
    """The node's database secret as Secrets Manager describes it (never its value), or None."""
    try:
        described = deployed.client("secretsmanager").describe_secret(
            SecretId=f"{config['node_secret_prefix']}{slug}"
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        return None
    return None if described.get("DeletedDate") else described


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

    # WHEN its node is started, with no flags
    up = deployed.cli("nodes", "up", "--env", "local", APP)
    assert up.returncode == 0, up.stderr

    # THEN it waited for the service and completed; the service, the host rule and the target
    # group exist, and the item holds the node's host name (the clients add scheme and port)
    assert "waiting up to" in up.stderr
    answer = json.loads(up.stdout)
    assert (answer["url"], answer["host"], answer["state"]) == (url, host, "running")
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
    assert item["nodeURL"] == {"S": host}
    assert "nodeLock" not in item
    # AND the node has a database secret of its own, which its task's DATABASE_URL reads
    secret = _node_secret(deployed, config, SLUG)
    assert secret is not None
    definition = deployed.client("ecs").describe_task_definition(
        taskDefinition=service["taskDefinition"]
    )["taskDefinition"]
    [container] = [
        c for c in definition["containerDefinitions"] if c["name"] == config["container_name"]
    ]
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert secrets["DATABASE_URL"] == f"{secret['ARN']}:url::"

    # WHEN started again THEN nothing new appears
    again = deployed.cli("nodes", "up", "--env", "local", APP)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["changed"] == []
    assert len(_rules_for(deployed, config, host)) == 1

    # WHEN the item is rewritten to disown the node and reconcile --fix runs
    deployed.client("dynamodb").update_item(
        TableName=config["dataset_table_name"],
        Key={"dataset_id": {"S": APP}},
        UpdateExpression="SET hasNode = :f, nodeURL = :u",
        ExpressionAttributeValues={":f": {"BOOL": False}, ":u": {"S": "evil.example.com"}},
    )
    fixed = deployed.cli("nodes", "reconcile", "--env", "local", "--fix", "--min-age", "0")
    # THEN the node survives and the item claims it again
    restored = [f for f in json.loads(fixed.stdout) if f["app_id"] == APP]
    assert [(f["remedy"], f["fixed"]) for f in restored] == [("restore-claim", True)], fixed.stderr
    assert _active_service(deployed, config, f"pygrid-{SLUG}") is not None
    assert _item(deployed, config, APP)["nodeURL"] == {"S": host}

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
    # AND its database secret is gone for good (no recovery window holds its name)
    assert _node_secret(deployed, config, SLUG) is None


def test_reconcile_reports_a_planted_orphan(deployed: Any, manager_config: dict[str, Any]) -> None:
    config = manager_config
    # GIVEN a node whose app's dataset item has since been deleted
    _register(deployed, config, ORPHAN)
    up = deployed.cli("nodes", "up", "--env", "local", ORPHAN)
    assert up.returncode == 0, up.stderr
    deployed.client("dynamodb").delete_item(
        TableName=config["dataset_table_name"], Key={"dataset_id": {"S": ORPHAN}}
    )

    # WHEN reconciled by default THEN the node is seconds old: left alone, said on stderr
    young = deployed.cli("nodes", "reconcile", "--env", "local")
    assert ORPHAN not in [f["app_id"] for f in json.loads(young.stdout or "[]")], young.stderr
    assert "skipping node integration-orphan" in young.stderr

    # WHEN reconciled regardless of age THEN the orphan is reported (exit 2) and left in place
    report = deployed.cli("nodes", "reconcile", "--env", "local", "--min-age", "0")
    assert report.returncode == 2, report.stderr
    findings = json.loads(report.stdout)
    assert {"kind": "unclaimed-node", "app_id": ORPHAN} in [
        {"kind": f["kind"], "app_id": f["app_id"]} for f in findings
    ]
    assert _active_service(deployed, config, "pygrid-integration-orphan") is not None

    # WHEN fixed THEN a complete node of a deleted app is kept unless removal is asked for
    kept = deployed.cli("nodes", "reconcile", "--env", "local", "--fix", "--min-age", "0")
    assert kept.returncode == 2, kept.stderr
    assert _active_service(deployed, config, "pygrid-integration-orphan") is not None

    # WHEN fixed with --remove-orphans THEN it is removed and a second pass is clean for this app
    fixed = deployed.cli(
        "nodes", "reconcile", "--env", "local", "--fix", "--remove-orphans", "--min-age", "0"
    )
    assert fixed.returncode == 0, fixed.stderr
    assert _active_service(deployed, config, "pygrid-integration-orphan") is None
    after = deployed.cli("nodes", "reconcile", "--env", "local", "--min-age", "0")
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
    secret = _node_secret(deployed, config, slug)
    assert secret is not None
    # Each creation makes a new secret, whose ARN ends in a random suffix: compare by name.
    containers = json.loads(
        json.dumps(task["containerDefinitions"]).replace(secret["ARN"], "<secret>")
    )
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
            "containers": containers,
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
        "secret": {
            "name": secret["Name"],
            "key": secret.get("KmsKeyId"),
            "tags": {t["Key"]: t["Value"] for t in secret.get("Tags", [])},
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
    in_process = deployed.cli("nodes", "up", "--env", "local", REMOTE_APP)
    assert in_process.returncode == 0, in_process.stderr
    expected = _node(deployed, config, REMOTE_APP, REMOTE_SLUG)
    down = deployed.cli("nodes", "down", "--env", "local", REMOTE_APP)
    assert down.returncode == 0, down.stderr
    assert _active_service(deployed, config, f"pygrid-{REMOTE_SLUG}") is None

    # WHEN the deployed function starts it (its handler, with its deployed environment)
    remote = deployed.cli("nodes", "up", "--env", "local", "--remote", REMOTE_APP)

    # THEN the same resources, tags and item claim exist, and it answered the same
    assert remote.returncode == 0, remote.stderr
    assert _node(deployed, config, REMOTE_APP, REMOTE_SLUG) == expected
    answer, reference = json.loads(remote.stdout), json.loads(in_process.stdout)
    for node in (answer, reference):
        node.pop("resources")
    assert answer == reference
    assert expected["item"]["hasNode"] == {"BOOL": True}
    assert expected["service"]["tags"]["app_id"] == REMOTE_APP
    assert expected["secret"]["tags"]["app_id"] == REMOTE_APP

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


def test_down_all_stops_every_node_of_the_env(
    deployed: Any, manager_config: dict[str, Any]
) -> None:
    config = manager_config
    apps = {
        "Integration All One": "integration-all-one",
        "Integration All Two": "integration-all-two",
    }
    for app_id in apps:
        _register(deployed, config, app_id)
        started = deployed.cli("nodes", "up", "--env", "local", app_id)
        assert started.returncode == 0, started.stderr

    # WHEN every node is stopped
    down = deployed.cli("nodes", "down", "--env", "local", "--all")

    # THEN each was reported stopped, no service remains and no item claims a node
    assert down.returncode == 0, down.stderr
    reported = {entry["app_id"]: entry["ok"] for entry in json.loads(down.stdout)}
    assert {app_id: reported.get(app_id) for app_id in apps} == dict.fromkeys(apps, True)
    for app_id, slug in apps.items():
        assert f"stopped: app='{app_id}' slug={slug}" in down.stderr
        assert _active_service(deployed, config, f"pygrid-{slug}") is None
        assert _item(deployed, config, app_id)["hasNode"] == {"BOOL": False}
        assert _node_secret(deployed, config, slug) is None
    listed = deployed.cli("nodes", "list", "--env", "local")
    assert json.loads(listed.stdout) == []  # nor any other node of the env
