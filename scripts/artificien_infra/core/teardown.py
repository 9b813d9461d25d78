"""Destroy an environment whose PyGrid nodes the node manager started outside Terraform.

A running node's ECS service holds the nodes' security group, and its listener rule and target
group hang on the shared load balancer, so Terraform cannot destroy those while a node exists.

The rule: a non-prod destroy stops every node (what ``nodes down --all`` does) once the operator
has confirmed the destroy and before Terraform applies it, so a destroy that is not confirmed
changes nothing; a prod destroy is refused while any node exists, naming them, before anything is
planned, so stopping prod's nodes is always its own deliberate step. An env with nothing deployed
(no state, no node-manager configuration in its outputs) has no nodes: the destroy goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from artificien_infra.core import deploy
from artificien_infra.core.config import Context
from artificien_infra.core.summary import PlanSummary
from artificien_infra.errors import UserError

PROD = "prod"


class NodesRunning(UserError):
    """PyGrid nodes that block the destroy: prod's (refused), or ones that could not be stopped."""


class Nodes(Protocol):
    """The env's nodes, through the node manager (the commands wire the real one)."""

    def names(self) -> list[str]:
        """Each node that exists, as the operator knows it (its app id, or its slug)."""
        ...

    def stop_all(self) -> list[dict[str, Any]]:
        """Stop every node; one entry per node with ``ok`` and, when not ok, ``message``."""
        ...


# The env's nodes from its Terraform outputs; None when they configure no node manager.
NodesFor = Callable[[Mapping[str, Any]], Nodes | None]


def refuse_prod_nodes(env: str, nodes: Nodes) -> None:
    running = nodes.names()
    if running:
        raise NodesRunning(
            f"refusing to destroy {env} while {len(running)} PyGrid node(s) run: "
            f"{', '.join(running)}; run `artificien-infra nodes down --all --env {env}` first"
        )


def stop_nodes(env: str, nodes: Nodes) -> list[dict[str, Any]]:
    results = nodes.stop_all()
    failed = [entry for entry in results if not entry.get("ok")]
    if failed:
        names = ", ".join(
            f"{entry.get('app_id') or entry.get('slug')!r} ({entry.get('message')})"
            for entry in failed
        )
        raise NodesRunning(
            f"{len(failed)} of {len(results)} PyGrid node(s) of {env} were not stopped, so "
            f"nothing was destroyed: {names}; run `artificien-infra nodes down --all --env {env}` "
            "again once they are free, then destroy"
        )
    return results


def destroy(
    ctx: Context,
    env: str,
    *,
    confirm: Callable[[PlanSummary], bool],
    nodes_for: NodesFor,
) -> PlanSummary:
    """Plan the destruction of ``env`` and apply it after ``confirm``, by the rule above."""
    nodes = nodes_for(deploy.read_outputs(env, ctx))
    if nodes is not None and env == PROD:
        refuse_prod_nodes(env, nodes)
    deploy.plan(ctx, env, destroy=True)

    def confirm_then_stop(summary: PlanSummary) -> bool:
        if not confirm(summary):
            return False
        if nodes is not None and env != PROD:
            stop_nodes(env, nodes)
        return True

    return deploy.apply(ctx, env, destroy=True, confirm=confirm_then_stop)
