"""What the PyGrid fork does with its DATABASE_URL, for the tests that check the platform's URLs
and roles against a real PostgreSQL server (tests/unit/lambdas/pygrid_db_role)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pg8000.native

# Every character the issue names, and the rest of the punctuation Secrets Manager draws from.
HOSTILE_PASSWORD = "p@ss:wo/rd%25#frag?q=1&x+y'quote\"back\\slash~`!$^*()[]{}|;<>,.Aa9"


def url_parts(url: str) -> dict:
    """What a URL parser hands the driver: SQLAlchemy, libpq and urllib all percent-decode."""
    parts = urlsplit(url)
    return {
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "host": parts.hostname,
        "port": parts.port,
        "database": unquote(parts.path.lstrip("/")),
    }


def connect_url(url: str):
    return pg8000.native.Connection(**url_parts(url))


def fork_start(url: str, node_id: str) -> str:
    """Exactly the fork's start-up (src/app/__init__.py): connect to DATABASE_URL + '<id>db'; on
    failure connect to DATABASE_URL + 'postgres', commit, and create '<id>db'."""
    database = node_id.lower().replace("-", "") + "db"
    try:
        connect_url(url + database).close()
    except pg8000.exceptions.DatabaseError:
        bootstrap = connect_url(url + "postgres")
        try:
            bootstrap.run("commit")
            bootstrap.run("create database " + database)
        finally:
            bootstrap.close()
    return database
