"""What the operations answer: a node's resources, its status, and reconcile's findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


def _epoch(value: Any) -> float | None:
    """A timestamp as botocore returns it (datetime) or as JSON carries it (number), in seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


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
    # The node's database secret (its role's credentials and DATABASE_URL).
    secret_arn: str | None = None
    # Epoch seconds of the newest creation time known (service, deployment, task definition,
    # database secret): reconcile leaves a node younger than the wait timeout alone. Target
    # groups and listener rules carry no creation time in their APIs.
    created_at: float | None = None

    def saw_creation(self, *timestamps: Any) -> None:
        """Keep the newest of ``timestamps`` (datetimes or epoch seconds; others are ignored)."""
        known = [t for t in (_epoch(v) for v in timestamps) if t is not None]
        if self.created_at is not None:
            known.append(self.created_at)
        self.created_at = max(known) if known else None

    def age(self, now: float) -> float | None:
        """Seconds since the newest known creation; None when no part says when it was made."""
        return None if self.created_at is None else now - self.created_at

    @property
    def empty(self) -> bool:
        return not (
            self.service_arn
            or self.target_group_arn
            or self.rule_arn
            or self.task_definition_arns
            or self.secret_arn
        )

    @property
    def complete(self) -> bool:
        return bool(
            self.service_arn
            and self.service_status == "ACTIVE"
            and self.target_group_arn
            and self.rule_arn
            and self.task_definition_arns
            and self.secret_arn
        )

    def missing(self) -> list[str]:
        """The parts a complete node has and this one lacks."""
        return [
            name
            for name, present in (
                ("service", self.service_arn and self.service_status == "ACTIVE"),
                ("rule", self.rule_arn),
                ("target group", self.target_group_arn),
                ("task definition", self.task_definition_arns),
                ("database secret", self.secret_arn),
            )
            if not present
        ]

    def take_service(self, service: Mapping[str, Any]) -> None:
        self.service_arn = service["serviceArn"]
        self.service_status = service.get("status")
        self.desired_count = int(service.get("desiredCount", 0))
        self.running_count = int(service.get("runningCount", 0))
        deployments: Iterable[Mapping[str, Any]] = service.get("deployments") or []
        self.saw_creation(service.get("createdAt"), *(d.get("createdAt") for d in deployments))


@dataclass
class NodeStatus:
    app_id: str
    slug: str
    url: str  # where an operator reaches the node: <scheme>://<host>
    host: str  # what the item's nodeURL holds once the node is up
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
    # What --fix does about it: remove | restore-claim | clear-claim | remove-and-unclaim |
    # remove-orphan (only with remove_orphans: a complete node of a deleted app).
    remedy: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
