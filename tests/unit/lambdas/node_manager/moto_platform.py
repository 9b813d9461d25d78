"""The node manager's platform in moto, shared by the tests of this folder (through conftest.py)
and by tests/unit/test_nodes_cli.py; loaded by path, as pytest runs with --import-mode=importlib."""

from __future__ import annotations

import dataclasses
import io
import json
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
SECRET_PREFIX = "artificien-test/pygrid-nodes/"
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
DATABASE_HOST = "artificien-test-pygrid.cluster-abc.us-east-1.rds.amazonaws.com"
ROLE_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:artificien-test-pygrid_db_role"
# The template's DATABASE_URL, as modules/pygrid_node writes it: a name no slug can take.
TEMPLATE_SECRET = f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{SECRET_PREFIX}_template"
# The platform's clock runs this far ahead of the resources' creation times unless a test sets
# it: older than any wait timeout, so reconcile judges the nodes a test has just made.
AN_HOUR = 3600.0


# The platform in moto -----------------------------------------------------------------------------


class RoleFunction:
    """The role function as the node manager's Lambda client sees it (moto cannot run code):
    records every invocation and answers as lambdas/pygrid_db_role does, or fails as told."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail_on: str | None = None  # "node_up" or "node_down": answer a function error
        self.roles: dict[str, bool] = {}  # node id -> whether it may log in
        self.databases: set[str] = set()

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        assert kwargs["InvocationType"] == "RequestResponse"
        assert kwargs["FunctionName"] == ROLE_FUNCTION
        event = json.loads(kwargs["Payload"])
        self.calls.append(event)
        action, node_id = event["action"], event["node_id"]
        if action == self.fail_on:
            return self._answer({"errorMessage": f"injected {action} failure"}, "Unhandled")
        answer = {"action": action, "node_id": node_id}
        if action == "node_up":
            answer["role_created"] = node_id not in self.roles
            answer["database_created"] = node_id not in self.databases
            self.roles[node_id] = True
            self.databases.add(node_id)
        else:
            answer["login_revoked"] = node_id in self.roles
            if event["drop_database"]:
                self.databases.discard(node_id)
            if node_id in self.databases:
                self.roles[node_id] = False
            else:
                self.roles.pop(node_id, None)
        return self._answer(answer)

    @staticmethod
    def _answer(payload: dict[str, Any], error: str | None = None) -> dict[str, Any]:
        response: dict[str, Any] = {
            "StatusCode": 200,
            "Payload": io.BytesIO(json.dumps(payload).encode()),
        }
        if error:
            response["FunctionError"] = error
        return response

    def actions(self) -> list[tuple[str, ...]]:
        """Every invocation as (action, node id[, drop_database])."""
        return [
            (
                c["action"],
                c["node_id"],
                *(() if c["action"] == "node_up" else (c["drop_database"],)),
            )
            for c in self.calls
        ]


@dataclasses.dataclass
class Platform:
    config: NodeManagerConfig
    ecs: Any
    elbv2: Any
    dynamodb: Any
    secretsmanager: Any
    waits: list[tuple[str, str, float]]
    role_function: RoleFunction = dataclasses.field(default_factory=RoleFunction)
    # seconds node_manager.logic.now() runs ahead of real time (the resources' clock)
    offset: float = AN_HOUR

    def with_role_function(self) -> Platform:
        """The platform of an AWS env: its configuration names the role function."""
        self.config = dataclasses.replace(self.config, database_role_function=ROLE_FUNCTION)
        return self

    def manager(self, **kwargs: Any) -> NodeManager:
        def waiter(ecs: Any, cluster: str, service: str, timeout: float) -> None:
            self.waits.append((cluster, service, timeout))

        options: dict[str, Any] = {
            "ecs": self.ecs,
            "elbv2": self.elbv2,
            "dynamodb": self.dynamodb,
            "secretsmanager": self.secretsmanager,
            "lambda_client": self.role_function,
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

    def node_secrets(self) -> list[dict[str, Any]]:
        """The node secrets that exist (not those scheduled for deletion)."""
        return [
            s
            for s in self.secretsmanager.list_secrets()["SecretList"]
            if s["Name"].startswith(SECRET_PREFIX)
        ]

    def secret_value(self, slug: str) -> dict[str, Any]:
        raw = self.secretsmanager.get_secret_value(SecretId=SECRET_PREFIX + slug)["SecretString"]
        return json.loads(raw)

    def nothing_managed(self) -> bool:
        return not (
            self.services()
            or self.rules()
            or self.target_groups()
            or self.node_task_definitions()
            or self.node_secrets()
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
        secretsmanager = boto3.client("secretsmanager", region_name=REGION)

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
                        {"name": "MASTER_NODE_URL", "value": "orchestration.example.com"},
                    ],
                    "secrets": [
                        {"name": "DATABASE_URL", "valueFrom": f"{TEMPLATE_SECRET}:url::"},
                        {"name": "SECRET_KEY", "valueFrom": "arn:secret:flask-key"},
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
            node_secret_prefix=SECRET_PREFIX,
            node_secret_kms_key_id=KMS_KEY,
            database_host=DATABASE_HOST,
            database_port=5432,
        )
        env = Platform(config, ecs, elbv2, dynamodb, secretsmanager, [])
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
