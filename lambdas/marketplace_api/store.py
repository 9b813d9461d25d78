"""The dataset and user tables, and the PyGrid nodes' ECS services, behind the small interfaces
the logic needs (``logic.MarketplaceStore``, ``logic.NodeDirectory``)."""

from __future__ import annotations

import logging
from typing import Any

from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError

from marketplace_api.config import Config
from marketplace_api.logic import Purchase
from shared import dynamo

LOGGER = logging.getLogger("marketplace_api.store")

_serializer = TypeSerializer()
# A node being deleted still holds its name (and its host) until ECS reports it INACTIVE.
_LIVE_SERVICE_STATES = frozenset({"ACTIVE", "DRAINING"})


def to_dynamodb(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items()}


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _reason_codes(error: ClientError) -> list[str]:
    """The per-item codes of a cancelled transaction, in the order of its items."""
    reasons = error.response.get("CancellationReasons") or []
    return [str(reason.get("Code") or "None") for reason in reasons]


class AwsMarketplaceStore:
    """Conditional writes on the dataset and user tables; one Query (COUNT) on the owner index."""

    def __init__(self, dynamodb: Any, config: Config) -> None:
        self._dynamodb = dynamodb
        self._config = config
        self._by_owner = dynamo.IndexQuery(
            dynamodb, config.dataset_table, config.owner_index, "owner_username"
        )

    def count_datasets_of(self, owner: str) -> int:
        """How many apps ``owner`` has registered, following the COUNT query's pages."""
        pages = self._by_owner.pages(owner, Select="COUNT")
        return sum(int(page.get("Count", 0)) for page in pages)

    def put_new_dataset(self, item: dict[str, Any]) -> bool:
        try:
            self._dynamodb.put_item(
                TableName=self._config.dataset_table,
                Item=to_dynamodb(item),
                ConditionExpression="attribute_not_exists(dataset_id)",
            )
        except ClientError as error:
            if _error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def purchase(self, user_id: str, dataset_id: str) -> Purchase:
        """One transaction: the id joins the user's list only if absent, and the app's counter
        grows in the same step, so a retried or concurrent purchase counts once."""
        cancelled = self._transact(
            [
                {
                    "Update": {
                        "TableName": self._config.user_table,
                        "Key": {"user_id": {"S": user_id}},
                        "UpdateExpression": (
                            "SET datasets_purchased ="
                            " list_append(if_not_exists(datasets_purchased, :none), :id)"
                        ),
                        "ConditionExpression": (
                            "attribute_exists(user_id)"
                            " AND NOT contains(datasets_purchased, :dataset)"
                        ),
                        "ExpressionAttributeValues": {
                            ":none": {"L": []},
                            ":id": {"L": [{"S": dataset_id}]},
                            ":dataset": {"S": dataset_id},
                        },
                    }
                },
                {
                    "Update": {
                        "TableName": self._config.dataset_table,
                        "Key": {"dataset_id": {"S": dataset_id}},
                        "UpdateExpression": "ADD numPurchases :one",
                        "ConditionExpression": "attribute_exists(dataset_id)",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
            ]
        )
        return Purchase.ADDED if cancelled is None else self._why_cancelled(cancelled, user_id)

    def _transact(self, items: list[dict[str, Any]]) -> ClientError | None:
        """Writes ``items`` in one transaction: None once it committed, the error when DynamoDB
        cancelled it (its reasons say which item failed); any other error propagates."""
        try:
            self._dynamodb.transact_write_items(TransactItems=items)
        except ClientError as error:
            if _error_code(error) != "TransactionCanceledException":
                raise
            return error
        return None

    def _why_cancelled(self, error: ClientError, user_id: str) -> Purchase:
        codes = _reason_codes(error)
        user, dataset = [*codes, "None", "None"][:2]
        if dataset == "ConditionalCheckFailed":
            return Purchase.NO_DATASET
        if user != "ConditionalCheckFailed":
            LOGGER.error("purchase transaction cancelled", extra={"reasons": codes})
            raise error
        # Already owned, or no row at all: a condition check on the key tells which, and reads
        # nothing of the row back (the role may not read it).
        return Purchase.ALREADY_OWNED if self._account_exists(user_id) else Purchase.NO_ACCOUNT

    def _account_exists(self, user_id: str) -> bool:
        cancelled = self._transact(
            [
                {
                    "ConditionCheck": {
                        "TableName": self._config.user_table,
                        "Key": {"user_id": {"S": user_id}},
                        "ConditionExpression": "attribute_exists(user_id)",
                    }
                }
            ]
        )
        if cancelled is None:
            return True
        if _reason_codes(cancelled)[:1] == ["ConditionalCheckFailed"]:
            return False
        raise cancelled


class EcsNodeDirectory:
    """Whether a node's ECS service ``<prefix><slug>`` exists in the nodes' cluster: a single
    DescribeServices of one name, the name the node manager gives a node of that slug."""

    def __init__(self, ecs: Any, config: Config) -> None:
        self._ecs = ecs
        self._config = config

    def node_exists(self, slug: str) -> bool:
        name = f"{self._config.node_service_prefix}{slug}"
        answer = self._ecs.describe_services(cluster=self._config.node_cluster, services=[name])
        for failure in answer.get("failures", []):
            if failure.get("reason") != "MISSING":
                # Not "no such service": the check could not be made, so refuse to guess.
                raise RuntimeError(f"DescribeServices of {name} failed: {failure.get('reason')}")
        return any(
            service.get("serviceName") == name and service.get("status") in _LIVE_SERVICE_STATES
            for service in answer.get("services", [])
        )
