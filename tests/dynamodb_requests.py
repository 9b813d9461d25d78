"""The request context DynamoDB puts before IAM for one API call, as an ``iam_eval.Request``.

Written from the DynamoDB developer guide ("Using IAM policy conditions for fine-grained access
control") and the API reference, for the calls the website makes:

- resource: the table's ARN, or ``<table ARN>/index/<name>`` when the call names an index;
- ``dynamodb:LeadingKeys``: the partition-key value the call touches -- ``Key[<key>]`` for item
  calls; for ``Query`` the value ``KeyConditionExpression`` gives the partition key of what is
  queried (on an index, the index's own partition key); absent for ``Scan``;
- ``dynamodb:Attributes``: the top-level attribute names the call names: the key of an item
  call and every name in its expressions (``ExpressionAttributeNames`` resolved);
- ``dynamodb:Select`` (``Query``/``Scan``): as given; else ``SPECIFIC_ATTRIBUTES`` with a
  ``ProjectionExpression``, ``ALL_PROJECTED_ATTRIBUTES`` on an index, ``ALL_ATTRIBUTES`` on a
  table;
- ``dynamodb:ReturnValues`` (``PutItem``/``UpdateItem``/``DeleteItem``): as given, else ``NONE``;
- ``aws:PrincipalTag/<tag>``: the caller's session tags.

Key schemas come from ``DescribeTable`` of the deployed table, not from this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from iam_eval import Request

ITEM_CALLS = {"GetItem", "PutItem", "UpdateItem", "DeleteItem"}
WRITE_CALLS = {"PutItem", "UpdateItem", "DeleteItem"}
READ_CALLS = {"Query", "Scan"}
_EXPRESSIONS = (
    "ProjectionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "FilterExpression",
    "KeyConditionExpression",
)
_KEYWORDS = {"set", "remove", "add", "delete", "and", "or", "not", "between", "in"}
_TOKEN = re.compile(r"#\w+|:\w+|[A-Za-z_]\w*|\d+|\S")
_EQUALITY = re.compile(r"(#?\w+)\s*=\s*(:\w+)|(:\w+)\s*=\s*(#?\w+)")


def partition_keys(table: Mapping[str, Any]) -> dict[str | None, str]:
    """``None`` (the table) and each index name -> its partition key, from DescribeTable."""
    keys = {None: _hash_key(table["KeySchema"])}
    for index in table.get("GlobalSecondaryIndexes", []) + table.get("LocalSecondaryIndexes", []):
        keys[index["IndexName"]] = _hash_key(index["KeySchema"])
    return keys


def dynamodb_request(
    operation: str,
    params: Mapping[str, Any],
    table: Mapping[str, Any],
    tags: Mapping[str, str] | None = None,
) -> Request:
    """The IAM request for ``operation`` with boto3-style ``params`` on the described table."""
    if params.get("TableName") != table["TableName"]:
        raise ValueError(f"TableName {params.get('TableName')!r} is not {table['TableName']!r}")
    if operation not in ITEM_CALLS | READ_CALLS:
        raise ValueError(f"unsupported DynamoDB operation {operation!r}")
    index = params.get("IndexName")
    keys = partition_keys(table)
    if index is not None and index not in keys:
        raise ValueError(f"table {table['TableName']} has no index {index!r}")
    partition_key = keys[index]
    names = params.get("ExpressionAttributeNames", {})
    attributes = set().union(*(_names(params.get(e), names) for e in _EXPRESSIONS))
    context: dict[str, str | list[str]] = {
        f"aws:PrincipalTag/{tag}": value for tag, value in (tags or {}).items()
    }
    if operation in ITEM_CALLS:
        item = params["Key"] if "Key" in params else params["Item"]
        context["dynamodb:LeadingKeys"] = [_scalar(item[partition_key])]
        attributes |= set(item) if operation == "PutItem" else set(params["Key"])
    if operation == "Query":
        values = params.get("ExpressionAttributeValues", {})
        condition = params.get("KeyConditionExpression", "")
        context["dynamodb:LeadingKeys"] = [
            _partition_value(condition, partition_key, names, values)
        ]
    if operation in READ_CALLS:
        context["dynamodb:Select"] = params.get("Select") or _default_select(params, index)
    if operation in WRITE_CALLS:
        context["dynamodb:ReturnValues"] = params.get("ReturnValues", "NONE")
    if attributes:
        context["dynamodb:Attributes"] = sorted(attributes)
    resource = table["TableArn"] + (f"/index/{index}" if index else "")
    return Request(action=f"dynamodb:{operation}", resource=resource, context=context)


def _hash_key(schema: list[Mapping[str, str]]) -> str:
    return next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")


def _default_select(params: Mapping[str, Any], index: str | None) -> str:
    if params.get("ProjectionExpression"):
        return "SPECIFIC_ATTRIBUTES"
    return "ALL_PROJECTED_ATTRIBUTES" if index else "ALL_ATTRIBUTES"


def _names(expression: str | None, names: Mapping[str, str]) -> set[str]:
    """Top-level attribute names in an expression: not values, functions, keywords, nested
    path elements or list indexes."""
    if not expression:
        return set()
    tokens = _TOKEN.findall(expression)
    found: set[str] = set()
    for position, token in enumerate(tokens):
        before = tokens[position - 1] if position else ""
        after = tokens[position + 1] if position + 1 < len(tokens) else ""
        if token.startswith(":") or token.isdigit() or not (token[0].isalnum() or token[0] in "#_"):
            continue
        if before in (".", "[") or after == "(" or token.lower() in _KEYWORDS:
            continue
        found.add(_name(token, names))
    return found


def _name(token: str, names: Mapping[str, str]) -> str:
    if not token.startswith("#"):
        return token
    if token not in names:
        raise ValueError(f"{token} is not in ExpressionAttributeNames")
    return names[token]


def _partition_value(
    condition: str, partition_key: str, names: Mapping[str, str], values: Mapping[str, Any]
) -> str:
    for found in _EQUALITY.finditer(condition):
        name, placeholder = (
            (found.group(1), found.group(2)) if found.group(1) else found.group(4, 3)
        )
        if _name(name, names) == partition_key:
            return _scalar(values[placeholder])
    raise ValueError(f"KeyConditionExpression {condition!r} does not fix {partition_key}")


def _scalar(value: Mapping[str, str]) -> str:
    ((kind, text),) = value.items()
    if kind not in ("S", "N", "B"):
        raise ValueError(f"a key value must be S, N or B, got {kind}")
    return text
