"""DynamoDB requests more than one function makes the same way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndexQuery:
    """Queries on ``index`` of ``table`` for the items whose ``key`` (a string attribute, the
    index's partition key) has one value."""

    dynamodb: Any
    table: str
    index: str
    key: str

    def pages(self, value: str, **options: Any) -> Iterable[dict[str, Any]]:
        """The pages of the query for ``value``, followed to the last; ``options`` go to the
        request as they are (``Select``, ``PaginationConfig``)."""
        return self.dynamodb.get_paginator("query").paginate(
            TableName=self.table,
            IndexName=self.index,
            KeyConditionExpression=f"{self.key} = :value",
            ExpressionAttributeValues={":value": {"S": value}},
            **options,
        )
