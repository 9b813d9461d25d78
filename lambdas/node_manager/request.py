"""The function's event, validated: ``{"action", "app", "wait", "fix", "remove_orphans", "all",
"drop_database"}``.

``app`` is required by up, down and status and refused by list and reconcile; ``wait`` (default
false: return once the resources exist, the caller polls ``status``) applies to up only, ``fix``
(default false) to reconcile only, ``remove_orphans`` (default false: a complete node whose app's
item is gone is only reported) to a fixing reconcile only, and ``all`` (default false) to down
only, instead of ``app``: every node of the environment; ``drop_database`` (default false: the
node's database is kept for its next node) to one app's down only. Anything else is a
:class:`BadRequestError` naming the problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from node_manager.errors import BadRequestError

ACTIONS = ("up", "down", "status", "list", "reconcile")
APP_ACTIONS = frozenset({"up", "down", "status"})
MAX_APP_ID_LENGTH = 1024
_FLAGS = {
    "wait": "up",
    "fix": "reconcile",
    "remove_orphans": "reconcile",
    "all": "down",
    "drop_database": "down",
}
_KEYS = frozenset({"action", "app", *_FLAGS})


@dataclass(frozen=True)
class Request:
    action: str
    app: str | None = None
    wait: bool = False
    fix: bool = False
    remove_orphans: bool = False
    all_apps: bool = False
    drop_database: bool = False

    def to_event(self) -> dict[str, Any]:
        """The event that asks for this request (what the CLI sends to the function)."""
        event: dict[str, Any] = {"action": self.action}
        if self.app is not None:
            event["app"] = self.app
        if self.action == "up":
            event["wait"] = self.wait
        if self.action == "reconcile":
            event["fix"] = self.fix
        # Sent only when set, so a function that predates a flag still takes every other event.
        if self.remove_orphans:
            event["remove_orphans"] = True
        if self.all_apps:
            event["all"] = True
        if self.drop_database:
            event["drop_database"] = True
        return event


def _flag(event: Mapping[str, Any], name: str, action: str) -> bool:
    if name not in event:
        return False
    if _FLAGS[name] != action:
        raise BadRequestError(f"'{name}' applies only to action '{_FLAGS[name]}', not '{action}'")
    value = event[name]
    if not isinstance(value, bool):
        raise BadRequestError(f"'{name}' must be true or false, got {value!r}")
    return value


def parse_request(event: Any) -> Request:
    """The request in ``event``, or :class:`BadRequestError` saying what is wrong with it."""
    if not isinstance(event, Mapping):
        raise BadRequestError(f"the event must be a JSON object, got {type(event).__name__}")
    unknown = sorted(str(k) for k in event if k not in _KEYS)
    if unknown:
        raise BadRequestError(
            f"unknown field(s) {', '.join(unknown)}; expected {', '.join(sorted(_KEYS))}"
        )
    action = event.get("action")
    if action not in ACTIONS:
        raise BadRequestError(f"'action' must be one of {', '.join(ACTIONS)}, got {action!r}")
    app = event.get("app")
    all_apps = _flag(event, "all", action)
    if action in APP_ACTIONS and not all_apps:
        if not isinstance(app, str) or not app.strip():
            hint = " (or 'all': true)" if action == "down" else ""
            raise BadRequestError(
                f"action '{action}' needs 'app': the app id, a non-empty string{hint}"
            )
        if len(app) > MAX_APP_ID_LENGTH:
            raise BadRequestError(f"'app' is longer than {MAX_APP_ID_LENGTH} characters")
    elif app is not None:
        taken = "'all'" if all_apps else f"action '{action}'"
        raise BadRequestError(f"{taken} takes no 'app'")
    fix = _flag(event, "fix", action)
    remove_orphans = _flag(event, "remove_orphans", action)
    if remove_orphans and not fix:
        raise BadRequestError("'remove_orphans' needs 'fix': it says what a fix may remove")
    drop_database = _flag(event, "drop_database", action)
    if drop_database and all_apps:
        raise BadRequestError("'drop_database' applies to one app's down, not to 'all'")
    return Request(
        action=action,
        app=app,
        wait=_flag(event, "wait", action),
        fix=fix,
        remove_orphans=remove_orphans,
        all_apps=all_apps,
        drop_database=drop_database,
    )
