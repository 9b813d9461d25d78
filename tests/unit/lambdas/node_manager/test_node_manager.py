"""The PyGrid node manager (lambdas/node_manager) against moto (ecs, elbv2, dynamodb, ec2)."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st
from moto import mock_aws

from node_manager import logic
from node_manager.config import ConfigError, NodeManagerConfig
from node_manager.errors import (
    InvalidAppIdError,
    NodeBusyError,
    NodeNotStableError,
    SlugCollisionError,
    UnknownAppError,
)
from node_manager.logic import NodeManager
from node_manager.naming import decode_tag_value, encode_tag_value, slugify

REGION = "us-east-1"
FAMILY = "artificien-test-pygrid-node"
TABLE = "test-dataset_table"
DOMAIN = "nodes.example.com"
APP = "Artificien Health"
DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
HOST = "artificien-health.nodes.example.com"  # what nodeURL holds: no scheme, no port
# The platform's clock runs this far ahead of the resources' creation times unless a test sets
# it: older than any wait timeout, so reconcile judges the nodes a test has just made.
AN_HOUR = 3600.0


# Slugs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app_id", "slug"),
    [
        ("Artificien Health", "artificien-health"),
        ("  My__App!! 2 ", "my-app-2"),
        ("café-Ünïcode", "caf-n-code"),
        ("already-a-slug", "already-a-slug"),
        ("123", "123"),
    ],
)
def test_slug_is_lowercase_dashed_and_trimmed(app_id: str, slug: str) -> None:
    # GIVEN an app id WHEN slugified THEN the readable DNS label is returned
    assert slugify(app_id) == slug


def test_slug_without_letters_or_digits_is_named_by_hash() -> None:
    # GIVEN an id with nothing DNS-safe in it WHEN slugified THEN it becomes app-<8 hex>
    assert re.fullmatch(r"app-[0-9a-f]{8}", slugify("!!! ???"))
    assert slugify("!!! ???") != slugify("***")


def test_long_slug_is_cut_to_one_label_with_hash_suffix() -> None:
    # GIVEN two long ids sharing their first 80 characters
    first, second = "x" * 80 + " one", "x" * 80 + " two"
    # WHEN slugified THEN each fits a DNS label, ends in a hash and they differ
    for app_id in (first, second):
        assert len(slugify(app_id)) == 63
        assert re.search(r"-[0-9a-f]{8}$", slugify(app_id))
    assert slugify(first) != slugify(second)


@given(st.text(min_size=1, max_size=300).filter(lambda s: s.strip()))
def test_slug_is_always_a_deterministic_dns_label(app_id: str) -> None:
    slug = slugify(app_id)
    assert DNS_LABEL.match(slug), slug
    assert slugify(app_id) == slug


@pytest.mark.parametrize("app_id", ["", "   ", None, 7])
def test_slug_rejects_empty_or_non_string(app_id: Any) -> None:
    with pytest.raises(InvalidAppIdError):
        slugify(app_id)


@given(st.text(min_size=1, max_size=150))
def test_tag_value_round_trips_and_uses_only_allowed_characters(app_id: str) -> None:
    value = encode_tag_value(app_id)
    assert decode_tag_value(value) == app_id
    assert re.fullmatch(r"[\w .:/=+\-@]{1,256}", value)


def test_tag_value_keeps_plain_ids_readable_and_encodes_others() -> None:
    assert encode_tag_value("Artificien Health") == "Artificien Health"
    assert encode_tag_value("Tom's app").startswith("b64:")
    assert encode_tag_value("b64:looks-encoded").startswith("b64:")


# Configuration ------------------------------------------------------------------------------------


def _output(**overrides: Any) -> dict[str, Any]:
    value = {
        "environment": "test",
        "region": REGION,
        "cluster_name": "c",
        "cluster_arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
        "subnet_ids": ["subnet-1"],
        "security_group_id": "sg-1",
        "vpc_id": "vpc-1",
        "listener_arn": "arn:listener",
        "task_definition_family": FAMILY,
        "container_name": "pygrid-node",
        "container_port": 5000,
        "nodes_domain": DOMAIN,
        "dataset_table_name": TABLE,
        "url_scheme": "http",
        "service_prefix": "pygrid-",
        "target_group_prefix": "pygrid-",
    }
    value.update(overrides)
    return value


def test_config_reads_plain_and_raw_terraform_outputs() -> None:
    plain = NodeManagerConfig.from_outputs({"pygrid_node_manager": _output()})
    raw = NodeManagerConfig.from_outputs(
        {"pygrid_node_manager": {"value": _output(), "type": ["object", {}], "sensitive": False}}
    )
    assert plain == raw
    assert plain.subnet_ids == ("subnet-1",)
    assert plain.container_port == 5000


def test_config_names_the_missing_field() -> None:
    broken = _output()
    del broken["listener_arn"]
    with pytest.raises(ConfigError, match="listener_arn"):
        NodeManagerConfig.from_outputs({"pygrid_node_manager": broken})


def test_config_requires_the_output() -> None:
    with pytest.raises(ConfigError, match="pygrid_node_manager"):
        NodeManagerConfig.from_outputs({"user_table_name": "x"})


def test_config_rejects_unknown_scheme() -> None:
    with pytest.raises(ConfigError, match="url_scheme"):
        NodeManagerConfig.from_outputs({"pygrid_node_manager": _output(url_scheme="ftp")})


# The platform in moto -----------------------------------------------------------------------------


@dataclasses.dataclass
class Platform:
    config: NodeManagerConfig
    ecs: Any
    elbv2: Any
    dynamodb: Any
    waits: list[tuple[str, str, float]]
    # seconds node_manager.logic.now() runs ahead of real time (the resources' clock)
    offset: float = AN_HOUR

    def manager(self, **kwargs: Any) -> NodeManager:
        def waiter(ecs: Any, cluster: str, service: str, timeout: float) -> None:
            self.waits.append((cluster, service, timeout))

        options: dict[str, Any] = {
            "ecs": self.ecs,
            "elbv2": self.elbv2,
            "dynamodb": self.dynamodb,
            "waiter": waiter,
            "wait_timeout": 42,
        }
        options.update(kwargs)
        return NodeManager(self.config, **options)

    def put_app(self, app_id: str, **attributes: Any) -> None:
        item = {
            "dataset_id": {"S": app_id},
            "hasNode": {"BOOL": False},
            "app": {"S": "placeholder"},
        }
        item.update(attributes)
        self.dynamodb.put_item(TableName=TABLE, Item=item)

    def item(self, app_id: str) -> dict[str, Any] | None:
        return self.dynamodb.get_item(TableName=TABLE, Key={"dataset_id": {"S": app_id}}).get(
            "Item"
        )

    def services(self) -> list[dict[str, Any]]:
        arns = self.ecs.list_services(cluster=self.config.cluster_name)["serviceArns"]
        if not arns:
            return []
        described = self.ecs.describe_services(
            cluster=self.config.cluster_name, services=arns, include=["TAGS"]
        )["services"]
        return [s for s in described if s["status"] == "ACTIVE"]

    def rules(self) -> list[dict[str, Any]]:
        rules = self.elbv2.describe_rules(ListenerArn=self.config.listener_arn)["Rules"]
        return [r for r in rules if not r["IsDefault"]]

    def target_groups(self) -> list[dict[str, Any]]:
        return self.elbv2.describe_target_groups()["TargetGroups"]

    def node_task_definitions(self) -> list[str]:
        arns = self.ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]
        return [a for a in arns if f"/{FAMILY}-" in a]

    def nothing_managed(self) -> bool:
        return not (
            self.services() or self.rules() or self.target_groups() or self.node_task_definitions()
        )


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Platform:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        elbv2 = boto3.client("elbv2", region_name=REGION)
        ecs = boto3.client("ecs", region_name=REGION)
        dynamodb = boto3.client("dynamodb", region_name=REGION)

        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
            for cidr, az in (("10.20.0.0/20", "us-east-1a"), ("10.20.16.0/20", "us-east-1b"))
        ]
        lb_sg = ec2.create_security_group(GroupName="lb", Description="lb", VpcId=vpc)["GroupId"]
        nodes_sg = ec2.create_security_group(GroupName="n", Description="n", VpcId=vpc)["GroupId"]
        lb = elbv2.create_load_balancer(
            Name="artificien-test-nodes", Subnets=subnets, SecurityGroups=[lb_sg]
        )["LoadBalancers"][0]["LoadBalancerArn"]
        listener = elbv2.create_listener(
            LoadBalancerArn=lb,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[
                {
                    "Type": "fixed-response",
                    "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain"},
                }
            ],
        )["Listeners"][0]["ListenerArn"]
        cluster = ecs.create_cluster(clusterName="artificien-test")["cluster"]
        ecs.register_task_definition(
            family=FAMILY,
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="512",
            memory="1024",
            executionRoleArn="arn:aws:iam::123456789012:role/exec",
            taskRoleArn="arn:aws:iam::123456789012:role/task",
            volumes=[{"name": "tmp"}],
            containerDefinitions=[
                {
                    "name": "pygrid-node",
                    "image": "openmined/grid-node:production",
                    "essential": True,
                    "portMappings": [{"containerPort": 5000}],
                    "environment": [
                        {"name": "NODE_ID", "value": "unset"},
                        {"name": "PORT", "value": "5000"},
                        {"name": "DATABASE_HOST", "value": "db.local"},
                    ],
                    "secrets": [
                        {"name": "DATABASE_PASSWORD", "valueFrom": "arn:secret:password::"}
                    ],
                }
            ],
        )
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "dataset_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "dataset_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        config = NodeManagerConfig(
            environment="test",
            region=REGION,
            cluster_name=cluster["clusterName"],
            cluster_arn=cluster["clusterArn"],
            subnet_ids=tuple(subnets),
            security_group_id=nodes_sg,
            vpc_id=vpc,
            listener_arn=listener,
            task_definition_family=FAMILY,
            container_name="pygrid-node",
            container_port=5000,
            nodes_domain=DOMAIN,
            dataset_table_name=TABLE,
            url_scheme="http",
            service_prefix="pygrid-",
            target_group_prefix="pygrid-",
        )
        env = Platform(config, ecs, elbv2, dynamodb, [])
        monkeypatch.setattr(logic, "now", lambda: time.time() + env.offset)
        env.put_app(APP)
        yield env


class FailingClient:
    """Delegates to a real client, except that one method raises a ClientError."""

    def __init__(self, client: Any, method: str) -> None:
        self._client = client
        self._method = method

    def __getattr__(self, name: str) -> Any:
        if name == self._method:

            def fail(**kwargs: Any) -> Any:
                raise ClientError(
                    {"Error": {"Code": "InjectedFailure", "Message": f"{name} failed"}}, name
                )

            return fail
        return getattr(self._client, name)


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
    assert env == {"NODE_ID": "artificien-health", "PORT": "5000", "DATABASE_HOST": "db.local"}
    assert container["secrets"] == [
        {"name": "DATABASE_PASSWORD", "valueFrom": "arn:secret:password::"}
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
    assert status.changed == ["task definition", "target group", "rule", "service"]


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
    assert status.changed == ["service", "item", "rule", "target group", "task definition"]


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
    assert manager.down(APP).changed == ["service", "rule", "target group", "task definition"]
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
        waiter=lambda *a: None,
    ).up("Sleep Tracker")
    # WHEN this environment lists and reconciles THEN it neither sees nor touches that node
    assert platform.manager().list() == []
    assert platform.manager().reconcile(fix=True) == []
    assert len(platform.services()) == 1


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
    assert winners[0].changed == ["task definition", "target group", "rule", "service"]
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
    assert status.changed == ["task definition", "target group", "rule", "service"]
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
    assert by_app[APP]["changed"] == ["service", "item", "rule", "target group", "task definition"]
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
