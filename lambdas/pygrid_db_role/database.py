"""A PostgreSQL session for the logic, over pg8000 (pure Python: no native code in the zip)."""

from __future__ import annotations

import ssl
from typing import Any

import pg8000.native

from pygrid_db_role.config import Config
from pygrid_db_role.logic import Credentials

CONNECT_TIMEOUT = 10


def tls_context(config: Config) -> ssl.SSLContext | None:
    """The TLS the connection uses: see ``config.TLS_MODES``."""
    if config.tls == "disable":
        return None
    if config.tls == "verify":
        return ssl.create_default_context(cafile=config.ca_bundle)
    # require: encrypted; the cluster's certificate is signed by the RDS CA, which is not in the
    # runtime's trust store. The function reaches the cluster's endpoint inside the VPC only.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class PgSession:
    def __init__(self, connection: pg8000.native.Connection) -> None:
        self._connection = connection

    def query(self, sql: str, **params: Any) -> list[list[Any]]:
        return self._connection.run(sql, **params) or []

    def execute(self, sql: str) -> None:
        self._connection.run(sql)

    def close(self) -> None:
        self._connection.close()


def connector(config: Config):
    """``connect(credentials) -> PgSession`` with the configured TLS."""
    context = tls_context(config)

    def connect(credentials: Credentials) -> PgSession:
        return PgSession(
            pg8000.native.Connection(
                user=credentials.username,
                password=credentials.password,
                host=credentials.host,
                port=credentials.port,
                database=credentials.database,
                ssl_context=context,
                timeout=CONNECT_TIMEOUT,
                application_name="artificien-pygrid-db-role",
            )
        )

    return connect
