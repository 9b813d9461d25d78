"""The PyGrid node manager: one federated-learning node per app, started and stopped on demand.

Terraform (``modules/pygrid_node``) owns what never changes per app: the template task definition,
the roles, the security groups and one shared public load balancer whose listener answers 404.
This module owns what comes and goes with an app, all of it tagged so it can be found again:

* a task definition family ``<template family>-<slug>``: the template's latest revision with
  ``NODE_ID`` and ``PORT`` set (an ECS service cannot override a container's environment);
* a target group ``pygrid-<hash>`` (type ip) and a listener rule for host ``<slug>.<domain>``;
* an ECS service ``pygrid-<slug>`` running one task of that family behind the target group;
* on the app's dataset item: ``hasNode`` and ``nodeURL``.

``up`` creates whatever is missing in that order, waits for the service to be stable, then writes
the item; any failure undoes, in reverse, what this call created and leaves the item untouched.
``down`` clears the item first, then removes the service, rule, target group and task definitions.
Either way an interrupted run can only leave a node that no item claims, which ``reconcile``
reports and (with ``fix=True``) removes; ``reconcile`` never starts nodes.

Importable without click: the orchestration node and the CLI build a :class:`NodeManager` from the
``pygrid_node_manager`` Terraform output and boto3 clients; progress goes to a callback.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import ClientError, WaiterError

logger = logging.getLogger("artificien.nodes")

MANAGED_BY = "artificien-node-manager"
TAG_PROJECT = "project"
TAG_ENVIRONMENT = "environment"
TAG_MANAGED_BY = "managed_by"
TAG_APP_ID = "app_id"
TAG_APP_SLUG = "app_slug"

DATASET_KEY = "dataset_id"
MAX_SLUG_LENGTH = 63  # one DNS label
HASH_LENGTH = 8
SERVICE_PREFIX = "pygrid-"
TARGET_GROUP_PREFIX = "pygrid-"  # the orchestration role may manage only pygrid-* groups
MAX_RULE_PRIORITY = 50000
DEFAULT_WAIT_TIMEOUT = 600
HEALTH_CHECK_PATH = "/"
# Any HTTP answer proves the node process is up; PyGrid has no dedicated health route.
HEALTH_CHECK_MATCHER = "200-499"

# Characters ECS and ELB accept in tag values; anything else is stored base64-encoded.
_TAG_VALUE_SAFE = re.compile(r"^[\w .:/=+\-@]{1,256}$")
_TAG_B64 = "b64:"

Progress = Callable[[str], None]
Waiter = Callable[[Any, str, str, float], None]


# Errors -------------------------------------------------------------------------------------------


class NodeError(Exception):
    """Base of every error the node manager reports to its caller."""


class ConfigError(NodeError):
    """The Terraform output the manager is configured from is missing or malformed."""


class InvalidAppIdError(NodeError):
    """The app id cannot name a node (empty or not a string)."""


class UnknownAppError(NodeError):
    """No dataset item (and, for down/status, no node) exists for the app."""


class SlugCollisionError(NodeError):
    """Two app ids map to the same DNS label."""


class NodeNotStableError(NodeError):
    """The node's service did not become stable within the timeout."""


# Slugs and names ----------------------------------------------------------------------------------


def _digest(text: str, length: int = HASH_LENGTH) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def slugify(app_id: str) -> str:
    """Turn an app id into a DNS label, deterministically.

    Lower-case; every run of characters outside ``a-z0-9`` becomes one ``-``; leading and trailing
    ``-`` are trimmed. A label that would be longer than 63 characters is cut and gets ``-`` plus 8
    hex digits of the id's SHA-256, and so does an id with no letter or digit at all
    (``app-<hash>``). Distinct ids can still meet on one slug (``My App`` and ``my-app``): the
    manager detects that through the ``app_id`` tag and refuses (:class:`SlugCollisionError`).
    """
    if not isinstance(app_id, str) or not app_id.strip():
        raise InvalidAppIdError("app id must be a non-empty string")
    base = re.sub(r"[^a-z0-9]+", "-", app_id.lower()).strip("-")
    suffix = _digest(app_id)
    if not base:
        return f"app-{suffix}"
    if len(base) > MAX_SLUG_LENGTH:
        head = base[: MAX_SLUG_LENGTH - HASH_LENGTH - 1].rstrip("-")
        return f"{head}-{suffix}"
    return base


def encode_tag_value(app_id: str) -> str:
    """App id as a tag value: itself when ECS and ELB accept it, else ``b64:`` + base64url."""
    if _TAG_VALUE_SAFE.fullmatch(app_id) and not app_id.startswith(_TAG_B64):
        return app_id
    encoded = base64.urlsafe_b64encode(app_id.encode("utf-8")).decode("ascii")
    if len(encoded) + len(_TAG_B64) > 256:
        raise InvalidAppIdError("app id is too long to tag (over 189 bytes once encoded)")
    return _TAG_B64 + encoded


def decode_tag_value(value: str) -> str:
    """Inverse of :func:`encode_tag_value`."""
    if value.startswith(_TAG_B64):
        return base64.urlsafe_b64decode(value[len(_TAG_B64) :].encode("ascii")).decode("utf-8")
    return value


# Configuration ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeManagerConfig:
    """Everything the manager needs; built only from the output ``pygrid_node_manager``."""

    environment: str
    region: str
    cluster_name: str
    cluster_arn: str
    subnet_ids: tuple[str, ...]
    security_group_id: str
    vpc_id: str
    listener_arn: str
    task_definition_family: str
    container_name: str
    container_port: int
    nodes_domain: str
    dataset_table_name: str
    url_scheme: str

    OUTPUT_NAME = "pygrid_node_manager"

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, Any]) -> NodeManagerConfig:
        """Read the ``pygrid_node_manager`` output (plain values or ``terraform output -json``)."""
        raw = outputs.get(cls.OUTPUT_NAME)
        if isinstance(raw, Mapping) and "value" in raw and "type" in raw:
            raw = raw["value"]
        if not isinstance(raw, Mapping):
            raise ConfigError(
                f"Terraform output '{cls.OUTPUT_NAME}' is missing: apply the environment first"
            )
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            if name not in raw or raw[name] in (None, "", []):
                raise ConfigError(f"Terraform output '{cls.OUTPUT_NAME}' lacks '{name}'")
            values[name] = raw[name]
        values["subnet_ids"] = tuple(values["subnet_ids"])
        try:
            values["container_port"] = int(values["container_port"])
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"'{cls.OUTPUT_NAME}.container_port' is not a number") from exc
        if values["url_scheme"] not in ("http", "https"):
            raise ConfigError(f"'{cls.OUTPUT_NAME}.url_scheme' must be http or https")
        return cls(**values)


# Results ------------------------------------------------------------------------------------------


@dataclass
class NodeResources:
    """The AWS resources of one app's node, as found (any may be missing)."""

    slug: str
    app_id: str | None = None
    service_arn: str | None = None
    service_status: str | None = None
    desired_count: int = 0
    running_count: int = 0
    target_group_arn: str | None = None
    rule_arn: str | None = None
    task_definition_arns: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.service_arn or self.target_group_arn or self.rule_arn or self.task_definition_arns
        )

    @property
    def complete(self) -> bool:
        return bool(
            self.service_arn
            and self.service_status == "ACTIVE"
            and self.target_group_arn
            and self.rule_arn
            and self.task_definition_arns
        )


@dataclass
class NodeStatus:
    app_id: str
    slug: str
    url: str
    state: str  # running | starting | partial | absent
    item_exists: bool
    item_has_node: bool
    item_node_url: str | None
    resources: NodeResources
    changed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Finding:
    """One disagreement between the nodes that exist and the dataset items that claim them."""

    kind: str  # unclaimed-node | incomplete-node | dangling-claim
    app_id: str | None
    slug: str | None
    detail: str
    fixed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Waiting ------------------------------------------------------------------------------------------


def wait_services_stable(ecs: Any, cluster: str, service: str, timeout: float) -> None:
    """Default waiter: boto3's ``services_stable`` polled every 15 s until ``timeout`` seconds."""
    delay = 15
    attempts = max(1, math.ceil(timeout / delay))
    try:
        ecs.get_waiter("services_stable").wait(
            cluster=cluster,
            services=[service],
            WaiterConfig={"Delay": delay, "MaxAttempts": attempts},
        )
    except WaiterError as exc:
        raise NodeNotStableError(
            f"service {service} was not stable after {timeout:.0f} s: {exc.last_response}"
        ) from exc


def no_wait(ecs: Any, cluster: str, service: str, timeout: float) -> None:
    """Waiter that returns at once (the local emulator never runs tasks)."""


# The manager --------------------------------------------------------------------------------------


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class NodeManager:
    """Start, stop, inspect and reconcile the per-app PyGrid nodes of one environment."""

    def __init__(
        self,
        config: NodeManagerConfig,
        *,
        ecs: Any,
        elbv2: Any,
        dynamodb: Any,
        waiter: Waiter = wait_services_stable,
        wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.ecs = ecs
        self.elbv2 = elbv2
        self.dynamodb = dynamodb
        self.waiter = waiter
        self.wait_timeout = wait_timeout
        self._progress = progress

    @classmethod
    def from_session(cls, config: NodeManagerConfig, session: Any, **kwargs: Any) -> NodeManager:
        """Build the manager with clients from a boto3 session (region from the config)."""
        return cls(
            config,
            ecs=session.client("ecs", region_name=config.region),
            elbv2=session.client("elbv2", region_name=config.region),
            dynamodb=session.client("dynamodb", region_name=config.region),
            **kwargs,
        )

    # names ---------------------------------------------------------------------------------------

    def host(self, slug: str) -> str:
        return f"{slug}.{self.config.nodes_domain}"

    def url(self, slug: str) -> str:
        return f"{self.config.url_scheme}://{self.host(slug)}"

    def service_name(self, slug: str) -> str:
        return f"{SERVICE_PREFIX}{slug}"

    def family(self, slug: str) -> str:
        return f"{self.config.task_definition_family}-{slug}"

    def target_group_name(self, slug: str) -> str:
        # 32 characters at most, unique per account and region: hash of the cluster and the slug.
        return TARGET_GROUP_PREFIX + _digest(f"{self.config.cluster_arn}|{slug}", 20)

    def _tags(self, app_id: str, slug: str) -> dict[str, str]:
        return {
            TAG_PROJECT: "artificien",
            TAG_ENVIRONMENT: self.config.environment,
            TAG_MANAGED_BY: MANAGED_BY,
            TAG_APP_ID: encode_tag_value(app_id),
            TAG_APP_SLUG: slug,
        }

    def _is_ours(self, tags: Mapping[str, str]) -> bool:
        return (
            tags.get(TAG_MANAGED_BY) == MANAGED_BY
            and tags.get(TAG_ENVIRONMENT) == self.config.environment
        )

    def _say(self, message: str, **context: Any) -> None:
        logger.info(message, extra={"context": context})
        if self._progress is not None:
            self._progress(message)

    # the dataset item ----------------------------------------------------------------------------

    def _get_item(self, app_id: str) -> dict[str, Any] | None:
        response = self.dynamodb.get_item(
            TableName=self.config.dataset_table_name,
            Key={DATASET_KEY: {"S": app_id}},
            ProjectionExpression="#k, hasNode, nodeURL",
            ExpressionAttributeNames={"#k": DATASET_KEY},
            ConsistentRead=True,
        )
        return response.get("Item")

    @staticmethod
    def _claim(item: Mapping[str, Any] | None) -> tuple[bool, str | None]:
        if item is None:
            return False, None
        has_node = bool(item.get("hasNode", {}).get("BOOL", False))
        node_url = item.get("nodeURL", {}).get("S")
        return has_node, node_url

    def _set_claim(self, app_id: str, url: str) -> None:
        try:
            self.dynamodb.update_item(
                TableName=self.config.dataset_table_name,
                Key={DATASET_KEY: {"S": app_id}},
                UpdateExpression="SET hasNode = :t, nodeURL = :u",
                ConditionExpression="attribute_exists(#k)",
                ExpressionAttributeNames={"#k": DATASET_KEY},
                ExpressionAttributeValues={":t": {"BOOL": True}, ":u": {"S": url}},
            )
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                raise UnknownAppError(f"dataset item '{app_id}' disappeared during up") from exc
            raise

    def _clear_claim(self, app_id: str) -> bool:
        """Set hasNode=false and drop nodeURL if the item exists; False when it does not."""
        try:
            self.dynamodb.update_item(
                TableName=self.config.dataset_table_name,
                Key={DATASET_KEY: {"S": app_id}},
                UpdateExpression="SET hasNode = :f REMOVE nodeURL",
                ConditionExpression="attribute_exists(#k)",
                ExpressionAttributeNames={"#k": DATASET_KEY},
                ExpressionAttributeValues={":f": {"BOOL": False}},
            )
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _claiming_items(self) -> Iterator[dict[str, Any]]:
        paginator = self.dynamodb.get_paginator("scan")
        for page in paginator.paginate(
            TableName=self.config.dataset_table_name,
            ProjectionExpression="#k, hasNode, nodeURL",
            FilterExpression="hasNode = :t OR attribute_exists(nodeURL)",
            ExpressionAttributeNames={"#k": DATASET_KEY},
            ExpressionAttributeValues={":t": {"BOOL": True}},
            ConsistentRead=True,
        ):
            yield from page.get("Items", [])

    # finding one node ----------------------------------------------------------------------------

    def _rules(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"ListenerArn": self.config.listener_arn}
        while True:
            page = self.elbv2.describe_rules(**kwargs)
            rules.extend(r for r in page.get("Rules", []) if not r.get("IsDefault"))
            marker = page.get("NextMarker")
            if not marker:
                return rules
            kwargs["Marker"] = marker

    @staticmethod
    def _rule_hosts(rule: Mapping[str, Any]) -> set[str]:
        hosts: set[str] = set()
        for condition in rule.get("Conditions", []):
            if condition.get("Field") == "host-header":
                hosts.update(condition.get("HostHeaderConfig", {}).get("Values", []))
                hosts.update(condition.get("Values", []))
        return hosts

    def _elb_tags(self, arns: list[str]) -> dict[str, dict[str, str]]:
        tags: dict[str, dict[str, str]] = {}
        for chunk in _chunks(arns, 20):
            for description in self.elbv2.describe_tags(ResourceArns=chunk)["TagDescriptions"]:
                tags[description["ResourceArn"]] = {
                    t["Key"]: t["Value"] for t in description.get("Tags", [])
                }
        return tags

    def _task_definitions(self, family: str) -> list[str]:
        arns: list[str] = []
        for page in self.ecs.get_paginator("list_task_definitions").paginate(
            familyPrefix=family, status="ACTIVE"
        ):
            # familyPrefix is a prefix: keep only this exact family.
            arns.extend(
                a
                for a in page["taskDefinitionArns"]
                if a.split("/")[-1].rsplit(":", 1)[0] == family
            )
        return arns

    def _task_definition_app_id(self, arn: str) -> str | None:
        response = self.ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        tags = {t["key"]: t["value"] for t in response.get("tags", [])}
        return decode_tag_value(tags[TAG_APP_ID]) if TAG_APP_ID in tags else None

    def find(self, slug: str) -> NodeResources:
        """The resources that exist for ``slug`` (the app id comes from their tags)."""
        found = NodeResources(slug=slug)
        owners: set[str] = set()

        services = self.ecs.describe_services(
            cluster=self.config.cluster_name, services=[self.service_name(slug)], include=["TAGS"]
        ).get("services", [])
        for service in services:
            if service.get("status") == "INACTIVE":
                continue
            found.service_arn = service["serviceArn"]
            found.service_status = service.get("status")
            found.desired_count = int(service.get("desiredCount", 0))
            found.running_count = int(service.get("runningCount", 0))
            tags = {t["key"]: t["value"] for t in service.get("tags", [])}
            if TAG_APP_ID in tags:
                owners.add(decode_tag_value(tags[TAG_APP_ID]))

        try:
            groups = self.elbv2.describe_target_groups(Names=[self.target_group_name(slug)])
            found.target_group_arn = groups["TargetGroups"][0]["TargetGroupArn"]
        except ClientError as exc:
            if _error_code(exc) not in ("TargetGroupNotFound", "TargetGroupNotFoundException"):
                raise

        host = self.host(slug)
        for rule in self._rules():
            if host in self._rule_hosts(rule):
                found.rule_arn = rule["RuleArn"]
                break

        elb_arns = [a for a in (found.target_group_arn, found.rule_arn) if a]
        for tags in self._elb_tags(elb_arns).values():
            if TAG_APP_ID in tags:
                owners.add(decode_tag_value(tags[TAG_APP_ID]))

        found.task_definition_arns = self._task_definitions(self.family(slug))
        if found.task_definition_arns:
            owner = self._task_definition_app_id(found.task_definition_arns[-1])
            if owner is not None:
                owners.add(owner)

        if len(owners) > 1:
            raise SlugCollisionError(
                f"slug '{slug}' is used by several apps: {', '.join(sorted(owners))}"
            )
        found.app_id = next(iter(owners), None)
        return found

    def _check_owner(self, found: NodeResources, app_id: str) -> None:
        if found.app_id is not None and found.app_id != app_id:
            raise SlugCollisionError(
                f"app '{app_id}' and app '{found.app_id}' both map to the host name "
                f"'{self.host(found.slug)}'; rename one of them (slugs must be unique)"
            )

    # creating ------------------------------------------------------------------------------------

    def _register_task_definition(self, app_id: str, slug: str) -> str:
        template = self.ecs.describe_task_definition(
            taskDefinition=self.config.task_definition_family
        )["taskDefinition"]
        containers = template["containerDefinitions"]
        names = [c["name"] for c in containers]
        if self.config.container_name not in names:
            raise ConfigError(
                f"template {template['taskDefinitionArn']} has no container "
                f"'{self.config.container_name}' (it has: {', '.join(names)})"
            )
        for container in containers:
            if container["name"] != self.config.container_name:
                continue
            env = {e["name"]: e["value"] for e in container.get("environment", [])}
            env.update({"NODE_ID": slug, "PORT": str(self.config.container_port)})
            container["environment"] = [{"name": k, "value": v} for k, v in sorted(env.items())]
        request: dict[str, Any] = {
            "family": self.family(slug),
            "containerDefinitions": containers,
            "tags": [{"key": k, "value": v} for k, v in self._tags(app_id, slug).items()],
        }
        for key in (
            "taskRoleArn",
            "executionRoleArn",
            "networkMode",
            "volumes",
            "requiresCompatibilities",
            "cpu",
            "memory",
            "runtimePlatform",
            "ephemeralStorage",
        ):
            if template.get(key) not in (None, [], {}):
                request[key] = template[key]
        return self.ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]

    def _create_target_group(self, app_id: str, slug: str) -> str:
        response = self.elbv2.create_target_group(
            Name=self.target_group_name(slug),
            Protocol="HTTP",
            Port=self.config.container_port,
            VpcId=self.config.vpc_id,
            TargetType="ip",
            HealthCheckProtocol="HTTP",
            HealthCheckPath=HEALTH_CHECK_PATH,
            Matcher={"HttpCode": HEALTH_CHECK_MATCHER},
            Tags=[{"Key": k, "Value": v} for k, v in self._tags(app_id, slug).items()],
        )
        return response["TargetGroups"][0]["TargetGroupArn"]

    def _free_priorities(self, slug: str) -> Iterator[int]:
        used = {int(r["Priority"]) for r in self._rules() if str(r.get("Priority")).isdigit()}
        start = int(_digest(slug), 16) % MAX_RULE_PRIORITY
        for offset in range(MAX_RULE_PRIORITY):
            priority = (start + offset) % MAX_RULE_PRIORITY + 1
            if priority not in used:
                yield priority

    def _create_rule(self, app_id: str, slug: str, target_group_arn: str) -> str:
        # A concurrent `up` may take the same priority: try the next free ones.
        for attempt, priority in enumerate(self._free_priorities(slug)):
            try:
                response = self.elbv2.create_rule(
                    ListenerArn=self.config.listener_arn,
                    Priority=priority,
                    Conditions=[
                        {"Field": "host-header", "HostHeaderConfig": {"Values": [self.host(slug)]}}
                    ],
                    Actions=[{"Type": "forward", "TargetGroupArn": target_group_arn}],
                    Tags=[{"Key": k, "Value": v} for k, v in self._tags(app_id, slug).items()],
                )
                return response["Rules"][0]["RuleArn"]
            except ClientError as exc:
                if _error_code(exc) != "PriorityInUse" or attempt >= 4:
                    raise
        raise NodeError("the listener has no free rule priority left")

    def _create_service(self, app_id: str, slug: str, task_definition_arn: str, tg: str) -> str:
        response = self.ecs.create_service(
            cluster=self.config.cluster_name,
            serviceName=self.service_name(slug),
            taskDefinition=task_definition_arn,
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": list(self.config.subnet_ids),
                    "securityGroups": [self.config.security_group_id],
                    "assignPublicIp": "DISABLED",
                }
            },
            loadBalancers=[
                {
                    "targetGroupArn": tg,
                    "containerName": self.config.container_name,
                    "containerPort": self.config.container_port,
                }
            ],
            healthCheckGracePeriodSeconds=120,
            deploymentConfiguration={
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "maximumPercent": 200,
                "minimumHealthyPercent": 100,
            },
            enableECSManagedTags=True,
            propagateTags="SERVICE",
            tags=[{"key": k, "value": v} for k, v in self._tags(app_id, slug).items()],
        )
        return response["service"]["serviceArn"]

    # removing ------------------------------------------------------------------------------------

    def _delete_service(self, slug: str) -> None:
        try:
            self.ecs.delete_service(
                cluster=self.config.cluster_name, service=self.service_name(slug), force=True
            )
        except ClientError as exc:
            if _error_code(exc) not in ("ServiceNotFoundException", "ServiceNotActiveException"):
                raise

    def _delete_rule(self, rule_arn: str) -> None:
        try:
            self.elbv2.delete_rule(RuleArn=rule_arn)
        except ClientError as exc:
            if _error_code(exc) not in ("RuleNotFound", "RuleNotFoundException"):
                raise

    def _delete_target_group(self, target_group_arn: str) -> None:
        try:
            self.elbv2.delete_target_group(TargetGroupArn=target_group_arn)
        except ClientError as exc:
            if _error_code(exc) not in ("TargetGroupNotFound", "TargetGroupNotFoundException"):
                raise

    def _deregister_task_definitions(self, arns: Iterable[str]) -> None:
        arns = list(arns)
        for arn in arns:
            self.ecs.deregister_task_definition(taskDefinition=arn)
        if arns:
            # Deregistered revisions stay INACTIVE forever unless deleted.
            self.ecs.delete_task_definitions(taskDefinitions=arns)

    def _remove(self, found: NodeResources) -> list[str]:
        """Remove a node's resources in dependency order; returns what was removed."""
        removed: list[str] = []
        if found.service_arn:
            self._say(f"deleting service {self.service_name(found.slug)}", slug=found.slug)
            self._delete_service(found.slug)
            removed.append("service")
        if found.rule_arn:
            self._say(f"deleting listener rule for {self.host(found.slug)}", slug=found.slug)
            self._delete_rule(found.rule_arn)
            removed.append("rule")
        if found.target_group_arn:
            self._say(f"deleting target group {self.target_group_name(found.slug)}")
            self._delete_target_group(found.target_group_arn)
            removed.append("target group")
        if found.task_definition_arns:
            self._say(f"deregistering task definition family {self.family(found.slug)}")
            self._deregister_task_definitions(found.task_definition_arns)
            removed.append("task definition")
        return removed

    # operations ----------------------------------------------------------------------------------

    def up(self, app_id: str) -> NodeStatus:
        """Start (or find) the app's node, wait until it is stable, then record it on the item."""
        slug = slugify(app_id)
        if self._get_item(app_id) is None:
            raise UnknownAppError(
                f"no dataset item '{app_id}' in {self.config.dataset_table_name}: "
                "register the app before starting its node; nothing was created"
            )
        found = self.find(slug)
        self._check_owner(found, app_id)
        if found.service_status == "DRAINING":
            raise NodeError(
                f"service {self.service_name(slug)} is still draining from a previous down; "
                "retry once it is gone"
            )

        undo: list[tuple[str, Callable[[], None]]] = []
        created: list[str] = []
        try:
            if found.task_definition_arns:
                task_definition = found.task_definition_arns[-1]
            else:
                self._say(f"registering task definition {self.family(slug)}", app_id=app_id)
                task_definition = self._register_task_definition(app_id, slug)
                undo.append(
                    (
                        "task definition",
                        lambda: self._deregister_task_definitions([task_definition]),
                    )
                )
                created.append("task definition")

            target_group = found.target_group_arn
            if target_group is None:
                self._say(f"creating target group {self.target_group_name(slug)}", app_id=app_id)
                target_group = self._create_target_group(app_id, slug)
                undo.append(("target group", lambda: self._delete_target_group(target_group)))
                created.append("target group")

            if found.rule_arn is None:
                self._say(f"creating listener rule for {self.host(slug)}", app_id=app_id)
                rule = self._create_rule(app_id, slug, target_group)
                undo.append(("rule", lambda: self._delete_rule(rule)))
                created.append("rule")

            if found.service_arn is None:
                self._say(f"creating service {self.service_name(slug)}", app_id=app_id)
                self._create_service(app_id, slug, task_definition, target_group)
                undo.append(("service", lambda: self._delete_service(slug)))
                created.append("service")

            self._say(
                f"waiting up to {self.wait_timeout:.0f} s for {self.service_name(slug)} "
                "to be stable",
                app_id=app_id,
            )
            self.waiter(
                self.ecs, self.config.cluster_name, self.service_name(slug), self.wait_timeout
            )

            self._say(f"recording {self.url(slug)} on dataset item '{app_id}'", app_id=app_id)
            self._set_claim(app_id, self.url(slug))
        except BaseException as exc:
            self._rollback(undo, exc)
            raise

        status = self.status(app_id)
        status.changed = created
        return status

    def _rollback(self, undo: list[tuple[str, Callable[[], None]]], cause: BaseException) -> None:
        if not undo:
            return
        self._say(f"up failed ({cause}); rolling back {len(undo)} step(s)")
        failures = []
        for what, action in reversed(undo):
            try:
                action()
                self._say(f"rolled back {what}")
            except ClientError as exc:
                failures.append(f"{what}: {exc}")
                logger.error("rollback step failed", extra={"context": {"step": what}})
        if failures:
            cause.add_note("rollback incomplete, run reconcile --fix: " + "; ".join(failures))

    def down(self, app_id: str) -> NodeStatus:
        """Clear the app's item, then remove its node. Unknown app: error, nothing touched."""
        slug = slugify(app_id)
        item = self._get_item(app_id)
        found = self.find(slug)
        self._check_owner(found, app_id)
        if item is None and found.empty:
            raise UnknownAppError(
                f"unknown app '{app_id}': no dataset item and no node; nothing was touched"
            )
        changed: list[str] = []
        has_node, node_url = self._claim(item)
        if item is not None and (has_node or node_url is not None):
            self._say(f"clearing hasNode/nodeURL on dataset item '{app_id}'", app_id=app_id)
            if self._clear_claim(app_id):
                changed.append("item")
        changed.extend(self._remove(found))
        if not changed:
            self._say(f"app '{app_id}' has no node; nothing to do", app_id=app_id)
        status = self._status(app_id, slug, self._get_item(app_id), NodeResources(slug=slug))
        status.changed = changed
        return status

    def _status(
        self, app_id: str, slug: str, item: Mapping[str, Any] | None, found: NodeResources
    ) -> NodeStatus:
        has_node, node_url = self._claim(item)
        if found.empty:
            state = "absent"
        elif not found.complete:
            state = "partial"
        elif found.running_count >= max(found.desired_count, 1):
            state = "running"
        else:
            state = "starting"
        return NodeStatus(
            app_id=app_id,
            slug=slug,
            url=self.url(slug),
            state=state,
            item_exists=item is not None,
            item_has_node=has_node,
            item_node_url=node_url,
            resources=found,
        )

    def status(self, app_id: str) -> NodeStatus:
        """What exists for the app, and what its dataset item says."""
        slug = slugify(app_id)
        item = self._get_item(app_id)
        found = self.find(slug)
        self._check_owner(found, app_id)
        if item is None and found.empty:
            raise UnknownAppError(f"unknown app '{app_id}': no dataset item and no node")
        return self._status(app_id, slug, item, found)

    def _inventory(self) -> dict[str, NodeResources]:
        """Every managed resource of this environment, grouped by slug."""
        nodes: dict[str, NodeResources] = {}

        def node(slug: str) -> NodeResources:
            return nodes.setdefault(slug, NodeResources(slug=slug))

        def adopt(entry: NodeResources, tags: Mapping[str, str]) -> None:
            if TAG_APP_ID in tags and entry.app_id is None:
                entry.app_id = decode_tag_value(tags[TAG_APP_ID])

        service_arns: list[str] = []
        for page in self.ecs.get_paginator("list_services").paginate(
            cluster=self.config.cluster_name
        ):
            service_arns.extend(page["serviceArns"])
        for chunk in _chunks(service_arns, 10):
            for service in self.ecs.describe_services(
                cluster=self.config.cluster_name, services=chunk, include=["TAGS"]
            ).get("services", []):
                tags = {t["key"]: t["value"] for t in service.get("tags", [])}
                if not self._is_ours(tags) or service.get("status") == "INACTIVE":
                    continue
                entry = node(
                    tags.get(TAG_APP_SLUG) or service["serviceName"][len(SERVICE_PREFIX) :]
                )
                entry.service_arn = service["serviceArn"]
                entry.service_status = service.get("status")
                entry.desired_count = int(service.get("desiredCount", 0))
                entry.running_count = int(service.get("runningCount", 0))
                adopt(entry, tags)

        groups = [
            g
            for page in self.elbv2.get_paginator("describe_target_groups").paginate()
            for g in page["TargetGroups"]
            if g["TargetGroupName"].startswith(TARGET_GROUP_PREFIX)
            and g.get("VpcId") == self.config.vpc_id
        ]
        group_tags = self._elb_tags([g["TargetGroupArn"] for g in groups])
        for group in groups:
            tags = group_tags.get(group["TargetGroupArn"], {})
            if self._is_ours(tags) and TAG_APP_SLUG in tags:
                entry = node(tags[TAG_APP_SLUG])
                entry.target_group_arn = group["TargetGroupArn"]
                adopt(entry, tags)

        rules = self._rules()
        rule_tags = self._elb_tags([r["RuleArn"] for r in rules])
        for rule in rules:
            tags = rule_tags.get(rule["RuleArn"], {})
            if self._is_ours(tags) and TAG_APP_SLUG in tags:
                entry = node(tags[TAG_APP_SLUG])
                entry.rule_arn = rule["RuleArn"]
                adopt(entry, tags)

        prefix = f"{self.config.task_definition_family}-"
        families: list[str] = []
        for page in self.ecs.get_paginator("list_task_definition_families").paginate(
            familyPrefix=prefix, status="ACTIVE"
        ):
            families.extend(page["families"])
        for family in families:
            arns = self._task_definitions(family)
            if not arns:
                continue
            response = self.ecs.describe_task_definition(taskDefinition=arns[-1], include=["TAGS"])
            tags = {t["key"]: t["value"] for t in response.get("tags", [])}
            if self._is_ours(tags):
                entry = node(tags.get(TAG_APP_SLUG) or family[len(prefix) :])
                entry.task_definition_arns = arns
                adopt(entry, tags)
        return nodes

    def list(self) -> list[NodeStatus]:
        """Every node of the environment with its dataset item's claim, sorted by slug."""
        result = []
        for slug, found in sorted(self._inventory().items()):
            item = self._get_item(found.app_id) if found.app_id is not None else None
            result.append(self._status(found.app_id or "", slug, item, found))
        return result

    def reconcile(self, fix: bool = False) -> list[Finding]:
        """Compare nodes with dataset items; with ``fix`` remove unclaimed nodes, clear bad claims.

        * ``unclaimed-node``: a node whose app has no item, or whose item does not claim it
          (an interrupted up or down) -> removed.
        * ``incomplete-node``: a claimed node missing one of its parts -> removed and unclaimed.
        * ``dangling-claim``: an item with hasNode/nodeURL but no node -> cleared.
        """
        findings: list[Finding] = []
        inventory = self._inventory()
        by_app = {n.app_id: n for n in inventory.values() if n.app_id is not None}

        for slug, found in sorted(inventory.items()):
            app_id = found.app_id
            item = self._get_item(app_id) if app_id is not None else None
            has_node, node_url = self._claim(item)
            if item is None or not has_node or node_url != self.url(slug):
                detail = (
                    "no dataset item for this node"
                    if item is None
                    else f"dataset item does not claim it (hasNode={has_node}, nodeURL={node_url})"
                )
                finding = Finding("unclaimed-node", app_id, slug, detail)
                if fix:
                    self._say(f"removing unclaimed node {slug}", slug=slug)
                    self._remove(found)
                    finding.fixed = True
            elif not found.complete:
                missing = [
                    name
                    for name, present in (
                        ("service", found.service_arn and found.service_status == "ACTIVE"),
                        ("rule", found.rule_arn),
                        ("target group", found.target_group_arn),
                        ("task definition", found.task_definition_arns),
                    )
                    if not present
                ]
                finding = Finding(
                    "incomplete-node", app_id, slug, f"claimed node lacks {', '.join(missing)}"
                )
                if fix and app_id is not None:
                    self._say(f"removing incomplete node {slug} and its claim", slug=slug)
                    self._clear_claim(app_id)
                    self._remove(found)
                    finding.fixed = True
            else:
                continue
            findings.append(finding)

        for item in self._claiming_items():
            app_id = item[DATASET_KEY]["S"]
            if app_id in by_app:
                continue
            has_node, node_url = self._claim(item)
            finding = Finding(
                "dangling-claim",
                app_id,
                None,
                f"item claims a node that does not exist (hasNode={has_node}, nodeURL={node_url})",
            )
            if fix:
                self._say(f"clearing the claim of '{app_id}'", app_id=app_id)
                self._clear_claim(app_id)
                finding.fixed = True
            findings.append(finding)
        return findings
