"""Removing a node's resources, in dependency order: what ``down`` and ``reconcile --fix`` share.

A mixin of :class:`node_manager.logic.NodeManager` (it uses the manager's names, resources,
database and progress helpers). The service goes first (see ``down``); the database secret goes
last, after its role has lost its login, so a removal cut short never leaves a secret whose
password no longer works next to a node that still needs it, nor a role that still logs in
without its secret.
"""

from __future__ import annotations

from node_manager.results import NodeResources


class Removing:
    """The removal steps of :class:`~node_manager.logic.NodeManager`."""

    def _remove_service(self, found: NodeResources) -> list[str]:
        if not found.service_arn:
            return []
        self._say(f"deleting service {self.names.service_name(found.slug)}", slug=found.slug)
        self.resources.delete_service(found.slug)
        return ["service"]

    def _remove_rest(self, found: NodeResources, drop_database: bool = False) -> list[str]:
        """Everything of a node but its service, in dependency order; returns what was removed.

        The role function is asked for ``node_down`` whenever the node had a secret (its role
        may still log in) or its database is to be dropped.
        """
        names, resources, database, slug = self.names, self.resources, self.database, found.slug
        removed: list[str] = []
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
        if database.provisioning and (found.secret_arn or drop_database):
            kept = "dropping" if drop_database else "keeping"
            self._say(f"taking the database role of {slug} down, {kept} its database", slug=slug)
            database.role_down(slug, drop_database)
            removed.append("database role")
        if found.secret_arn:
            self._say(f"deleting database secret {names.secret_name(slug)}", slug=slug)
            database.delete_secret(found.secret_arn)
            removed.append("database secret")
        return removed

    def _remove(self, found: NodeResources) -> list[str]:
        """Remove a node's resources in dependency order (its database kept); what was removed."""
        return self._remove_service(found) + self._remove_rest(found)
