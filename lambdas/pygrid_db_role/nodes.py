"""One database role per PyGrid node: ``node_up`` and ``node_down``, over the seams ``provision``
uses (a ``SecretStore`` and a ``connect`` callable), as the master user.

``node_up`` reads the node's secret (the node manager writes it, with a password from Secrets
Manager, before it asks for the role) and makes the server match it: a LOGIN role
``node_<id>`` with that password (sent as a SCRAM verifier), NOCREATEDB, NOCREATEROLE, no
superuser; the database ``<id without '-'>db`` owned by it, created when missing; and that
database closed to PUBLIC, which PostgreSQL grants CONNECT and TEMPORARY on every new database,
so no other node's role (nor any other role but the owner) can even connect to it.

The role needs no CREATEDB: the fork (``src/app/__init__.py``) first connects to
``DATABASE_URL + '<id>db'`` and only when that fails connects to ``postgres`` to create it, so a
database that exists when the node starts is simply used.

``node_down`` takes the role's login away at once (NOLOGIN, no password, its sessions ended).
The database is kept unless ``drop_database`` asks otherwise: it holds the node's training state
(processes, cycles, models the orchestration node has yet to fetch), and the app's next node
finds it again. A role that owns nothing any more (no database, no object anywhere) is dropped;
one that still owns its database stays, without login, as that database's owner.

Either action refuses to touch an existing role that is not shaped like a node's (a superuser,
a role that can create roles or databases, or that belongs to another role): whatever a node
secret says, the master user and PyGrid's shared role are never altered here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from pygrid_db_role.config import Config
from pygrid_db_role.logic import (
    SALT_BYTES,
    ProvisioningError,
    SecretStore,
    Session,
    check_role,
    master_credentials,
    quote_ident,
    quote_literal,
    scram_verifier,
    valid_password,
)
from shared.pygrid_database import (
    check_node_id,
    database_url,
    node_database_name,
    node_role_name,
)

# The attributes a node's role must have once node_up is done, as pg_roles reports them.
NODE_ROLE_ATTRIBUTES = {
    "rolcanlogin": True,
    "rolcreatedb": False,
    "rolsuper": False,
    "rolcreaterole": False,
    "rolreplication": False,
    "rolbypassrls": False,
}
# An existing role with any of these is not a node's: neither action changes it.
FOREIGN_ATTRIBUTES = ("rolsuper", "rolcreaterole", "rolcreatedb", "rolreplication", "rolbypassrls")
# GRANT ... WITH INHERIT/SET options exist from PostgreSQL 16 (Aurora's major version) on.
GRANT_OPTIONS_VERSION = 160000


@dataclass(frozen=True)
class NodeOutcome:
    """What a node action did, for the node manager's log and rollback: names and flags only."""

    action: str
    node_id: str
    role: str
    database: str
    role_created: bool = False
    database_created: bool = False
    login_revoked: bool = False
    database_dropped: bool = False
    role_dropped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def node_secret_name(config: Config, node_id: str) -> str:
    """The name of the node's secret: ``<NODE_SECRET_PREFIX><node id>``."""
    if not config.node_secret_prefix:
        raise ProvisioningError(
            "NODE_SECRET_PREFIX is not set: this function keeps no per-node roles"
        )
    return config.node_secret_prefix + node_id


def node_password(config: Config, node_id: str, secret: Mapping[str, Any] | None) -> str:
    """The password in the node's secret, once the secret is checked to be that node's."""
    name = node_secret_name(config, node_id)
    if not secret:
        raise ProvisioningError(
            f"node secret {name} does not exist or has no value: the node manager writes it on"
            " up, before it asks for the role"
        )
    role = node_role_name(node_id)
    if secret.get("username") != role:
        raise ProvisioningError(
            f"node secret {name} names role {secret.get('username')!r}, not {role}: refusing to"
            " set another role's password"
        )
    password = secret.get("password")
    if not valid_password(password):
        raise ProvisioningError(
            f"node secret {name} holds a password that is not 24+ printable ASCII characters"
        )
    where = (secret.get("host"), secret.get("port"))
    if where != (config.host, config.port):
        raise ProvisioningError(
            f"node secret {name} points at {where[0]}:{where[1]}, but the database is"
            f" {config.host}:{config.port}: the node could not connect"
        )
    if secret.get("url") != database_url(role, password, config.host, config.port):
        raise ProvisioningError(f"node secret {name} holds a url its other keys do not make")
    return password


def node_role_statement(role: str, verifier: str, exists: bool) -> str:
    """CREATE or ALTER a node's role: it logs in and may do nothing cluster-wide."""
    verb = "ALTER" if exists else "CREATE"
    return (
        f"{verb} ROLE {quote_ident(role)} WITH LOGIN NOCREATEDB NOCREATEROLE"
        f" PASSWORD {quote_literal(verifier)}"
    )


def _role_attributes(session: Session, role: str) -> dict[str, bool] | None:
    columns = list(NODE_ROLE_ATTRIBUTES)
    # The column names are this module's constants; the role name is a bound parameter.
    sql = f"SELECT {', '.join(columns)} FROM pg_catalog.pg_roles WHERE rolname = :role"  # noqa: S608
    rows = session.query(sql, role=role)
    return dict(zip(columns, rows[0], strict=True)) if rows else None


def _refuse_foreign(role: str, attributes: Mapping[str, bool]) -> None:
    held = [name for name in FOREIGN_ATTRIBUTES if attributes[name]]
    if held:
        raise ProvisioningError(
            f"role {role} exists with {', '.join(held)}: it is not a node's role, so it is left"
            " as it is"
        )


def _may_set_role(session: Session, role: str) -> None:
    """Let the master act as the node's role (own its database, end its sessions).

    The master created the role, so it holds ADMIN on it, but from PostgreSQL 16 on that is not
    membership: ``CREATE DATABASE ... OWNER`` needs SET. INHERIT stays off, so the master does
    not gain the role's rights in passing (it cannot even connect to the node's database).
    """
    version = int(session.query("SELECT current_setting('server_version_num')")[0][0])
    options = " WITH INHERIT FALSE, SET TRUE" if version >= GRANT_OPTIONS_VERSION else ""
    session.execute(f"GRANT {quote_ident(role)} TO CURRENT_USER{options}")


@contextmanager
def _as_role(session: Session, role: str) -> Iterator[None]:
    session.execute(f"SET ROLE {quote_ident(role)}")
    try:
        yield
    finally:
        session.execute("RESET ROLE")


def _database_owner(session: Session, database: str) -> str | None:
    rows = session.query(
        "SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database"
        " WHERE datname = :name",
        name=database,
    )
    return str(rows[0][0]) if rows else None


def check_database(session: Session, role: str, database: str) -> None:
    """Fail unless the database is ``role``'s and grants nothing to any other role (or PUBLIC)."""
    owner = _database_owner(session, database)
    if owner != role:
        raise ProvisioningError(f"database {database} belongs to {owner}, not {role}")
    rows = session.query(
        "SELECT d.datacl IS NULL FROM pg_catalog.pg_database d WHERE d.datname = :name",
        name=database,
    )
    if rows[0][0]:  # no ACL yet means PostgreSQL's defaults: CONNECT and TEMPORARY to PUBLIC
        raise ProvisioningError(f"database {database} still has the default grants to PUBLIC")
    others = session.query(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee)"
        " END, a.privilege_type FROM pg_catalog.pg_database d,"
        " pg_catalog.aclexplode(d.datacl) a WHERE d.datname = :name AND a.grantee <> d.datdba",
        name=database,
    )
    if others:
        grants = ", ".join(sorted(f"{row[1]} to {row[0]}" for row in others))
        raise ProvisioningError(f"database {database} grants {grants}: only {role} may use it")


def node_up(
    config: Config,
    secrets: SecretStore,
    connect: Callable[[Any], Session],
    node_id: str,
    salt: Callable[[int], bytes] = os.urandom,
) -> NodeOutcome:
    """Make the node's role and database match its secret; idempotent."""
    check_node_id(node_id)
    role, database = node_role_name(node_id), node_database_name(node_id)
    password = node_password(config, node_id, secrets.read(node_secret_name(config, node_id)))
    master = master_credentials(secrets.read(config.master_secret_arn), config)
    if role in (master.username, config.role_name):
        raise ProvisioningError(f"role {role} is the master's or PyGrid's shared role")

    session = connect(master)
    try:
        # Everything that can refuse is checked before anything is written.
        attributes = _role_attributes(session, role)
        if attributes is not None:
            _refuse_foreign(role, attributes)
        owner = _database_owner(session, database)
        if owner is not None and owner != role:
            raise ProvisioningError(
                f"database {database} belongs to role {owner}, not {role}: the fork names a"
                " node's database after its id without '-', so two apps whose slugs differ"
                " only in '-' cannot both have nodes"
            )
        verifier = scram_verifier(password, salt(SALT_BYTES))
        session.execute(node_role_statement(role, verifier, exists=attributes is not None))
        check_role(session, role, NODE_ROLE_ATTRIBUTES)
        _may_set_role(session, role)
        if owner is None:
            # CREATE DATABASE cannot run in a transaction; the session is in autocommit.
            session.execute(f"CREATE DATABASE {quote_ident(database)} OWNER {quote_ident(role)}")
        with _as_role(session, role):
            session.execute(f"REVOKE ALL ON DATABASE {quote_ident(database)} FROM PUBLIC")
        check_database(session, role, database)
    finally:
        session.close()
    return NodeOutcome(
        action="node_up",
        node_id=node_id,
        role=role,
        database=database,
        role_created=attributes is None,
        database_created=owner is None,
    )


def _owns_anything(session: Session, role: str) -> bool:
    """Whether any database's objects (or a database) depend on the role, cluster-wide."""
    rows = session.query(
        "SELECT count(*) FROM pg_catalog.pg_shdepend WHERE refclassid ="
        " 'pg_catalog.pg_authid'::pg_catalog.regclass AND refobjid ="
        " (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = :role)",
        role=role,
    )
    return int(rows[0][0]) > 0


def node_down(
    config: Config,
    secrets: SecretStore,
    connect: Callable[[Any], Session],
    node_id: str,
    drop_database: bool = False,
) -> NodeOutcome:
    """Take the node's login away; drop its database when asked, and the role once it owns
    nothing. Idempotent: a node without a role is already down."""
    check_node_id(node_id)
    role, database = node_role_name(node_id), node_database_name(node_id)
    master = master_credentials(secrets.read(config.master_secret_arn), config)
    if role in (master.username, config.role_name):
        raise ProvisioningError(f"role {role} is the master's or PyGrid's shared role")

    dropped_database = dropped_role = False
    session = connect(master)
    try:
        attributes = _role_attributes(session, role)
        if attributes is None:
            return NodeOutcome(action="node_down", node_id=node_id, role=role, database=database)
        _refuse_foreign(role, attributes)
        session.execute(f"ALTER ROLE {quote_ident(role)} WITH NOLOGIN PASSWORD NULL")
        _may_set_role(session, role)
        with _as_role(session, role):
            # Only the role's own sessions: as the role, it may end those and no others.
            session.query(
                "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity"
                " WHERE usename = :role AND pid <> pg_catalog.pg_backend_pid()",
                role=role,
            )
            if drop_database and _database_owner(session, database) == role:
                session.execute(f"DROP DATABASE {quote_ident(database)} WITH (FORCE)")
                dropped_database = True
        if not _owns_anything(session, role):
            session.execute(f"DROP ROLE {quote_ident(role)}")
            dropped_role = True
    finally:
        session.close()
    return NodeOutcome(
        action="node_down",
        node_id=node_id,
        role=role,
        database=database,
        login_revoked=True,
        database_dropped=dropped_database,
        role_dropped=dropped_role,
    )
