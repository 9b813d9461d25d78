"""The ECS and load-balancing resources of the nodes: finding, creating and deleting them.

Per app: a task definition family ``<template family>-<slug>`` (the template's latest revision
with ``NODE_ID`` and ``PORT`` set, an ECS service cannot override a container's environment, and
``DATABASE_URL`` read from the node's own secret), a target group ``<target group prefix><hash>``
(type ip), a listener rule for host ``<slug>.<domain>`` and an ECS service
``<service prefix><slug>`` behind it; the node's database secret comes from
:mod:`node_manager.database`. Everything is tagged (:meth:`Names.tags`), so it can be found again
whatever happened in between.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from node_manager.database import DATABASE_URL, NodeDatabase, database_url_secret
from node_manager.errors import NodeError, SlugCollisionError
from node_manager.naming import TAG_APP_ID, TAG_APP_SLUG, Names, decode_tag_value, digest, tag_map
from node_manager.results import NodeResources
from node_manager.store import error_code
from shared.config import ConfigError

MAX_RULE_PRIORITY = 50000
HEALTH_CHECK_PATH = "/"
# Any HTTP answer proves the node process is up; PyGrid has no dedicated health route.
HEALTH_CHECK_MATCHER = "200-499"
# What a per-app task definition copies from the template besides its containers.
_TEMPLATE_KEYS = (
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "volumes",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "runtimePlatform",
    "ephemeralStorage",
)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ignoring(exc: ClientError, *codes: str) -> None:
    """Re-raise ``exc`` unless its code is one of ``codes`` (already gone is fine)."""
    if error_code(exc) not in codes:
        raise exc


class AwsResources:
    """ECS and ELBv2 calls for the nodes of one environment (clients passed in)."""

    def __init__(self, config: Any, ecs: Any, elbv2: Any, database: NodeDatabase) -> None:
        self.config = config
        self.names = Names.of(config)
        self.ecs = ecs
        self.elbv2 = elbv2
        self.database = database

    # reading --------------------------------------------------------------------------------------

    def rules(self) -> list[dict[str, Any]]:
        """The listener's non-default rules, every page."""
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
                tags[description["ResourceArn"]] = tag_map(description.get("Tags"), "Key", "Value")
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

    def _task_definition_tags(self, arn: str, found: NodeResources) -> dict[str, str]:
        """The tags of a task definition; its registration time goes into ``found``'s age."""
        response = self.ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        found.saw_creation(response.get("taskDefinition", {}).get("registeredAt"))
        return tag_map(response.get("tags"))

    def find(self, slug: str) -> NodeResources:
        """The resources that exist for ``slug`` (the app id comes from their tags)."""
        names = self.names
        found = NodeResources(slug=slug)
        owners: set[str] = set()

        services = self.ecs.describe_services(
            cluster=self.config.cluster_name, services=[names.service_name(slug)], include=["TAGS"]
        ).get("services", [])
        for service in services:
            if service.get("status") == "INACTIVE":
                continue
            found.take_service(service)
            tags = tag_map(service.get("tags"))
            if TAG_APP_ID in tags:
                owners.add(decode_tag_value(tags[TAG_APP_ID]))

        try:
            groups = self.elbv2.describe_target_groups(Names=[names.target_group_name(slug)])
            found.target_group_arn = groups["TargetGroups"][0]["TargetGroupArn"]
        except ClientError as exc:
            _ignoring(exc, "TargetGroupNotFound", "TargetGroupNotFoundException")

        host = names.host(slug)
        for rule in self.rules():
            if host in self._rule_hosts(rule):
                found.rule_arn = rule["RuleArn"]
                break

        elb_arns = [a for a in (found.target_group_arn, found.rule_arn) if a]
        for tags in self._elb_tags(elb_arns).values():
            if TAG_APP_ID in tags:
                owners.add(decode_tag_value(tags[TAG_APP_ID]))

        found.task_definition_arns = self._task_definitions(names.family(slug))
        if found.task_definition_arns:
            tags = self._task_definition_tags(found.task_definition_arns[-1], found)
            if TAG_APP_ID in tags:
                owners.add(decode_tag_value(tags[TAG_APP_ID]))

        secret = self.database.find(slug)
        if secret is not None:
            found.secret_arn = secret.arn
            found.saw_creation(secret.created)
            if TAG_APP_ID in secret.tags:
                owners.add(decode_tag_value(secret.tags[TAG_APP_ID]))

        if len(owners) > 1:
            raise SlugCollisionError(
                f"slug '{slug}' is used by several apps: {', '.join(sorted(owners))}"
            )
        found.app_id = next(iter(owners), None)
        return found

    def inventory(self) -> dict[str, NodeResources]:
        """Every managed resource of this environment, grouped by slug."""
        names = self.names
        nodes: dict[str, NodeResources] = {}

        def adopt(slug: str, tags: Mapping[str, str]) -> NodeResources:
            entry = nodes.setdefault(slug, NodeResources(slug=slug))
            if TAG_APP_ID in tags and entry.app_id is None:
                entry.app_id = decode_tag_value(tags[TAG_APP_ID])
            return entry

        # Only services under the prefix: the function may describe no others.
        service_arns = [
            arn
            for page in self.ecs.get_paginator("list_services").paginate(
                cluster=self.config.cluster_name
            )
            for arn in page["serviceArns"]
            if arn.rsplit("/", 1)[-1].startswith(names.service_prefix)
        ]
        for chunk in _chunks(service_arns, 10):
            for service in self.ecs.describe_services(
                cluster=self.config.cluster_name, services=chunk, include=["TAGS"]
            ).get("services", []):
                tags = tag_map(service.get("tags"))
                if not names.is_ours(tags) or service.get("status") == "INACTIVE":
                    continue
                slug = tags.get(TAG_APP_SLUG) or names.slug_of_service(service["serviceName"])
                adopt(slug, tags).take_service(service)

        groups = [
            g
            for page in self.elbv2.get_paginator("describe_target_groups").paginate()
            for g in page["TargetGroups"]
            if g["TargetGroupName"].startswith(names.target_group_prefix)
            and g.get("VpcId") == self.config.vpc_id
        ]
        group_tags = self._elb_tags([g["TargetGroupArn"] for g in groups])
        for group in groups:
            tags = group_tags.get(group["TargetGroupArn"], {})
            if names.is_ours(tags) and TAG_APP_SLUG in tags:
                adopt(tags[TAG_APP_SLUG], tags).target_group_arn = group["TargetGroupArn"]

        rules = self.rules()
        rule_tags = self._elb_tags([r["RuleArn"] for r in rules])
        for rule in rules:
            tags = rule_tags.get(rule["RuleArn"], {})
            if names.is_ours(tags) and TAG_APP_SLUG in tags:
                adopt(tags[TAG_APP_SLUG], tags).rule_arn = rule["RuleArn"]

        prefix = names.family_prefix
        for page in self.ecs.get_paginator("list_task_definition_families").paginate(
            familyPrefix=prefix, status="ACTIVE"
        ):
            for family in page["families"]:
                arns = self._task_definitions(family)
                if not arns:
                    continue
                seen = NodeResources(slug="")
                tags = self._task_definition_tags(arns[-1], seen)
                if names.is_ours(tags):
                    slug = tags.get(TAG_APP_SLUG) or family[len(prefix) :]
                    entry = adopt(slug, tags)
                    entry.task_definition_arns = arns
                    entry.saw_creation(seen.created_at)

        for secret in self.database.inventory():
            slug = secret.tags.get(TAG_APP_SLUG) or names.slug_of_secret(secret.name)
            entry = adopt(slug, secret.tags)
            entry.secret_arn = secret.arn
            entry.saw_creation(secret.created)
        return nodes

    # creating -------------------------------------------------------------------------------------

    def _ecs_tags(self, app_id: str, slug: str) -> list[dict[str, str]]:
        return [{"key": k, "value": v} for k, v in self.names.tags(app_id, slug).items()]

    def _elb_tag_list(self, app_id: str, slug: str) -> list[dict[str, str]]:
        return [{"Key": k, "Value": v} for k, v in self.names.tags(app_id, slug).items()]

    def register_task_definition(self, app_id: str, slug: str, secret_arn: str) -> str:
        """Copy the template's latest revision into the app's family with its NODE_ID and PORT,
        and DATABASE_URL from the node's own secret (``secret_arn``) in place of the template's."""
        config = self.config
        template = self.ecs.describe_task_definition(taskDefinition=config.task_definition_family)[
            "taskDefinition"
        ]
        containers = template["containerDefinitions"]
        names = [c["name"] for c in containers]
        if config.container_name not in names:
            raise ConfigError(
                f"template {template['taskDefinitionArn']} has no container "
                f"'{config.container_name}' (it has: {', '.join(names)})"
            )
        for container in containers:
            if container["name"] != config.container_name:
                continue
            env = {e["name"]: e["value"] for e in container.get("environment", [])}
            env.update({"NODE_ID": slug, "PORT": str(config.container_port)})
            env.pop(DATABASE_URL, None)  # a secret, never a plain value
            container["environment"] = [{"name": k, "value": v} for k, v in sorted(env.items())]
            secrets = [s for s in container.get("secrets", []) if s["name"] != DATABASE_URL]
            secrets.append({"name": DATABASE_URL, "valueFrom": database_url_secret(secret_arn)})
            container["secrets"] = secrets
        request: dict[str, Any] = {
            "family": self.names.family(slug),
            "containerDefinitions": containers,
            "tags": self._ecs_tags(app_id, slug),
        }
        for key in _TEMPLATE_KEYS:
            if template.get(key) not in (None, [], {}):
                request[key] = template[key]
        return self.ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]

    def create_target_group(self, app_id: str, slug: str) -> str:
        response = self.elbv2.create_target_group(
            Name=self.names.target_group_name(slug),
            Protocol="HTTP",
            Port=self.config.container_port,
            VpcId=self.config.vpc_id,
            TargetType="ip",
            HealthCheckProtocol="HTTP",
            HealthCheckPath=HEALTH_CHECK_PATH,
            Matcher={"HttpCode": HEALTH_CHECK_MATCHER},
            Tags=self._elb_tag_list(app_id, slug),
        )
        return response["TargetGroups"][0]["TargetGroupArn"]

    def _free_priorities(self, slug: str) -> Iterator[int]:
        used = {int(r["Priority"]) for r in self.rules() if str(r.get("Priority")).isdigit()}
        start = int(digest(slug), 16) % MAX_RULE_PRIORITY
        for offset in range(MAX_RULE_PRIORITY):
            priority = (start + offset) % MAX_RULE_PRIORITY + 1
            if priority not in used:
                yield priority

    def create_rule(self, app_id: str, slug: str, target_group_arn: str) -> str:
        # A concurrent `up` may take the same priority: try the next free ones.
        host = self.names.host(slug)
        for attempt, priority in enumerate(self._free_priorities(slug)):
            try:
                response = self.elbv2.create_rule(
                    ListenerArn=self.config.listener_arn,
                    Priority=priority,
                    Conditions=[{"Field": "host-header", "HostHeaderConfig": {"Values": [host]}}],
                    Actions=[{"Type": "forward", "TargetGroupArn": target_group_arn}],
                    Tags=self._elb_tag_list(app_id, slug),
                )
                return response["Rules"][0]["RuleArn"]
            except ClientError as exc:
                if error_code(exc) != "PriorityInUse" or attempt >= 4:
                    raise
        raise NodeError("the listener has no free rule priority left")

    def create_service(self, app_id: str, slug: str, task_definition_arn: str, tg: str) -> str:
        config = self.config
        response = self.ecs.create_service(
            cluster=config.cluster_name,
            serviceName=self.names.service_name(slug),
            taskDefinition=task_definition_arn,
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": list(config.subnet_ids),
                    "securityGroups": [config.security_group_id],
                    "assignPublicIp": "DISABLED",
                }
            },
            loadBalancers=[
                {
                    "targetGroupArn": tg,
                    "containerName": config.container_name,
                    "containerPort": config.container_port,
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
            tags=self._ecs_tags(app_id, slug),
        )
        return response["service"]["serviceArn"]

    # removing -------------------------------------------------------------------------------------

    def delete_service(self, slug: str) -> None:
        try:
            self.ecs.delete_service(
                cluster=self.config.cluster_name, service=self.names.service_name(slug), force=True
            )
        except ClientError as exc:
            _ignoring(exc, "ServiceNotFoundException", "ServiceNotActiveException")

    def delete_rule(self, rule_arn: str) -> None:
        try:
            self.elbv2.delete_rule(RuleArn=rule_arn)
        except ClientError as exc:
            _ignoring(exc, "RuleNotFound", "RuleNotFoundException")

    def delete_target_group(self, target_group_arn: str) -> None:
        try:
            self.elbv2.delete_target_group(TargetGroupArn=target_group_arn)
        except ClientError as exc:
            _ignoring(exc, "TargetGroupNotFound", "TargetGroupNotFoundException")

    def deregister_task_definitions(self, arns: Iterable[str]) -> None:
        arns = list(arns)
        for arn in arns:
            self.ecs.deregister_task_definition(taskDefinition=arn)
        if arns:
            # Deregistered revisions stay INACTIVE forever unless deleted.
            self.ecs.delete_task_definitions(taskDefinitions=arns)
