"""Configuration of the role function, read and validated once from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from shared.config import ConfigError, optional_int, required

__all__ = ["TLS_MODES", "Config", "ConfigError", "load_config"]

SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$")
# An unquoted PostgreSQL identifier the fork's own SQL could use as is.
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
# Where the node manager keeps the node secrets: a Secrets Manager name prefix ending in '/'.
SECRET_NAME_PREFIX = re.compile(r"^[A-Za-z0-9_+=.@-][A-Za-z0-9/_+=.@-]{0,398}/$")
# require: encrypted, server not authenticated (the cluster's CA is not in the runtime's trust
# store); verify: encrypted and checked against DATABASE_CA_BUNDLE; disable: tests only (the
# cluster's rds.force_ssl refuses such a connection anyway).
TLS_MODES = ("require", "verify", "disable")
DEFAULT_PASSWORD_LENGTH = 40


@dataclass(frozen=True)
class Config:
    """Where the database is, which secrets to read and write, and the role to keep."""

    master_secret_arn: str
    role_secret_arn: str
    host: str
    port: int = 5432
    role_name: str = "pygrid"
    admin_database: str = "postgres"
    # The cluster's own database (created by the master user), closed to PUBLIC: PyGrid never
    # uses it, so its role has no business connecting to it. Empty: none.
    protected_database: str = ""
    tls: str = "require"
    ca_bundle: str = ""
    password_length: int = DEFAULT_PASSWORD_LENGTH
    # The node secrets' name prefix (<prefix><node id>); empty: node actions are refused.
    node_secret_prefix: str = ""


def _identifier(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    if not IDENTIFIER.fullmatch(value):
        raise ConfigError(
            f"environment variable {name} must be a lower-case PostgreSQL identifier"
            f" (letters, digits, '_'; at most 63), got {value!r}"
        )
    return value


def load_config(env: Mapping[str, str]) -> Config:
    """Build the configuration from environment variables, failing with the variable's name."""
    port = optional_int(env, "DATABASE_PORT", 5432, minimum=1)
    if port > 65535:
        raise ConfigError(f"environment variable DATABASE_PORT must be a TCP port, got {port}")
    tls = env.get("DATABASE_TLS", "").strip() or "require"
    if tls not in TLS_MODES:
        raise ConfigError(
            f"environment variable DATABASE_TLS must be one of {', '.join(TLS_MODES)}, got {tls!r}"
        )
    ca_bundle = env.get("DATABASE_CA_BUNDLE", "").strip()
    if tls == "verify" and not ca_bundle:
        raise ConfigError(
            "environment variable DATABASE_CA_BUNDLE is required with DATABASE_TLS=verify"
        )
    protected = env.get("PROTECTED_DATABASE", "").strip()
    if protected and not IDENTIFIER.fullmatch(protected):
        raise ConfigError(
            "environment variable PROTECTED_DATABASE must be a PostgreSQL identifier,"
            f" got {protected!r}"
        )
    node_secret_prefix = env.get("NODE_SECRET_PREFIX", "").strip()
    # The pattern has no '!': RDS's own secrets (rds!cluster-...) can never match it.
    if node_secret_prefix and not SECRET_NAME_PREFIX.fullmatch(node_secret_prefix):
        raise ConfigError(
            "environment variable NODE_SECRET_PREFIX must be a Secrets Manager name prefix"
            f" ending in '/', got {node_secret_prefix!r}"
        )
    length = optional_int(env, "PASSWORD_LENGTH", DEFAULT_PASSWORD_LENGTH, minimum=24)
    if length > 128:
        raise ConfigError(f"environment variable PASSWORD_LENGTH must be 24-128, got {length}")
    return Config(
        master_secret_arn=required(env, "MASTER_SECRET_ARN", SECRET_ARN),
        role_secret_arn=required(env, "ROLE_SECRET_ARN", SECRET_ARN),
        host=required(env, "DATABASE_HOST", HOST),
        port=port,
        role_name=_identifier(env, "ROLE_NAME", "pygrid"),
        admin_database=_identifier(env, "ADMIN_DATABASE", "postgres"),
        protected_database=protected,
        tls=tls,
        ca_bundle=ca_bundle,
        password_length=length,
        node_secret_prefix=node_secret_prefix,
    )
