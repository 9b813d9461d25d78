"""The user table, behind the one write the function makes."""

from typing import Any


class UserStore:
    """Creates account rows; never overwrites one."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table_name = table_name

    def create_if_absent(self, item: dict[str, dict[str, Any]]) -> bool:
        """Write ``item`` unless a row with its ``user_id`` exists; True when it was written.

        A conditional put is atomic, so concurrent retries of one confirmation create the row
        exactly once and an existing account keeps its API key and progress.
        """
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(user_id)",
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
