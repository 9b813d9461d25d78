"""Pure parts of the per-node roles: the names both functions derive from a node id, the node
secret the node manager writes, and the node events the role function accepts."""

from __future__ import annotations

import string
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pygrid_db_role import handler
from pygrid_db_role.config import ConfigError, load_config
from shared import pygrid_database as names
from shared.slug import slugify

ENV = {
    "MASTER_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-1-AbC",
    "ROLE_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:a/pygrid-AbCdEf",
    "DATABASE_HOST": "db.example.com",
}
slugs = st.text(alphabet=string.printable, min_size=1).filter(str.strip).map(slugify)


def test_a_node_s_names():
    assert names.node_role_name("artificien-health") == "node_artificien_health"
    # the fork's own rule: lower-cased, '-' removed, plus "db"
    assert names.node_database_name("artificien-health") == "artificienhealthdb"


@given(slugs, slugs)
def test_distinct_node_ids_get_distinct_roles_within_postgres_limits(first, second):
    # GIVEN any two slugs an app id can have
    a, b = names.node_role_name(first), names.node_role_name(second)
    # THEN each role fits a PostgreSQL name, is an unquoted identifier, starts with node_ (never
    # PyGrid's shared role, the master user or a pg_/rds name), and distinct ids stay distinct
    for role in (a, b):
        assert len(role) <= 63
        assert role.startswith("node_")
        assert set(role) <= set(string.ascii_lowercase + string.digits + "_")
    assert (a == b) == (first == second)


@given(slugs)
def test_the_database_name_is_what_postgres_keeps_of_the_forks(node_id):
    fork = node_id.lower().replace("-", "") + "db"
    assert names.node_database_name(node_id) == fork[:63]


@given(st.text(alphabet=string.ascii_letters + string.digits + string.punctuation, min_size=24))
def test_the_node_secret_s_url_decodes_to_its_parts(password):
    secret = names.node_secret("my-app", password, "db.example.com", 5432)
    parts = urlsplit(secret["url"] + secret["dbname"])
    assert (unquote(parts.username), unquote(parts.password)) == (secret["username"], password)
    assert (parts.hostname, parts.port, parts.path) == ("db.example.com", 5432, "/myappdb")
    assert set(secret) == {"engine", "host", "port", "username", "password", "dbname", "url"}


@pytest.mark.parametrize("node_id", ["", "My-App", "my_app", "-app", "app-", "a" * 64, None, 7])
def test_what_is_not_a_node_id_is_refused(node_id):
    with pytest.raises(names.InvalidNodeId, match="an app's slug"):
        names.node_role_name(node_id)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"action": "node_up", "node_id": "my-app"}, handler.Request("node_up", "my-app")),
        (
            {"action": "node_down", "node_id": "my-app"},
            handler.Request("node_down", "my-app", False),
        ),
        (
            {"action": "node_down", "node_id": "my-app", "drop_database": True},
            handler.Request("node_down", "my-app", True),
        ),
        ({}, handler.Request("provision")),
    ],
)
def test_node_events_are_read(event, expected):
    assert handler.parse_request(event) == expected


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"action": "node_up"}, "node_up needs 'node_id'"),
        ({"action": "node_up", "node_id": "My App"}, "node_up needs 'node_id'"),
        ({"action": "node_down", "node_id": 7}, "node_down needs 'node_id'"),
        (
            {"action": "node_up", "node_id": "a", "drop_database": True},
            "unknown event keys for node_up: drop_database",
        ),
        ({"action": "node_down", "node_id": "a", "drop_database": "yes"}, "true or false"),
        ({"action": "provision", "node_id": "a"}, "unknown event keys for provision: node_id"),
        ({"action": "node_up", "node_id": "a", "password": "x"}, "unknown event keys"),
    ],
)
def test_bad_node_events_are_refused_naming_the_problem(event, reason):
    with pytest.raises(handler.BadEvent, match=reason):
        handler.parse_request(event)


def test_the_node_secret_prefix_is_read_and_checked():
    assert load_config(ENV).node_secret_prefix == ""
    prefix = "artificien-dev/pygrid-nodes/"
    assert load_config({**ENV, "NODE_SECRET_PREFIX": prefix}).node_secret_prefix == prefix
    for bad in ("no-slash", "rds!cluster/", "/leading/", "with space/"):
        with pytest.raises(ConfigError, match="NODE_SECRET_PREFIX"):
            load_config({**ENV, "NODE_SECRET_PREFIX": bad})
