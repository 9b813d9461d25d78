"""Plan JSON (``terraform show -json``) to a per-module summary: what a reviewer reads first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

ROOT = "(root)"
COLUMNS = ("add", "change", "replace", "destroy")
DRIFT_COLUMNS = ("changed outside", "deleted outside")


def _component(module_address: str | None) -> str:
    """``module.cognito.module.function`` -> ``cognito``; resources of the root -> ``(root)``."""
    if not module_address:
        return ROOT
    parts = module_address.split(".")
    name = parts[1] if len(parts) > 1 else module_address
    return name.split("[")[0]


def classify(actions: Iterable[str]) -> str | None:
    acts = list(actions)
    if acts in (["create", "delete"], ["delete", "create"]):
        return "replace"
    if acts == ["create"]:
        return "add"
    if acts == ["update"]:
        return "change"
    if acts == ["delete"]:
        return "destroy"
    return None  # no-op, read


@dataclass
class PlanSummary:
    counts: dict[str, Counter] = field(default_factory=dict)
    addresses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def totals(self) -> Counter:
        total: Counter = Counter()
        for counter in self.counts.values():
            total.update(counter)
        return total

    @property
    def has_changes(self) -> bool:
        return any(self.totals.values())


def summarize(plan: dict, key: str = "resource_changes") -> PlanSummary:
    """Count changes per component. ``key="resource_drift"`` summarizes drift instead."""
    summary = PlanSummary()
    for change in plan.get(key) or []:
        kind = classify(change.get("change", {}).get("actions", []))
        if kind is None:
            continue
        if key == "resource_drift":
            kind = "deleted outside" if kind == "destroy" else "changed outside"
        component = _component(change.get("module_address"))
        summary.counts.setdefault(component, Counter())[kind] += 1
        summary.addresses.setdefault(component, []).append(f"{kind}: {change.get('address')}")
    return summary


def render(
    summary: PlanSummary, title: str, console: Console, columns: tuple[str, ...] = COLUMNS
) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("component")
    for column in columns:
        table.add_column(column, justify="right")
    for component in sorted(summary.counts):
        counter = summary.counts[component]
        table.add_row(component, *(str(counter[c]) if counter[c] else "·" for c in columns))
    totals = summary.totals
    table.add_row("[bold]total[/bold]", *(f"[bold]{totals[c]}[/bold]" for c in columns))
    console.print(table)


def markdown(summary: PlanSummary, title: str, columns: tuple[str, ...] = COLUMNS) -> str:
    lines = [f"### {title}", "", "| component | " + " | ".join(columns) + " |"]
    lines.append("|---|" + "---:|" * len(columns))
    for component in sorted(summary.counts):
        counter = summary.counts[component]
        lines.append(f"| {component} | " + " | ".join(str(counter[c]) for c in columns) + " |")
    totals = summary.totals
    lines.append("| **total** | " + " | ".join(f"**{totals[c]}**" for c in columns) + " |")
    return "\n".join(lines) + "\n"
