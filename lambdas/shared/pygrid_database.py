"""A PyGrid node's database credentials: the names and the URL two functions must agree on.

The node manager writes each node's secret (``node_secret``) when it starts the node; the role
function reads that secret and makes the database match it (``pygrid_db_role.nodes``). Both zips
carry this module, so the role name, the database name and the URL cannot drift apart.

* The role is ``node_<node id with '-' as '_'>`` (a node id is its app's slug, which never holds
  ``_``, so distinct ids give distinct roles); an id too long for a 63-byte PostgreSQL name is cut
  and ends with 8 hex digits of its SHA-256. The ``node_`` prefix keeps every node role apart from
  PyGrid's shared role, the master user and PostgreSQL's own ``pg_``/``rds`` names.
* The database is the fork's own choice (``src/app/__init__.py``): the node id lower-cased, ``-``
  removed, plus ``db``, cut to 63 bytes as PostgreSQL cuts any longer name.
* ``DATABASE_URL`` is ``postgresql://user:password@host:port/`` with user and password
  percent-encoded whole; the fork appends the database name to the trailing slash.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import quote

# A node id is a slug (shared.slug): one DNS label, lower-case letters, digits and '-'.
NODE_ID = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
MAX_IDENTIFIER_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1
NODE_ROLE_PREFIX = "node_"
HASH_LENGTH = 8
ENGINE = "postgres"  # the "engine" key RDS writes in its own secrets


class InvalidNodeId(ValueError):
    """Not a node id (an app's slug): the message says what one looks like."""


def check_node_id(node_id: Any) -> str:
    """``node_id`` when it is a slug, else :class:`InvalidNodeId`."""
    if not isinstance(node_id, str) or not NODE_ID.fullmatch(node_id):
        raise InvalidNodeId(
            "a node id is an app's slug: 1-63 lower-case letters, digits or '-', starting and"
            f" ending with a letter or digit; got {node_id!r}"
        )
    return node_id


def node_role_name(node_id: str) -> str:
    """The PostgreSQL role of a node (see the module docstring)."""
    body = check_node_id(node_id).replace("-", "_")
    name = NODE_ROLE_PREFIX + body
    if len(name) <= MAX_IDENTIFIER_BYTES:
        return name
    suffix = hashlib.sha256(node_id.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    head = body[: MAX_IDENTIFIER_BYTES - len(NODE_ROLE_PREFIX) - HASH_LENGTH - 1]
    return f"{NODE_ROLE_PREFIX}{head}_{suffix}"


def node_database_name(node_id: str) -> str:
    """The database the fork opens for ``NODE_ID=node_id``, as the server names it."""
    return (check_node_id(node_id).lower().replace("-", "") + "db")[:MAX_IDENTIFIER_BYTES]


def database_url(username: str, password: str, host: str, port: int) -> str:
    """``DATABASE_URL`` as the PyGrid fork reads it: ``postgresql://user:password@host:port/``.

    The trailing slash is the fork's contract: it appends ``<node_id>db`` (and ``postgres`` to
    create that database). User and password are percent-encoded whole, so ``@ : / % # ?`` and
    the rest of the punctuation survive any RFC 3986 parser (SQLAlchemy's, libpq's, urllib's).
    """
    user = quote(username, safe="")
    secret = quote(password, safe="")
    return f"postgresql://{user}:{secret}@{host}:{port}/"


def node_secret(node_id: str, password: str, host: str, port: int) -> dict[str, Any]:
    """A node secret's JSON: RDS's key names, the database, and ``url`` (its DATABASE_URL)."""
    role = node_role_name(node_id)
    return {
        "engine": ENGINE,
        "host": host,
        "port": port,
        "username": role,
        "password": password,
        "dbname": node_database_name(node_id),
        "url": database_url(role, password, host, port),
    }
