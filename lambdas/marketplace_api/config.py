"""Configuration of the registration API, read and validated once from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from shared.config import TABLE_NAME, ConfigError, WithLimits, limit_values, optional_int, required
from shared.dataset import DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_SAMPLE_BYTES

__all__ = [
    "DEFAULT_MAX_APPS_PER_OWNER",
    "DEFAULT_OWNER_INDEX",
    "Config",
    "ConfigError",
    "load_config",
]

DEFAULT_OWNER_INDEX = "owner_username-index"
DEFAULT_MAX_APPS_PER_OWNER = 20

# What modules/node_manager accepts as its service prefix, and the ECS cluster ARN it is given.
SERVICE_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
CLUSTER_ARN = re.compile(r"^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$")


@dataclass(frozen=True)
class Config(WithLimits):
    """The tables the API writes, the limits a registration is held to, and where the PyGrid
    nodes run (their services are named ``<node_service_prefix><slug>`` in ``node_cluster``)."""

    dataset_table: str
    user_table: str
    node_cluster: str
    node_service_prefix: str
    owner_index: str = DEFAULT_OWNER_INDEX
    max_attributes: int = DEFAULT_MAX_ATTRIBUTES
    max_sample_bytes: int = DEFAULT_MAX_SAMPLE_BYTES
    max_apps_per_owner: int = DEFAULT_MAX_APPS_PER_OWNER


def _owner_index(environ: Mapping[str, str]) -> str:
    value = environ.get("OWNER_INDEX", "").strip() or DEFAULT_OWNER_INDEX
    if not TABLE_NAME.fullmatch(value):
        raise ConfigError(f"environment variable OWNER_INDEX is malformed: {value!r}")
    return value


def load_config(environ: Mapping[str, str]) -> Config:
    """Build the configuration from environment variables, failing with the variable's name."""
    return Config(
        dataset_table=required(environ, "DATASET_TABLE", TABLE_NAME),
        user_table=required(environ, "USER_TABLE", TABLE_NAME),
        node_cluster=required(environ, "NODE_CLUSTER", CLUSTER_ARN),
        node_service_prefix=required(environ, "NODE_SERVICE_PREFIX", SERVICE_PREFIX),
        owner_index=_owner_index(environ),
        **limit_values(environ),
        max_apps_per_owner=optional_int(
            environ, "MAX_APPS_PER_OWNER", DEFAULT_MAX_APPS_PER_OWNER, minimum=1
        ),
    )
