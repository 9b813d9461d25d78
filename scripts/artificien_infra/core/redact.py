"""Sensitive values out of every plan document the wrapper writes.

``terraform show -json`` prints sensitive values in plain text next to a mask that says which
ones they are. The wrapper writes plan JSON to build/ (checkov reads it, CI keeps it as an
artifact), so the values are replaced by a marker first, following those masks.
"""

from __future__ import annotations

from typing import Any

MARK = "(sensitive)"


def mask(value: Any, sensitive: Any) -> Any:
    if sensitive is True:
        return MARK
    if isinstance(value, dict) and isinstance(sensitive, dict):
        return {k: mask(v, sensitive.get(k)) for k, v in value.items()}
    if isinstance(value, list) and isinstance(sensitive, list):
        return [mask(v, sensitive[i] if i < len(sensitive) else None) for i, v in enumerate(value)]
    return value


def _module_values(module: dict | None) -> None:
    if not module:
        return
    for resource in module.get("resources", []):
        resource["values"] = mask(resource.get("values"), resource.get("sensitive_values"))
    for child in module.get("child_modules", []):
        _module_values(child)


def _outputs(outputs: dict | None) -> None:
    for output in (outputs or {}).values():
        if output.get("sensitive"):
            output["value"] = MARK


def redact_plan(document: dict) -> dict:
    """Mask, in place, every sensitive value of a plan document; returns it."""
    for key in ("resource_changes", "resource_drift"):
        for change in document.get(key) or []:
            body = change.get("change", {})
            for side in ("before", "after"):
                body[side] = mask(body.get(side), body.get(f"{side}_sensitive"))
    for change in (document.get("output_changes") or {}).values():
        for side in ("before", "after"):
            change[side] = mask(change.get(side), change.get(f"{side}_sensitive"))
    for section in ("planned_values", "prior_state"):
        values = document.get(section, {})
        values = values.get("values", values) if section == "prior_state" else values
        _module_values(values.get("root_module"))
        _outputs(values.get("outputs"))
    declared = document.get("configuration", {}).get("root_module", {}).get("variables", {})
    for name, variable in (document.get("variables") or {}).items():
        if declared.get(name, {}).get("sensitive"):
            variable["value"] = MARK
    return document
