"""The app's dataset item: the only place the platform learns that a node exists (its claim).

``hasNode`` and ``nodeURL`` are the node manager's two attributes of the item (docs/data-model.md);
every write is conditional on the item existing, so the manager never creates an item.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from node_manager.errors import UnknownAppError

DATASET_KEY = "dataset_id"
_PROJECTION = "#k, hasNode, nodeURL"


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def claim_of(item: Mapping[str, Any] | None) -> tuple[bool, str | None]:
    """``(hasNode, nodeURL)`` of an item as DynamoDB returns it; ``(False, None)`` for none."""
    if item is None:
        return False, None
    has_node = bool(item.get("hasNode", {}).get("BOOL", False))
    node_url = item.get("nodeURL", {}).get("S")
    return has_node, node_url


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

    def _update(self, app_id: str, expression: str, values: dict[str, Any]) -> bool:
        """Apply ``expression`` to the item if it exists; False when it does not."""
        try:
            self._dynamodb.update_item(
                TableName=self.table_name,
                Key={DATASET_KEY: {"S": app_id}},
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(#k)",
                ExpressionAttributeNames={"#k": DATASET_KEY},
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def set(self, app_id: str, url: str) -> None:
        """Record the node on the item; :class:`UnknownAppError` when the item is gone."""
        values = {":t": {"BOOL": True}, ":u": {"S": url}}
        if not self._update(app_id, "SET hasNode = :t, nodeURL = :u", values):
            raise UnknownAppError(f"dataset item '{app_id}' disappeared during up")

    def clear(self, app_id: str) -> bool:
        """Set hasNode=false and drop nodeURL if the item exists; False when it does not."""
        return self._update(app_id, "SET hasNode = :f REMOVE nodeURL", {":f": {"BOOL": False}})

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
