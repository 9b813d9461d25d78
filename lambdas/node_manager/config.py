"""The node manager's configuration, from the platform's outputs or from the function's environment.

One shape, two sources: the root Terraform output ``pygrid_node_manager`` (what the CLI reads) and
the function's environment variable ``NODE_MANAGER_CONFIG`` (the same object as JSON, which is what
the deployed function reads). Both are written by ``modules/node_manager`` from one local value,
the one its IAM policy is scoped with, so names and permissions cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass
from typing import Any

from node_manager.naming import MAX_TARGET_GROUP_PREFIX_LENGTH
from shared.config import ConfigError, json_value

__all__ = ["ENVIRONMENT_VARIABLE", "OUTPUT_NAME", "ConfigError", "NodeManagerConfig"]

OUTPUT_NAME = "pygrid_node_manager"
ENVIRONMENT_VARIABLE = "NODE_MANAGER_CONFIG"

_SERVICE_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
_TARGET_GROUP_PREFIX = re.compile(
    rf"^[A-Za-z0-9][A-Za-z0-9-]{{0,{MAX_TARGET_GROUP_PREFIX_LENGTH - 1}}}$"
)
# A Secrets Manager name prefix ending in '/' (no '!': never RDS's own rds!... secrets).
_SECRET_PREFIX = re.compile(r"^[A-Za-z0-9_+=.@-][A-Za-z0-9/_+=.@-]{0,398}/$")
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
_FUNCTION = re.compile(
    r"^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:)?[A-Za-z0-9_-]{1,64}$"
)


@dataclass(frozen=True)
class NodeManagerConfig:
    """Everything the manager needs; every name prefix included, none hard-coded."""

    environment: str
    region: str
    cluster_name: str
    cluster_arn: str
    subnet_ids: tuple[str, ...]
    security_group_id: str
    vpc_id: str
    listener_arn: str
    task_definition_family: str
    container_name: str
    container_port: int
    nodes_domain: str
    dataset_table_name: str
    url_scheme: str
    service_prefix: str
    target_group_prefix: str
    # Each node's database: its secret <node_secret_prefix><slug> (under this KMS key) holds its
    # role's credentials for this host and port; the role function (None: this env runs none,
    # as on the local emulator) makes the role match it.
    node_secret_prefix: str
    node_secret_kms_key_id: str
    database_host: str
    database_port: int
    database_role_function: str | None = None

    OUTPUT_NAME = OUTPUT_NAME

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, Any]) -> NodeManagerConfig:
        """Read the ``pygrid_node_manager`` output (plain values or ``terraform output -json``)."""
        raw = outputs.get(OUTPUT_NAME)
        if isinstance(raw, Mapping) and "value" in raw and "type" in raw:
            raw = raw["value"]
        if not isinstance(raw, Mapping):
            raise ConfigError(
                f"Terraform output '{OUTPUT_NAME}' is missing: apply the environment first"
            )
        return cls.from_mapping(raw, f"Terraform output '{OUTPUT_NAME}'")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> NodeManagerConfig:
        """Read the JSON object in ``NODE_MANAGER_CONFIG`` (the deployed function's environment)."""
        raw = json_value(environ, ENVIRONMENT_VARIABLE)
        if not isinstance(raw, Mapping):
            raise ConfigError(f"environment variable {ENVIRONMENT_VARIABLE} must be a JSON object")
        return cls.from_mapping(raw, f"environment variable {ENVIRONMENT_VARIABLE}")

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], source: str) -> NodeManagerConfig:
        """Validate ``raw``; every error names ``source`` and the offending field."""
        values: dict[str, Any] = {}
        for name, spec in cls.__dataclass_fields__.items():
            missing = name not in raw or raw[name] in (None, "", [])
            if missing and spec.default is not MISSING:
                values[name] = spec.default
            elif missing:
                raise ConfigError(f"{source} lacks '{name}'")
            else:
                values[name] = raw[name]
        if isinstance(values["subnet_ids"], str) or not all(
            isinstance(s, str) and s for s in values["subnet_ids"]
        ):
            raise ConfigError(f"{source}: 'subnet_ids' must be a list of subnet ids")
        values["subnet_ids"] = tuple(values["subnet_ids"])
        for name in ("container_port", "database_port"):
            values[name] = _port(values[name], name, source)
        if not _HOST.fullmatch(str(values["database_host"])):
            raise ConfigError(f"{source}: 'database_host' must be a host name")
        if not _SECRET_PREFIX.fullmatch(str(values["node_secret_prefix"])):
            raise ConfigError(
                f"{source}: 'node_secret_prefix' must be a Secrets Manager name prefix ending"
                " in '/'"
            )
        function = values["database_role_function"]
        if function is not None and not _FUNCTION.fullmatch(str(function)):
            raise ConfigError(
                f"{source}: 'database_role_function' must be a Lambda function name or ARN"
            )
        if values["url_scheme"] not in ("http", "https"):
            raise ConfigError(f"{source}: 'url_scheme' must be http or https")
        if not _SERVICE_PREFIX.fullmatch(str(values["service_prefix"])):
            raise ConfigError(
                f"{source}: 'service_prefix' must be 1-32 letters, digits, '_' or '-', "
                "starting with a letter"
            )
        if not _TARGET_GROUP_PREFIX.fullmatch(str(values["target_group_prefix"])):
            raise ConfigError(
                f"{source}: 'target_group_prefix' must be 1-{MAX_TARGET_GROUP_PREFIX_LENGTH} "
                "letters, digits or '-', not starting with '-'"
            )
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The configuration as the JSON object both sources hold."""
        value = asdict(self)
        value["subnet_ids"] = list(self.subnet_ids)
        return value


def _port(value: Any, name: str, source: str) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: '{name}' is not a number") from exc
    if not 1 <= port <= 65535:
        raise ConfigError(f"{source}: '{name}' must be a port (1-65535)")
    return port
