"""``reconcile``: the nodes (their resources and tags) compared with the dataset items' claims.

A mixin of :class:`node_manager.logic.NodeManager`, apart because it is a concern of its own: it
decides from the resources and their tags, never from the item alone, leaves alone what is locked
or younger than the wait timeout and never starts nodes. It uses the manager's lock, removal and
progress helpers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from node_manager.errors import NodeError
from node_manager.naming import slugify
from node_manager.results import Finding, NodeResources
from node_manager.store import DATASET_KEY, Lock, claim_of, lock_of


class Reconciling:
    """The reconcile operation of :class:`~node_manager.logic.NodeManager`."""

    # reconcile ------------------------------------------------------------------------------------

    def reconcile(self, fix: bool = False, remove_orphans: bool = False) -> list[Finding]:
        """Compare the nodes (their resources and tags) with the dataset items' claims.

        * ``unclaimed-node``: a node no item claims. Complete and its app's item exists: the
          node's tags say whose it is, so ``fix`` restores the claim (``restore-claim``).
          Complete and the item is gone (a deleted app): removed only with ``fix`` and
          ``remove_orphans`` (``remove-orphan``). Incomplete, or without an app tag: removed.
        * ``incomplete-node``: a claimed node missing one of its parts -> removed and unclaimed.
        * ``dangling-claim``: an item with hasNode/nodeURL but no node -> cleared.

        Apps whose lock is held, and nodes younger than ``min_age`` (the wait timeout by
        default), are skipped with a progress line: an up or down is still at work on them.
        """
        findings: list[Finding] = []
        inventory = self.resources.inventory()
        for slug, found in sorted(inventory.items()):
            finding = self._reconcile_node(slug, found, fix, remove_orphans)
            if finding is not None:
                findings.append(finding)

        nodes_by_app = {n.app_id for n in inventory.values() if n.app_id is not None}
        for item in self.claims.claiming():
            app_id = item[DATASET_KEY]["S"]
            if app_id in nodes_by_app or self._busy(app_id, item):
                continue
            finding = self._reconcile_claim(app_id, item, fix)
            if finding is not None:
                findings.append(finding)
        return findings

    def _busy(self, app_id: str, item: Mapping[str, Any] | None) -> bool:
        """True (and said) when another call holds the app's lock."""
        lock = lock_of(item)
        current = self._now()
        if lock is None or not lock.held_at(current):
            return False
        self._say(f"skipping '{app_id}': {lock.describe(current)}", app_id=app_id)
        return True

    def _too_young(self, found: NodeResources) -> bool:
        """True (and said) when the node is younger than ``min_age``."""
        age = found.age(self._now())
        if age is None or age >= self.min_age:
            return False
        self._say(
            f"skipping node {found.slug}: made {max(age, 0):.0f} s ago, younger than the "
            f"{self.min_age:.0f} s an up may wait for it",
            slug=found.slug,
        )
        return True

    def _judge(
        self, slug: str, found: NodeResources, item: Mapping[str, Any] | None
    ) -> Finding | None:
        """What is wrong with one node given its app's item; None when nothing is."""
        if found.empty:
            return None
        app_id = found.app_id
        if app_id is None:
            return Finding(
                "unclaimed-node", None, slug, "its resources carry no app_id tag", remedy="remove"
            )
        has_node, node_url = claim_of(item)
        if item is not None and has_node and node_url == self.names.host(slug):
            if found.complete:
                return None
            return Finding(
                "incomplete-node",
                app_id,
                slug,
                f"claimed node lacks {', '.join(found.missing())}",
                remedy="remove-and-unclaim",
            )
        why = (
            "no dataset item for this node"
            if item is None
            else f"dataset item does not claim it (hasNode={has_node}, nodeURL={node_url})"
        )
        if not found.complete:
            return Finding(
                "unclaimed-node",
                app_id,
                slug,
                f"{why}; it lacks {', '.join(found.missing())}",
                remedy="remove",
            )
        if item is None:
            return Finding(
                "unclaimed-node",
                app_id,
                slug,
                f"{why}: a complete node of a deleted app, removed only with --fix "
                "--remove-orphans",
                remedy="remove-orphan",
            )
        return Finding(
            "unclaimed-node",
            app_id,
            slug,
            f"{why}; the node is complete and tagged as this app's, so --fix restores the "
            "claim (an item never decides that a node goes)",
            remedy="restore-claim",
        )

    def _reconcile_node(
        self, slug: str, found: NodeResources, fix: bool, remove_orphans: bool
    ) -> Finding | None:
        """The finding about one existing node, fixed when asked; None when it is consistent."""
        if self._too_young(found):
            return None
        app_id = found.app_id
        item = self.claims.get(app_id) if app_id is not None else None
        if app_id is not None and self._busy(app_id, item):
            return None
        finding = self._judge(slug, found, item)
        if finding is None or not fix:
            return finding
        if finding.remedy == "remove-orphan" and not remove_orphans:
            return finding
        if app_id is None or item is None:
            # no item, so nothing to lock: no up can run for this app (it needs the item)
            return self._apply(finding, found, None)
        try:
            with self._locked(app_id, "reconcile") as lock:
                # Look again under the lock: an up or down may have finished in between.
                fresh_item = self.claims.get(app_id) if lock is not None else None
                fresh = self.find(slug)
                if self._too_young(fresh):
                    return None
                finding = self._judge(slug, fresh, fresh_item)
                if finding is None:
                    return None
                if finding.remedy == "remove-orphan" and not remove_orphans:
                    return finding
                return self._apply(finding, fresh, lock)
        except NodeError as exc:  # busy, or a slug collision surfaced by the fresh look
            self._say(f"skipping node {slug}: {exc}", slug=slug)
            return None

    def _apply(self, finding: Finding, found: NodeResources, lock: Lock | None) -> Finding:
        """Carry out ``finding.remedy`` on ``found``."""
        slug, app_id = found.slug, finding.app_id
        if finding.remedy == "restore-claim" and app_id is not None:
            self._say(f"restoring the claim of '{app_id}' on node {slug}", app_id=app_id)
            self.claims.set(app_id, self.names.host(slug), lock)
        elif finding.remedy == "remove-and-unclaim" and app_id is not None:
            self._say(f"removing incomplete node {slug} and its claim", slug=slug)
            self.claims.clear(app_id, lock)
            self._remove(found)
        else:
            self._say(f"removing {finding.kind} {slug}", slug=slug)
            self._remove(found)
        finding.fixed = True
        return finding

    def _reconcile_claim(self, app_id: str, item: Mapping[str, Any], fix: bool) -> Finding | None:
        """An item that claims a node no resource of its app backs: a dangling claim."""
        has_node, node_url = claim_of(item)
        finding = Finding(
            "dangling-claim",
            app_id,
            None,
            f"item claims a node that does not exist (hasNode={has_node}, nodeURL={node_url})",
            remedy="clear-claim",
        )
        if not fix:
            return finding
        try:
            with self._locked(app_id, "reconcile") as lock:
                if lock is None:
                    return None  # the item is gone: nothing left to clear
                if not self.find(slugify(app_id)).empty:
                    return None  # a node appeared meanwhile; the next reconcile judges it
                self._say(f"clearing the claim of '{app_id}'", app_id=app_id)
                self.claims.clear(app_id, lock)
        except NodeError as exc:
            self._say(f"skipping '{app_id}': {exc}", app_id=app_id)
            return None
        finding.fixed = True
        return finding
