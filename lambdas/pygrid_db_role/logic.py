"""What the role function does, over two small seams: the secrets and a database session.

Nothing here talks to AWS or opens a socket: ``provision`` gets a ``SecretStore`` and a
``connect`` callable. The password never leaves the secrets and the connection: the server is
sent a SCRAM-SHA-256 verifier, not the password (the cluster logs DDL, ``log_statement=ddl``, and
``CREATE/ALTER ROLE ... PASSWORD`` would put a plain password in that log), and no answer, log
line or error message carries it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import string
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from pygrid_db_role.config import Config

# The URL rule lives in shared/ since the node manager composes each node's URL with it too.
from shared.pygrid_database import database_url

SCRAM_ITERATIONS = 4096  # PostgreSQL's own default (scram_iterations)
SALT_BYTES = 16
# What GetRandomPassword draws from (no space): SASLprep leaves these unchanged, so the verifier
# computed here is the one the server would compute from the same password.
PASSWORD_ALPHABET = frozenset(string.ascii_letters + string.digits + string.punctuation)
# The attributes PyGrid's role must have, as pg_roles reports them.
ROLE_ATTRIBUTES = {
    "rolcanlogin": True,
    "rolcreatedb": True,
    "rolsuper": False,
    "rolcreaterole": False,
    "rolreplication": False,
    "rolbypassrls": False,
}


class ProvisioningError(RuntimeError):
    """The role or its secret cannot be made right; the message says what and never a password."""


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    host: str
    port: int
    database: str


class SecretStore(Protocol):
    def read(self, arn: str) -> dict[str, Any] | None: ...

    def write(self, arn: str, value: dict[str, Any]) -> None: ...

    def random_password(self, length: int) -> str: ...


class Session(Protocol):
    def query(self, sql: str, **params: Any) -> list[list[Any]]: ...

    def execute(self, sql: str) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What a run did, safe for Terraform's state: names and flags, never a credential."""

    role: str
    role_created: bool
    secret_written: bool
    host: str
    port: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def quote_ident(name: str) -> str:
    """A PostgreSQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A PostgreSQL string literal (standard_conforming_strings, on since 9.1)."""
    if "\\" in value or "\x00" in value:
        raise ProvisioningError("refusing a SQL literal with a backslash or NUL")
    return "'" + value.replace("'", "''") + "'"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def scram_verifier(password: str, salt: bytes, iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802, RFC 7677)."""
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    return f"SCRAM-SHA-256${iterations}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"


def valid_password(password: Any) -> bool:
    return (
        isinstance(password, str)
        and len(password) >= 24
        and all(ch in PASSWORD_ALPHABET for ch in password)
    )


def role_secret(config: Config, password: str) -> dict[str, Any]:
    """The role secret's JSON: RDS's key names, plus ``url`` (the nodes' DATABASE_URL)."""
    return {
        "engine": "postgres",
        "host": config.host,
        "port": config.port,
        "username": config.role_name,
        "password": password,
        "url": database_url(config.role_name, password, config.host, config.port),
    }


def role_statement(role: str, verifier: str, exists: bool) -> str:
    """CREATE or ALTER the role with what PyGrid needs: log in, create its per-node databases.

    No SUPERUSER, CREATEROLE, REPLICATION or BYPASSRLS: those are PostgreSQL's defaults at
    CREATE, and ALTER never grants them (a master user that is not a superuser, as on RDS, could
    not set them either); ``check_role`` then verifies what the server holds.
    """
    verb = "ALTER" if exists else "CREATE"
    return (
        f"{verb} ROLE {quote_ident(role)} WITH LOGIN CREATEDB NOCREATEROLE INHERIT"
        f" PASSWORD {quote_literal(verifier)}"
    )


def master_credentials(secret: Mapping[str, Any] | None, config: Config) -> Credentials:
    if not secret or not isinstance(secret.get("username"), str) or not secret.get("password"):
        raise ProvisioningError(
            f"the master secret {config.master_secret_arn} has no username and password"
        )
    return Credentials(
        username=secret["username"],
        password=str(secret["password"]),
        host=config.host,
        port=config.port,
        database=config.admin_database,
    )


def check_role(
    session: Session, role: str, attributes: Mapping[str, bool] = ROLE_ATTRIBUTES
) -> None:
    """Fail unless the server holds exactly ``attributes`` and no role memberships."""
    columns = list(attributes)
    # The column names are this module's constants; the role name is a bound parameter.
    sql = f"SELECT {', '.join(columns)} FROM pg_catalog.pg_roles WHERE rolname = :role"  # noqa: S608
    rows = session.query(sql, role=role)
    if not rows:
        raise ProvisioningError(f"role {role} does not exist after it was created")
    wrong = [c for c, value in zip(columns, rows[0], strict=True) if value != attributes[c]]
    if wrong:
        raise ProvisioningError(
            f"role {role} has {', '.join(f'{c}={not attributes[c]}' for c in wrong)};"
            " only a superuser can change that: drop the role, then run again"
        )
    memberships = session.query(
        "SELECT g.rolname FROM pg_catalog.pg_auth_members m"
        " JOIN pg_catalog.pg_roles g ON g.oid = m.roleid"
        " JOIN pg_catalog.pg_roles r ON r.oid = m.member WHERE r.rolname = :role",
        role=role,
    )
    if memberships:
        names = ", ".join(sorted(str(row[0]) for row in memberships))
        raise ProvisioningError(f"role {role} is a member of {names}: revoke that, then run again")


def provision(
    config: Config,
    secrets: SecretStore,
    connect: Callable[[Credentials], Session],
    salt: Callable[[int], bytes] = os.urandom,
) -> Outcome:
    """Make the role and its secret right; idempotent, so every apply may run it again."""
    master = master_credentials(secrets.read(config.master_secret_arn), config)
    current = secrets.read(config.role_secret_arn)
    password = current.get("password") if current else None
    if password is not None and not valid_password(password):
        raise ProvisioningError(
            f"the role secret {config.role_secret_arn} holds a password that is not 24+ printable"
            " ASCII characters; delete its value to have a new one generated"
        )
    if password is None:
        password = secrets.random_password(config.password_length)
        if not valid_password(password):
            raise ProvisioningError("the generated password is not 24+ printable ASCII characters")

    session = connect(master)
    try:
        exists = bool(
            session.query(
                "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :role", role=config.role_name
            )
        )
        verifier = scram_verifier(password, salt(SALT_BYTES))
        session.execute(role_statement(config.role_name, verifier, exists))
        check_role(session, config.role_name)
        if config.protected_database and session.query(
            "SELECT 1 FROM pg_catalog.pg_database WHERE datname = :name",
            name=config.protected_database,
        ):
            session.execute(
                f"REVOKE CONNECT, TEMPORARY ON DATABASE {quote_ident(config.protected_database)}"
                " FROM PUBLIC"
            )
    finally:
        session.close()

    # Written after the role holds the password: a failed run never leaves a secret the
    # database does not accept (the nodes would read it at their next start).
    wanted = role_secret(config, password)
    written = current != wanted
    if written:
        secrets.write(config.role_secret_arn, wanted)
    return Outcome(
        role=config.role_name,
        role_created=not exists,
        secret_written=written,
        host=config.host,
        port=config.port,
    )
