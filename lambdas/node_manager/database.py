"""A node's database credentials: its secret (Secrets Manager) and its role (the role function).

Per app: a secret ``<node secret prefix><slug>`` under the platform key, tagged like the node's
other resources, holding ``shared.pygrid_database.node_secret``: the node's own role
``node_<slug>``, a password from ``GetRandomPassword``, the database host and port, and ``url``,
the fork's ``DATABASE_URL``, which the node's task definition reads through ECS secrets. The
role function (``lambdas/pygrid_db_role``, in the VPC) is then asked for ``node_up``: it makes
that role, with that password, and its database. Nothing here ever reads a secret's value.

``down`` asks for ``node_down`` (the role loses its login at once; the database is kept unless
asked) and then deletes the secret without a recovery window: its password no longer opens
anything, and a secret waiting out its window would block the name, so the app's next ``up``
(which writes a new password) would fail for up to 30 days.

An environment without the role function (the local emulator: it stores Lambda code but cannot
run it) still gets every secret; only the invocations are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from node_manager.errors import DatabaseRoleError, NodeError
from node_manager.naming import Names
from node_manager.store import error_code
from shared.config import ConfigError
from shared.pygrid_database import node_secret

PASSWORD_LENGTH = 40
DATABASE_URL = "DATABASE_URL"  # the variable the fork reads, from the secret's url key
_NOT_FOUND = "ResourceNotFoundException"
_NAME_TAKEN = ("InvalidRequestException", "ResourceExistsException")


@dataclass(frozen=True)
class Secret:
    """A node secret as Secrets Manager describes it (never its value)."""

    arn: str
    name: str
    tags: dict[str, str]
    created: Any = None


def _tags(description: Mapping[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in description.get("Tags") or []}


def database_url_secret(secret_arn: str) -> str:
    """The ECS ``valueFrom`` of DATABASE_URL: the ``url`` key of the node's secret."""
    return f"{secret_arn}:url::"


class NodeDatabase:
    """The node secrets of one environment and the role function that acts on them."""

    def __init__(self, config: Any, secretsmanager: Any, lambda_client: Any = None) -> None:
        if secretsmanager is None:
            raise ConfigError(
                "the node manager needs a Secrets Manager client: every node gets a database"
                " secret of its own"
            )
        if config.database_role_function and lambda_client is None:
            raise ConfigError(
                f"the configuration names the role function {config.database_role_function}"
                " but no Lambda client was given to invoke it"
            )
        self.config = config
        self.names = Names.of(config)
        self.secretsmanager = secretsmanager
        self.lambda_client = lambda_client

    @property
    def provisioning(self) -> bool:
        """Whether this environment runs the role function (false on the local emulator)."""
        return bool(self.config.database_role_function)

    # secrets --------------------------------------------------------------------------------------

    def find(self, slug: str) -> Secret | None:
        """The node's secret, or None (also for one scheduled for deletion: it opens nothing)."""
        name = self.names.secret_name(slug)
        try:
            described = self.secretsmanager.describe_secret(SecretId=name)
        except ClientError as exc:
            if error_code(exc) == _NOT_FOUND:
                return None
            raise
        if described.get("DeletedDate"):
            return None
        return Secret(described["ARN"], name, _tags(described), described.get("CreatedDate"))

    def inventory(self) -> Iterator[Secret]:
        """Every secret under the node prefix that this environment's node manager made."""
        prefix = self.names.node_secret_prefix
        paginator = self.secretsmanager.get_paginator("list_secrets")
        for page in paginator.paginate(Filters=[{"Key": "name", "Values": [prefix]}]):
            for described in page.get("SecretList", []):
                tags = _tags(described)
                # The name filter matches a prefix; the tags say whose it is.
                if described["Name"].startswith(prefix) and self.names.is_ours(tags):
                    yield Secret(
                        described["ARN"], described["Name"], tags, described.get("CreatedDate")
                    )

    def create_secret(self, app_id: str, slug: str) -> str:
        """Write the node's secret, with a fresh password; its ARN."""
        password = self.secretsmanager.get_random_password(
            PasswordLength=PASSWORD_LENGTH, IncludeSpace=False, RequireEachIncludedType=True
        )["RandomPassword"]
        value = node_secret(slug, password, self.config.database_host, self.config.database_port)
        name = self.names.secret_name(slug)
        try:
            response = self.secretsmanager.create_secret(
                Name=name,
                Description=(
                    f"PyGrid node {slug}: its own database role's credentials and DATABASE_URL"
                    " (url). Written by the node manager, read by the node's task and the role"
                    " function."
                ),
                KmsKeyId=self.config.node_secret_kms_key_id,
                SecretString=json.dumps(value, sort_keys=True),
                Tags=[{"Key": k, "Value": v} for k, v in self.names.tags(app_id, slug).items()],
            )
        except ClientError as exc:
            # AWS refuses the name of a secret waiting out its recovery window.
            if error_code(exc) in _NAME_TAKEN and self._scheduled_for_deletion(name):
                raise NodeError(
                    f"secret {name} is scheduled for deletion: delete it for good (aws"
                    " secretsmanager delete-secret --force-delete-without-recovery) or restore"
                    " it, then retry"
                ) from exc
            raise
        return response["ARN"]

    def _scheduled_for_deletion(self, name: str) -> bool:
        try:
            return bool(self.secretsmanager.describe_secret(SecretId=name).get("DeletedDate"))
        except ClientError:
            return False

    def delete_secret(self, secret_arn: str) -> None:
        try:
            self.secretsmanager.delete_secret(SecretId=secret_arn, ForceDeleteWithoutRecovery=True)
        except ClientError as exc:
            if error_code(exc) != _NOT_FOUND:
                raise

    # the role function ----------------------------------------------------------------------------

    def role_up(self, slug: str) -> dict[str, Any]:
        """Ask the role function for the node's role and database; its answer."""
        return self._invoke({"action": "node_up", "node_id": slug})

    def role_down(self, slug: str, drop_database: bool = False) -> dict[str, Any]:
        """Ask the role function to take the node's login away (and its database, if asked)."""
        return self._invoke(
            {"action": "node_down", "node_id": slug, "drop_database": drop_database}
        )

    def _invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        function = self.config.database_role_function
        response = self.lambda_client.invoke(
            FunctionName=function,
            InvocationType="RequestResponse",
            Payload=json.dumps(event).encode("utf-8"),
        )
        raw = response["Payload"].read()
        try:
            answer = json.loads(raw or b"null")
        except json.JSONDecodeError:
            answer = None
        what = f"{event['action']} of node {event['node_id']}"
        if response.get("FunctionError"):
            detail = answer.get("errorMessage") if isinstance(answer, dict) else raw[:200]
            raise DatabaseRoleError(f"the role function {function} failed the {what}: {detail}")
        if not isinstance(answer, dict) or answer.get("node_id") != event["node_id"]:
            raise DatabaseRoleError(
                f"the role function {function} answered the {what} with {raw[:200]!r}"
            )
        return answer
