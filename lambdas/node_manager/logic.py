"""The operations: up, down, status, list and reconcile, with the rollback of a failed ``up``.

``up`` creates whatever is missing (task definition, target group, host rule, service), waits for
the service to be stable, then writes the claim on the item; any failure undoes, in reverse, what
this call created and leaves the item untouched. ``down`` clears the item first, then removes the
service, rule, target group and task definitions. Either way an interrupted run can only leave a
node that no item claims, which ``reconcile`` reports and (with ``fix=True``) removes;
``reconcile`` never starts nodes. Progress goes to the log and to an optional callback.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import ClientError, WaiterError

from node_manager.errors import NodeError, NodeNotStableError, SlugCollisionError, UnknownAppError
from node_manager.naming import Names, slugify
from node_manager.resources import AwsResources
from node_manager.results import Finding, NodeResources, NodeStatus
from node_manager.store import DATASET_KEY, ClaimStore, claim_of

logger = logging.getLogger(__name__)

DEFAULT_WAIT_TIMEOUT = 600

Progress = Callable[[str], None]
Waiter = Callable[[Any, str, str, float], None]


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
    """Waiter that returns at once: the caller polls ``status`` (and the emulator runs no tasks)."""


def perform(manager: NodeManager, request: Any) -> Any:
    """Run a :class:`~node_manager.request.Request` on ``manager``; its result as JSON values."""
    if request.action == "up":
        return manager.up(request.app).to_dict()
    if request.action == "down":
        return manager.down(request.app).to_dict()
    if request.action == "status":
        return manager.status(request.app).to_dict()
    if request.action == "list":
        return [status.to_dict() for status in manager.list()]
    if request.action == "reconcile":
        return [finding.to_dict() for finding in manager.reconcile(fix=request.fix)]
    raise ValueError(f"unknown action {request.action!r}")


class NodeManager:
    """Start, stop, inspect and reconcile the per-app PyGrid nodes of one environment."""

    def __init__(
        self,
        config: Any,
        *,
        ecs: Any,
        elbv2: Any,
        dynamodb: Any,
        waiter: Waiter = wait_services_stable,
        wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.names = Names.of(config)
        self.resources = AwsResources(config, ecs, elbv2)
        self.claims = ClaimStore(dynamodb, config.dataset_table_name)
        self.ecs = ecs
        self.waiter = waiter
        self.wait_timeout = wait_timeout
        self._progress = progress

    def _say(self, message: str, **context: Any) -> None:
        logger.info(message, extra=context)
        if self._progress is not None:
            self._progress(message)

    def find(self, slug: str) -> NodeResources:
        """The resources that exist for ``slug`` (the app id comes from their tags)."""
        return self.resources.find(slug)

    def _check_owner(self, found: NodeResources, app_id: str) -> None:
        if found.app_id is not None and found.app_id != app_id:
            raise SlugCollisionError(
                f"app '{app_id}' and app '{found.app_id}' both map to the host name "
                f"'{self.names.host(found.slug)}'; rename one of them (slugs must be unique)"
            )

    def _remove(self, found: NodeResources) -> list[str]:
        """Remove a node's resources in dependency order; returns what was removed."""
        names, resources, slug = self.names, self.resources, found.slug
        removed: list[str] = []
        if found.service_arn:
            self._say(f"deleting service {names.service_name(slug)}", slug=slug)
            resources.delete_service(slug)
            removed.append("service")
        if found.rule_arn:
            self._say(f"deleting listener rule for {names.host(slug)}", slug=slug)
            resources.delete_rule(found.rule_arn)
            removed.append("rule")
        if found.target_group_arn:
            self._say(f"deleting target group {names.target_group_name(slug)}", slug=slug)
            resources.delete_target_group(found.target_group_arn)
            removed.append("target group")
        if found.task_definition_arns:
            self._say(f"deregistering task definition family {names.family(slug)}", slug=slug)
            resources.deregister_task_definitions(found.task_definition_arns)
            removed.append("task definition")
        return removed

    # up -------------------------------------------------------------------------------------------

    def up(self, app_id: str) -> NodeStatus:
        """Start (or find) the app's node, wait until it is stable, then record it on the item."""
        slug = slugify(app_id)
        names, resources = self.names, self.resources
        if self.claims.get(app_id) is None:
            raise UnknownAppError(
                f"no dataset item '{app_id}' in {self.config.dataset_table_name}: "
                "register the app before starting its node; nothing was created"
            )
        found = self.find(slug)
        self._check_owner(found, app_id)
        if found.service_status == "DRAINING":
            raise NodeError(
                f"service {names.service_name(slug)} is still draining from a previous down; "
                "retry once it is gone"
            )

        undo: list[tuple[str, Callable[[], None]]] = []
        try:
            if found.task_definition_arns:
                task_definition = found.task_definition_arns[-1]
            else:
                self._say(f"registering task definition {names.family(slug)}", app_id=app_id)
                task_definition = resources.register_task_definition(app_id, slug)
                undo.append(
                    (
                        "task definition",
                        lambda: resources.deregister_task_definitions([task_definition]),
                    )
                )

            target_group = found.target_group_arn
            if target_group is None:
                self._say(f"creating target group {names.target_group_name(slug)}", app_id=app_id)
                target_group = resources.create_target_group(app_id, slug)
                undo.append(("target group", lambda: resources.delete_target_group(target_group)))

            if found.rule_arn is None:
                self._say(f"creating listener rule for {names.host(slug)}", app_id=app_id)
                rule = resources.create_rule(app_id, slug, target_group)
                undo.append(("rule", lambda: resources.delete_rule(rule)))

            if found.service_arn is None:
                self._say(f"creating service {names.service_name(slug)}", app_id=app_id)
                resources.create_service(app_id, slug, task_definition, target_group)
                undo.append(("service", lambda: resources.delete_service(slug)))

            self._wait(app_id, slug)
            self._say(f"recording {names.url(slug)} on dataset item '{app_id}'", app_id=app_id)
            self.claims.set(app_id, names.url(slug))
        except BaseException as exc:
            self._rollback(undo, exc)
            raise

        status = self.status(app_id)
        status.changed = [what for what, _ in undo]
        return status

    def _wait(self, app_id: str, slug: str) -> None:
        if self.waiter is no_wait:
            return
        service = self.names.service_name(slug)
        self._say(
            f"waiting up to {self.wait_timeout:.0f} s for {service} to be stable", app_id=app_id
        )
        self.waiter(self.ecs, self.config.cluster_name, service, self.wait_timeout)

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
                logger.error("rollback step failed", extra={"step": what})
        if failures:
            cause.add_note("rollback incomplete, run reconcile --fix: " + "; ".join(failures))

    # down, status, list ---------------------------------------------------------------------------

    def _lookup(
        self, app_id: str, unknown_note: str = ""
    ) -> tuple[str, dict[str, Any] | None, NodeResources]:
        """The app's slug, item and node; :class:`UnknownAppError` when it has neither."""
        slug = slugify(app_id)
        item = self.claims.get(app_id)
        found = self.find(slug)
        self._check_owner(found, app_id)
        if item is None and found.empty:
            raise UnknownAppError(
                f"unknown app '{app_id}': no dataset item and no node{unknown_note}"
            )
        return slug, item, found

    def down(self, app_id: str) -> NodeStatus:
        """Clear the app's item, then remove its node. Unknown app: error, nothing touched."""
        slug, item, found = self._lookup(app_id, "; nothing was touched")
        changed: list[str] = []
        has_node, node_url = claim_of(item)
        if item is not None and (has_node or node_url is not None):
            self._say(f"clearing hasNode/nodeURL on dataset item '{app_id}'", app_id=app_id)
            if self.claims.clear(app_id):
                changed.append("item")
        changed.extend(self._remove(found))
        if not changed:
            self._say(f"app '{app_id}' has no node; nothing to do", app_id=app_id)
        status = self._status(app_id, slug, self.claims.get(app_id), NodeResources(slug=slug))
        status.changed = changed
        return status

    def _status(
        self, app_id: str, slug: str, item: Mapping[str, Any] | None, found: NodeResources
    ) -> NodeStatus:
        has_node, node_url = claim_of(item)
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
            url=self.names.url(slug),
            state=state,
            item_exists=item is not None,
            item_has_node=has_node,
            item_node_url=node_url,
            resources=found,
        )

    def status(self, app_id: str) -> NodeStatus:
        """What exists for the app, and what its dataset item says."""
        return self._status(app_id, *self._lookup(app_id))

    def list(self) -> list[NodeStatus]:
        """Every node of the environment with its dataset item's claim, sorted by slug."""
        result = []
        for slug, found in sorted(self.resources.inventory().items()):
            item = self.claims.get(found.app_id) if found.app_id is not None else None
            result.append(self._status(found.app_id or "", slug, item, found))
        return result

    # reconcile ------------------------------------------------------------------------------------

    def reconcile(self, fix: bool = False) -> list[Finding]:
        """Compare nodes with dataset items; with ``fix`` remove unclaimed nodes, clear bad claims.

        * ``unclaimed-node``: a node whose app has no item, or whose item does not claim it
          (an interrupted up or down) -> removed.
        * ``incomplete-node``: a claimed node missing one of its parts -> removed and unclaimed.
        * ``dangling-claim``: an item with hasNode/nodeURL but no node -> cleared.
        """
        findings: list[Finding] = []
        inventory = self.resources.inventory()
        for slug, found in sorted(inventory.items()):
            finding = self._check_node(slug, found, fix)
            if finding is not None:
                findings.append(finding)

        nodes_by_app = {n.app_id for n in inventory.values() if n.app_id is not None}
        for item in self.claims.claiming():
            app_id = item[DATASET_KEY]["S"]
            if app_id in nodes_by_app:
                continue
            has_node, node_url = claim_of(item)
            finding = Finding(
                "dangling-claim",
                app_id,
                None,
                f"item claims a node that does not exist (hasNode={has_node}, nodeURL={node_url})",
            )
            if fix:
                self._say(f"clearing the claim of '{app_id}'", app_id=app_id)
                self.claims.clear(app_id)
                finding.fixed = True
            findings.append(finding)
        return findings

    def _check_node(self, slug: str, found: NodeResources, fix: bool) -> Finding | None:
        """The finding about one existing node, fixed when asked; None when it is consistent."""
        app_id = found.app_id
        item = self.claims.get(app_id) if app_id is not None else None
        has_node, node_url = claim_of(item)
        if item is None or not has_node or node_url != self.names.url(slug):
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
            return finding
        if found.complete:
            return None
        finding = Finding(
            "incomplete-node", app_id, slug, f"claimed node lacks {', '.join(found.missing())}"
        )
        if fix and app_id is not None:
            self._say(f"removing incomplete node {slug} and its claim", slug=slug)
            self.claims.clear(app_id)
            self._remove(found)
            finding.fixed = True
        return finding
