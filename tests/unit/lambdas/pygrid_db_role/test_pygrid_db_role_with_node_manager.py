"""The node manager and the role function together: ``up`` writes the node's secret (moto's
Secrets Manager), invokes the role function (here its real handler, in-process, as Lambda would
run it) against a real PostgreSQL server, and the URL in the secret opens that node's database
and no other."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import sys
from pathlib import Path
from typing import Any

import boto3
import pg8000.native
import pytest
from botocore.exceptions import ClientError

from node_manager.errors import DatabaseRoleError
from pygrid_db_role import handler as role_handler
from pygrid_db_role.config import Config
from pygrid_db_role.database import connector
from pygrid_db_role.store import AwsSecretStore

# The node manager's moto platform, loaded by path (pytest runs with --import-mode=importlib).
_spec = importlib.util.spec_from_file_location(
    "role_tests_nodes_platform",
    Path(__file__).parents[1] / "node_manager" / "moto_platform.py",
)
assert _spec is not None
assert _spec.loader is not None
_platform = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _platform
_spec.loader.exec_module(_platform)
platform = _platform.platform  # the fixture
REFUSED = "42501"


class InProcessRoleFunction:
    """A Lambda client whose invoke runs the role function's handler here, with its deployed
    configuration: an answer as Lambda returns it, or a function error with the message."""

    def __init__(self, config: Config, secretsmanager: Any) -> None:
        self.deps = role_handler.Deps(
            config=config, secrets=AwsSecretStore(secretsmanager), connect=connector(config)
        )
        self.events: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        event = json.loads(kwargs["Payload"])
        self.events.append(event)
        response: dict[str, Any] = {"StatusCode": 200}
        try:
            payload = role_handler.handle(self.deps, event)
        # Lambda reports any exception as a function error; these are the ones the function raises
        except (
            role_handler.BadEvent,
            role_handler.logic.ProvisioningError,
            pg8000.exceptions.Error,
            ClientError,
        ) as error:
            payload = {"errorMessage": str(error), "errorType": type(error).__name__}
            response["FunctionError"] = "Unhandled"
        response["Payload"] = io.BytesIO(json.dumps(payload).encode())
        return response


@pytest.fixture
def deployed(platform, postgres, cluster):
    """The platform of an AWS env: the node manager configured with the database's host and the
    role function, the role function configured with the master secret and the node prefix."""
    client = boto3.client("secretsmanager", region_name=_platform.REGION)
    master = client.create_secret(
        Name="rds!cluster-nodes",
        SecretString=json.dumps(
            {"username": cluster.master_user, "password": cluster.master_password}
        ),
    )["ARN"]
    shared_role = client.create_secret(Name="artificien-test/pygrid-database/pygrid")["ARN"]
    role_config = Config(
        master_secret_arn=master,
        role_secret_arn=shared_role,
        host=postgres.host,
        port=postgres.port,
        role_name=cluster.role,
        tls="disable",
        node_secret_prefix=_platform.SECRET_PREFIX,
    )
    platform.config = dataclasses.replace(
        platform.config,
        database_host=postgres.host,
        database_port=postgres.port,
        database_role_function=_platform.ROLE_FUNCTION,
    )
    platform.role_function = InProcessRoleFunction(role_config, platform.secretsmanager)
    return platform


def _connect(url: str, database: str):
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    return pg8000.native.Connection(
        user=unquote(parts.username),
        password=unquote(parts.password),
        host=parts.hostname,
        port=parts.port,
        database=database,
    )


def test_up_and_down_give_each_node_its_own_database_role(deployed, cluster):
    # GIVEN two registered apps (named after this test's suffix, so their roles are cleaned up)
    suffix = cluster.role.rsplit("_", 1)[-1]
    first, second = f"Artificien Health {suffix}", f"Sleep Tracker {suffix}"
    for app in (first, second):
        deployed.put_app(app)
    manager = deployed.manager()

    # WHEN both nodes are started
    one, two = manager.up(first), manager.up(second)

    # THEN each secret's URL opens its own node's database, as that node's role
    a, b = deployed.secret_value(one.slug), deployed.secret_value(two.slug)
    session = _connect(a["url"], a["dbname"])
    try:
        session.run("CREATE TABLE model (name text)")
        session.run("INSERT INTO model VALUES ('kept')")
        assert session.run("SELECT current_user") == [[a["username"]]]
    finally:
        session.close()
    _connect(b["url"], b["dbname"]).close()
    # AND neither opens the other's
    with pytest.raises(pg8000.exceptions.DatabaseError, match=REFUSED):
        _connect(a["url"], b["dbname"])
    with pytest.raises(pg8000.exceptions.DatabaseError, match=REFUSED):
        _connect(b["url"], a["dbname"])
    assert one.changed[:2] == ["database secret", "database role"]

    # WHEN the first node goes down THEN its URL no longer logs in
    manager.down(first)
    with pytest.raises(pg8000.exceptions.DatabaseError, match=r"28P01|28000"):
        _connect(a["url"], a["dbname"])
    assert [s["Name"] for s in deployed.node_secrets()] == [f"{_platform.SECRET_PREFIX}{two.slug}"]

    # AND its next node (a new password) finds the data it kept
    manager.up(first)
    again = deployed.secret_value(one.slug)
    assert again["password"] != a["password"]
    session = _connect(again["url"], again["dbname"])
    try:
        assert session.run("SELECT name FROM model") == [["kept"]]
    finally:
        session.close()

    # WHEN it goes down with its database THEN nothing of it is left in the server
    manager.down(first, drop_database=True)
    admin = cluster.superuser()
    try:
        left = admin.run(
            "SELECT (SELECT count(*) FROM pg_database WHERE datname = :d),"
            " (SELECT count(*) FROM pg_roles WHERE rolname = :r)",
            d=a["dbname"],
            r=a["username"],
        )
    finally:
        admin.close()
    assert left == [[0, 0]]
    assert [e["action"] for e in deployed.role_function.events] == [
        "node_up",
        "node_up",
        "node_down",
        "node_up",
        "node_down",
    ]


def test_a_refused_role_leaves_nothing_half_made(deployed, cluster):
    # GIVEN "ab-<x>" has a node, and "a b <x>" slugs to "a-b-<x>": the fork names both nodes'
    # databases "ab<x>db"
    suffix = cluster.role.rsplit("_", 1)[-1]
    first, clash = f"ab {suffix}", f"a b {suffix}"
    for app in (first, clash):
        deployed.put_app(app)
    manager = deployed.manager()
    manager.up(first)
    before = deployed.item(clash)

    # WHEN the second node is started THEN the role function's refusal surfaces, and nothing of
    # that node is left: no secret, no role, no service; the first node's database is untouched
    with pytest.raises(DatabaseRoleError, match="belongs to role"):
        manager.up(clash)
    assert [s["Name"] for s in deployed.node_secrets()] == [f"{_platform.SECRET_PREFIX}ab-{suffix}"]
    assert len(deployed.services()) == 1
    assert deployed.item(clash) == before
    kept = deployed.secret_value(f"ab-{suffix}")
    _connect(kept["url"], kept["dbname"]).close()
