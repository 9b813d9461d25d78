"""The node manager's platform in moto, shared by the tests of this folder (through conftest.py)
and by tests/unit/test_nodes_cli.py; loaded by path, as pytest runs with --import-mode=importlib."""

from __future__ import annotations

import dataclasses
import re
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from node_manager import logic
from node_manager.config import NodeManagerConfig
from node_manager.logic import NodeManager

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
