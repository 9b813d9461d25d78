"""The app's dataset item: its node claim and the lock that serializes work on its node.

``hasNode`` and ``nodeURL`` are the claim: what the platform's clients read to find the node
(``nodeURL`` is the node's host name; the clients add scheme and port). ``nodeLock`` is the node
manager's alone (docs/data-model.md): ``{owner, action, expires}`` while an up, down or reconcile
of the app runs, taken with a conditional write (absent, or expired) and removed by its owner
only. Every write is conditional on the item existing, so the manager never creates an item, and
a write made under a lock is conditional on still holding it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from node_manager.errors import NodeBusyError, UnknownAppError

DATASET_KEY = "dataset_id"
LOCK_ATTRIBUTE = "nodeLock"
_PROJECTION = "#k, hasNode, nodeURL, nodeLock"
# The lock's field names (owner, expires) go through placeholders: DynamoDB reserves some words.
_CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailedException"


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def claim_of(item: Mapping[str, Any] | None) -> tuple[bool, str | None]:
    """``(hasNode, nodeURL)`` of an item as DynamoDB returns it; ``(False, None)`` for none."""
    if item is None:
        return False, None
    has_node = bool(item.get("hasNode", {}).get("BOOL", False))
    node_url = item.get("nodeURL", {}).get("S")
    return has_node, node_url


@dataclass(frozen=True)
class Lock:
    """One holder of an app's lock: who, for what, and until when (epoch seconds)."""

    app_id: str
    owner: str
    action: str
    expires: float

    def held_at(self, now: float) -> bool:
        return now < self.expires

    def describe(self, now: float) -> str:
        until = datetime.fromtimestamp(self.expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        left = max(0.0, self.expires - now)
        article = "an" if self.action[:1] in "aeiou" else "a"
        return f"{article} {self.action} holds its lock until {until} ({left:.0f} s)"

    def to_attribute(self) -> dict[str, Any]:
        return {
            "M": {
                "owner": {"S": self.owner},
                "action": {"S": self.action},
                "expires": {"N": f"{self.expires:.3f}"},
            }
        }


def lock_of(item: Mapping[str, Any] | None) -> Lock | None:
    """The lock recorded on an item, or None (no item, no lock, or a malformed one)."""
    if item is None:
        return None
    value = item.get(LOCK_ATTRIBUTE, {}).get("M")
    if not isinstance(value, Mapping):
        return None
    try:
        return Lock(
            app_id=str(item.get(DATASET_KEY, {}).get("S", "")),
            owner=str(value["owner"]["S"]),
            action=str(value.get("action", {}).get("S", "operation")),
            expires=float(value["expires"]["N"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


class ClaimStore:
    """Reads and writes the node claim on the items of one dataset table."""

    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._dynamodb = dynamodb
        self.table_name = table_name

    def get(self, app_id: str) -> dict[str, Any] | None:
        response = self._dynamodb.get_item(
            TableName=self.table_name,
            Key={DATASET_KEY: {"S": app_id}},
            ProjectionExpression=_PROJECTION,
            ExpressionAttributeNames={"#k": DATASET_KEY},
            ConsistentRead=True,
        )
        return response.get("Item")

    def _update(
        self,
        app_id: str,
        expression: str,
        values: dict[str, Any],
        condition: str = "attribute_exists(#k)",
        names: Mapping[str, str] | None = None,
    ) -> dict[str, Any] | None:
        """Apply ``expression`` if ``condition`` holds; else the item as it was (None: no item).

        Returns ``{}`` when the update was applied.
        """
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": {DATASET_KEY: {"S": app_id}},
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": dict(names or {"#k": DATASET_KEY}),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if values:
            request["ExpressionAttributeValues"] = values
        try:
            self._dynamodb.update_item(**request)
        except ClientError as exc:
            if error_code(exc) == _CONDITIONAL_CHECK_FAILED:
                return exc.response.get("Item")
            raise
        return {}

    def _guarded(
        self, app_id: str, expression: str, values: dict[str, Any], lock: Lock | None
    ) -> dict[str, Any] | None:
        """:meth:`_update` on an existing item, and while ``lock`` is still ours (when given).

        Returns ``{}`` when applied, None when the item is gone; a lost lock raises.
        """
        if lock is None:
            return self._update(app_id, expression, values)
        result = self._update(
            app_id,
            expression,
            {**values, ":owner": {"S": lock.owner}},
            "attribute_exists(#k) AND #l.#o = :owner",
            {"#k": DATASET_KEY, "#l": LOCK_ATTRIBUTE, "#o": "owner"},
        )
        if result:  # the item exists but the lock is no longer this call's
            raise NodeBusyError(
                f"the {lock.action} of '{app_id}' lost its lock (it expired, and another call "
                "took it): nothing more was written; check with status"
            )
        return result

    def set(self, app_id: str, host: str, lock: Lock | None = None) -> None:
        """Record the node's host name on the item; :class:`UnknownAppError` when it is gone."""
        values = {":t": {"BOOL": True}, ":u": {"S": host}}
        if self._guarded(app_id, "SET hasNode = :t, nodeURL = :u", values, lock) is None:
            raise UnknownAppError(f"dataset item '{app_id}' disappeared during up")

    def clear(self, app_id: str, lock: Lock | None = None) -> bool:
        """Set hasNode=false and drop nodeURL if the item exists; False when it does not."""
        values = {":f": {"BOOL": False}}
        return self._guarded(app_id, "SET hasNode = :f REMOVE nodeURL", values, lock) is not None

    # the lock -------------------------------------------------------------------------------------

    def acquire(
        self, app_id: str, owner: str, action: str, now: float, duration: float
    ) -> Lock | None:
        """Take the app's lock for ``duration`` seconds: None when there is no item to lock.

        The write succeeds only when no lock is recorded or the recorded one has expired, so two
        callers can never both hold it; :class:`NodeBusyError` names the current holder.
        """
        lock = Lock(app_id=app_id, owner=owner, action=action, expires=now + duration)
        result = self._update(
            app_id,
            "SET #l = :lock",
            {":lock": lock.to_attribute(), ":now": {"N": f"{now:.3f}"}},
            "attribute_exists(#k) AND (attribute_not_exists(#l) OR #l.#e < :now)",
            {"#k": DATASET_KEY, "#l": LOCK_ATTRIBUTE, "#e": "expires"},
        )
        if result is None:
            return None
        if result:
            held = lock_of(result)
            holder = held.describe(now) if held else "another call holds its lock"
            raise NodeBusyError(
                f"app '{app_id}' is busy: {holder}; retry once it is done "
                f"(this {action} changed nothing)"
            )
        return lock

    def release(self, lock: Lock) -> bool:
        """Remove the lock if it is still ``lock``'s; False when it was not (expired and taken,
        or the item is gone) or the write failed: an unreleased lock still expires."""
        try:
            result = self._update(
                lock.app_id,
                "REMOVE #l",
                {":owner": {"S": lock.owner}},
                "attribute_exists(#k) AND #l.#o = :owner",
                {"#k": DATASET_KEY, "#l": LOCK_ATTRIBUTE, "#o": "owner"},
            )
        except ClientError:
            return False
        return result == {}

    def claiming(self) -> Iterator[dict[str, Any]]:
        """Every item that claims a node (hasNode true or a nodeURL)."""
        paginator = self._dynamodb.get_paginator("scan")
        for page in paginator.paginate(
            TableName=self.table_name,
            ProjectionExpression=_PROJECTION,
            FilterExpression="hasNode = :t OR attribute_exists(nodeURL)",
            ExpressionAttributeNames={"#k": DATASET_KEY},
            ExpressionAttributeValues={":t": {"BOOL": True}},
            ConsistentRead=True,
        ):
            yield from page.get("Items", [])
