"""The operations: up, down, status, list and reconcile, with the rollback of a failed ``up``.

Work on one app's node is serialized by a lock on its dataset item (:mod:`node_manager.store`):
``up``, ``down`` and a fixing ``reconcile`` take it first and release it last, so a second caller
is refused (:class:`NodeBusyError`, 409) instead of racing. ``up`` creates whatever is missing
(the node's database secret, then its database role through the role function, then task
definition, target group, host rule, service), waits for the service to be stable, then writes
the node's host name on the item; any failure undoes, in reverse, what this call created and
leaves the claim untouched. ``down`` deletes the service first (a node without its service is
visibly stopping, whatever the item says), then clears the item, then removes the rule, target
group, task definitions, the database role's login and the database secret
(:mod:`node_manager.removal`).

``reconcile`` decides from the resources and their tags, never from the item alone: a complete
node tagged as an app's is that app's node, so an item that disagrees gets its claim restored;
a complete node whose app's item is gone is reported and removed only on request
(``remove_orphans``); incomplete nodes and resources without an app tag are removed by ``fix``.
It leaves alone what is locked or younger than the wait timeout (an ``up`` may still be waiting
for it) and never starts nodes. Progress goes to the log and to an optional callback.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from node_manager.database import NodeDatabase
from node_manager.errors import (
    BadRequestError,
    NodeError,
    SlugCollisionError,
    UnknownAppError,
)
from node_manager.naming import Names, slugify
from node_manager.reconcile import Reconciling
from node_manager.removal import Removing
from node_manager.resources import AwsResources
from node_manager.results import NodeResources, NodeStatus
from node_manager.store import ClaimStore, Lock, claim_of

# The waiters are importable from here, where the handler and the CLI have always found them.
from node_manager.waiting import no_wait, wait_services_stable

logger = logging.getLogger(__name__)

DEFAULT_WAIT_TIMEOUT = 600
# A lock outlives the longest wait by this much: the work around the wait (creating, rolling
# back) fits in it, so a live operation never loses its lock; a crashed one frees it by expiry.
LOCK_MARGIN_SECONDS = 300

Progress = Callable[[str], None]
Waiter = Callable[[Any, str, str, float], None]
Undo = list[tuple[str, Callable[[], None]]]


def now() -> float:
    """The time, in epoch seconds (what lock expiries and resource ages are measured in)."""
    return time.time()


def perform(manager: NodeManager, request: Any) -> Any:
    """Run a :class:`~node_manager.request.Request` on ``manager``; its result as JSON values."""
    if request.action == "up":
        return manager.up(request.app).to_dict()
    if request.action == "down" and request.all_apps:
        return manager.down_all()
    if request.action == "down":
        return manager.down(request.app, drop_database=request.drop_database).to_dict()
    if request.action == "status":
        return manager.status(request.app).to_dict()
    if request.action == "list":
        return [status.to_dict() for status in manager.list()]
    if request.action == "reconcile":
        findings = manager.reconcile(fix=request.fix, remove_orphans=request.remove_orphans)
        return [finding.to_dict() for finding in findings]
    raise ValueError(f"unknown action {request.action!r}")


class NodeManager(Reconciling, Removing):
    """Start, stop, inspect and reconcile the per-app PyGrid nodes of one environment.

    ``secretsmanager`` keeps the nodes' database secrets; ``lambda_client`` invokes the role
    function, and is needed only when the configuration names one.
    """

    def __init__(
        self,
        config: Any,
        *,
        ecs: Any,
        elbv2: Any,
        dynamodb: Any,
        secretsmanager: Any = None,
        lambda_client: Any = None,
        waiter: Waiter = wait_services_stable,
        wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
        progress: Progress | None = None,
        min_age: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        self.names = Names.of(config)
        self.database = NodeDatabase(config, secretsmanager, lambda_client)
        self.resources = AwsResources(config, ecs, elbv2, self.database)
        self.claims = ClaimStore(dynamodb, config.dataset_table_name)
        self.ecs = ecs
        self.waiter = waiter
        self.wait_timeout = wait_timeout
        # reconcile leaves nodes younger than this alone: an up may still be waiting for them
        self.min_age = wait_timeout if min_age is None else min_age
        self.lock_duration = wait_timeout + LOCK_MARGIN_SECONDS
        self._clock = clock
        self._progress = progress

    def _now(self) -> float:
        return (self._clock or now)()

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

    @contextmanager
    def _locked(self, app_id: str, action: str) -> Iterator[Lock | None]:
        """Hold the app's lock for the block (None: the app has no item, so nothing to lock).

        :class:`NodeBusyError` when another call holds it; released however the block ends.
        """
        lock = self.claims.acquire(
            app_id, uuid.uuid4().hex, action, self._now(), self.lock_duration
        )
        try:
            yield lock
        finally:
            if lock is not None and not self.claims.release(lock):
                logger.warning(
                    "the lock was no longer this call's to release",
                    extra={"app_id": app_id, "action": action},
                )

    # up -------------------------------------------------------------------------------------------

    def up(self, app_id: str) -> NodeStatus:
        """Start (or find) the app's node, wait until it is stable, then record it on the item."""
        slug = slugify(app_id)
        with self._locked(app_id, "up") as lock:
            if lock is None:
                raise UnknownAppError(
                    f"no dataset item '{app_id}' in {self.config.dataset_table_name}: "
                    "register the app before starting its node; nothing was created"
                )
            changed = self._up(app_id, slug, lock)
        status = self.status(app_id)
        status.changed = changed
        return status

    def _up(self, app_id: str, slug: str, lock: Lock) -> list[str]:
        """The work of :meth:`up`, under the app's lock; returns what it created."""
        names, resources = self.names, self.resources
        found = self.find(slug)
        self._check_owner(found, app_id)
        if found.service_status == "DRAINING":
            raise NodeError(
                f"service {names.service_name(slug)} is still draining from a previous down; "
                "retry once it is gone"
            )
        if found.service_arn and found.secret_arn is None:
            raise NodeError(
                f"service {names.service_name(slug)} runs without its database secret "
                f"{names.secret_name(slug)}: stop it with down, then up again"
            )

        undo: Undo = []
        try:
            secret_arn = found.secret_arn
            if secret_arn is None:
                self._say(f"creating database secret {names.secret_name(slug)}", app_id=app_id)
                secret_arn = self.database.create_secret(app_id, slug)
                undo.append(("database secret", lambda: self.database.delete_secret(secret_arn)))
            if self.database.provisioning:
                self._role_up(app_id, slug, fresh=found.secret_arn is None, undo=undo)

            # A new secret has a new ARN: earlier revisions point at none that exists.
            if found.task_definition_arns and found.secret_arn is not None:
                task_definition = found.task_definition_arns[-1]
            else:
                self._say(f"registering task definition {names.family(slug)}", app_id=app_id)
                task_definition = resources.register_task_definition(app_id, slug, secret_arn)
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
            self._say(f"recording {names.host(slug)} on dataset item '{app_id}'", app_id=app_id)
            self.claims.set(app_id, names.host(slug), lock)
        except BaseException as exc:
            self._rollback(undo, exc)
            raise
        return [what for what, _ in undo]

    def _role_up(self, app_id: str, slug: str, fresh: bool, undo: Undo) -> None:
        """Ask the role function for the node's role and database; the undo goes on ``undo``.

        The rollback drops the database only if this call created it, and takes the role down
        only if this call made the secret or the role (never a running node's).
        """
        function = self.config.database_role_function
        self._say(f"asking {function} for the database role of {slug}", app_id=app_id)
        try:
            answer = self.database.role_up(slug)
        except BaseException:
            if fresh:  # the function may have made the role before it failed
                undo.append(("database role", lambda: self.database.role_down(slug)))
            raise
        created = bool(answer.get("database_created"))
        if fresh or answer.get("role_created") or created:
            undo.append(("database role", lambda: self.database.role_down(slug, created)))

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
            except (ClientError, BotoCoreError, NodeError) as exc:
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

    def down(self, app_id: str, drop_database: bool = False) -> NodeStatus:
        """Delete the app's service, clear its item, then remove the rest of its node.

        Unknown app: error, nothing touched. The service goes first so that a down cut short
        leaves a node without its service, which reconcile removes, rather than a complete node
        with a cleared item, which reconcile would restore. The node's database is kept (its
        role without login) unless ``drop_database``.
        """
        if drop_database and not self.database.provisioning:
            raise BadRequestError(
                "'drop_database' needs the role function, which this environment does not run:"
                " nothing was touched"
            )
        slug = slugify(app_id)
        with self._locked(app_id, "down") as lock:
            _, item, found = self._lookup(app_id, "; nothing was touched")
            changed = self._remove_service(found)
            has_node, node_url = claim_of(item)
            if item is not None and (has_node or node_url is not None):
                self._say(f"clearing hasNode/nodeURL on dataset item '{app_id}'", app_id=app_id)
                if self.claims.clear(app_id, lock):
                    changed.append("item")
            changed.extend(self._remove_rest(found, drop_database))
        if not changed:
            self._say(f"app '{app_id}' has no node; nothing to do", app_id=app_id)
        status = self._status(app_id, slug, self.claims.get(app_id), NodeResources(slug=slug))
        status.changed = changed
        return status

    def down_all(self) -> list[dict[str, Any]]:
        """Stop every node of the environment, one app at a time (each under its own lock).

        One app's failure does not stop the others: each gets an entry, ``ok`` or not.
        """
        results: list[dict[str, Any]] = []
        for slug, found in sorted(self.resources.inventory().items()):
            entry: dict[str, Any] = {"app_id": found.app_id, "slug": slug}
            if found.app_id is None:
                entry.update(
                    ok=False,
                    error="NodeError",
                    message=f"node {slug} carries no app_id tag: remove it with reconcile --fix",
                )
                results.append(entry)
                continue
            self._say(f"stopping the node of '{found.app_id}'", app_id=found.app_id)
            try:
                status = self.down(found.app_id)
            except (NodeError, ClientError, BotoCoreError) as exc:
                message = "; ".join([str(exc), *getattr(exc, "__notes__", [])])
                self._say(f"could not stop '{found.app_id}': {message}", app_id=found.app_id)
                entry.update(ok=False, error=type(exc).__name__, message=message)
            else:
                entry.update(ok=True, state=status.state, changed=status.changed)
            results.append(entry)
        return results

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
            host=self.names.host(slug),
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
