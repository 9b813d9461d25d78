"""The secrets behind the small interface the logic needs (Secrets Manager client passed in)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from pygrid_db_role.logic import ProvisioningError

# A secret created without a value (as Terraform creates the role's) answers GetSecretValue with
# ResourceNotFoundException until its first PutSecretValue.
_NO_VALUE = {"ResourceNotFoundException"}


class AwsSecretStore:
    def __init__(self, secretsmanager: Any) -> None:
        self._client = secretsmanager

    def read(self, arn: str) -> dict[str, Any] | None:
        """The secret's current JSON value, or None when it has none yet."""
        try:
            response = self._client.get_secret_value(SecretId=arn)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _NO_VALUE:
                return None
            raise
        raw = response.get("SecretString")
        if raw is None:
            raise ProvisioningError(f"secret {arn} holds binary data, not JSON")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise ProvisioningError(f"secret {arn} does not hold JSON") from None
        if not isinstance(value, dict):
            raise ProvisioningError(f"secret {arn} does not hold a JSON object")
        return value

    def write(self, arn: str, value: dict[str, Any]) -> None:
        self._client.put_secret_value(SecretId=arn, SecretString=json.dumps(value, sort_keys=True))

    def random_password(self, length: int) -> str:
        """Secrets Manager's generator: every character class, no space."""
        response = self._client.get_random_password(
            PasswordLength=length, IncludeSpace=False, RequireEachIncludedType=True
        )
        return response["RandomPassword"]
