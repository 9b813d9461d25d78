"""The user-table row of a new account (format: SCHEMAS.md, user_table)."""

import secrets
from collections.abc import Iterable
from typing import Any

# 24 random bytes -> 32 URL-safe characters, 192 bits (the contract asks for >= 128).
API_KEY_BYTES = 24


def new_api_key() -> str:
    """A fresh URL-safe API key from the OS's CSPRNG."""
    return secrets.token_urlsafe(API_KEY_BYTES)


def new_account_item(
    *, email: str, username: str, datasets: Iterable[str], api_key: str
) -> dict[str, dict[str, Any]]:
    """The account's row as DynamoDB JSON, ready for ``PutItem``."""
    return {
        "user_id": {"S": email},
        "user_account_email": {"S": email},
        "username": {"S": username},
        "api_key": {"S": api_key},
        "datasets_purchased": {"L": [{"S": d} for d in datasets]},
        "has_onboarded": {"S": "0"},
        "role": {"S": "0"},
    }
