"""Per-node database roles (node_up, node_down) against a real PostgreSQL server (16, Aurora's
major version), through the same secrets code the function runs on AWS (moto's Secrets Manager).

The master user is shaped like RDS's (CREATEROLE and CREATEDB, no superuser), and each node's
secret is written exactly as the node manager writes it (shared.pygrid_database.node_secret).
"""

from __future__ import annotations

import json
from dataclasses import replace

import pg8000.native
import pytest

from pygrid_db_role import logic, nodes
from pygrid_fork import HOSTILE_PASSWORD, connect_url, fork_start, url_parts
from shared.pygrid_database import node_database_name, node_role_name, node_secret

PREFIX = "artificien-test/pygrid-nodes/"
REFUSED = "42501"  # insufficient_privilege
LOGIN_REFUSED = "28P01|28000"  # no password any more, or NOLOGIN


@pytest.fixture
def node_config(config):
    return replace(config, node_secret_prefix=PREFIX)


@pytest.fixture
def suffix(cluster) -> str:
    """This test's suffix: every role and database named with it is dropped afterwards."""
    return cluster.role.rsplit("_", 1)[-1]


@pytest.fixture
def write_secret(aws_secrets, node_config, store_handing_out):
    """``write_secret(node_id, password=None)``: the node's secret as the node manager makes it
    on up (password from Secrets Manager's generator unless one is given)."""

    def write(node_id: str, password: str | None = None) -> dict:
        if password is None:
            password = aws_secrets.client.get_random_password(
                PasswordLength=40, IncludeSpace=False, RequireEachIncludedType=True
            )["RandomPassword"]
        value = node_secret(node_id, password, node_config.host, node_config.port)
        name = PREFIX + node_id
        try:
            aws_secrets.client.create_secret(Name=name, SecretString=json.dumps(value))
        except aws_secrets.client.exceptions.ResourceExistsException:
            aws_secrets.client.put_secret_value(SecretId=name, SecretString=json.dumps(value))
        return value

    return write


@pytest.fixture
def up(node_config, store, connect_master, write_secret):
    """``up(node_id, password=None)``: write the node's secret, then node_up; (outcome, secret)."""

    def run(node_id: str, password: str | None = None):
        secret = write_secret(node_id, password)
        return nodes.node_up(node_config, store, connect_master, node_id), secret

    return run


@pytest.fixture
def down(node_config, store, connect_master):
    def run(node_id: str, drop_database: bool = False):
        return nodes.node_down(node_config, store, connect_master, node_id, drop_database)

    return run


def _exists(cluster, table: str, column: str, name: str) -> bool:
    admin = cluster.superuser()
    try:
        # table and column are this test's constants
        return bool(admin.run(f"SELECT 1 FROM {table} WHERE {column} = :n", n=name))  # noqa: S608
    finally:
        admin.close()


# node_up ------------------------------------------------------------------------------------------


def test_a_node_role_owns_its_database_and_the_forks_start_uses_it(cluster, suffix, up):
    # GIVEN the node's secret WHEN node_up runs
    node_id = f"artificien-health-{suffix}"
    outcome, secret = up(node_id)

    # THEN it made the node's role and its database, owned by that role
    assert (outcome.role, outcome.database) == (
        node_role_name(node_id),
        node_database_name(node_id),
    )
    assert (outcome.role_created, outcome.database_created) == (True, True)
    admin = cluster.superuser()
    try:
        owner = admin.run(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :d", d=outcome.database
        )
    finally:
        admin.close()
    assert owner == [[outcome.role]]
    # AND the fork, started with the secret's URL, finds that database (it creates nothing: its
    # role could not) and works in it
    assert fork_start(secret["url"], node_id) == outcome.database
    node = connect_url(secret["url"] + outcome.database)
    try:
        node.run("CREATE TABLE model (id serial PRIMARY KEY, name text)")
        node.run("INSERT INTO model (name) VALUES ('tutorial-model')")
        assert node.run("SELECT name, current_user FROM model") == [
            ["tutorial-model", outcome.role]
        ]
    finally:
        node.close()


def test_node_up_again_changes_nothing_the_node_holds(
    suffix, up, node_config, store, connect_master
):
    # GIVEN a node that is up, with its URL
    node_id = f"sleep-tracker-{suffix}"
    _, secret = up(node_id)
    held = secret["url"] + node_database_name(node_id)

    # WHEN node_up runs again (every up of the app asks again) with the same secret
    again = nodes.node_up(node_config, store, connect_master, node_id)

    # THEN nothing was created and the held URL still connects
    assert (again.role_created, again.database_created) == (False, False)
    connect_url(held).close()


def test_node_roles_cannot_connect_to_each_others_databases(
    cluster, suffix, up, config, store, connect_master
):
    # GIVEN two nodes, each up with its own role, and PyGrid's shared role
    a, a_secret = up(f"node-a-{suffix}")
    b, b_secret = up(f"node-b-{suffix}")
    logic.provision(config, store, connect_master)
    shared_url = store.read(config.role_secret_arn)["url"]

    # WHEN each connects to the other's database THEN CONNECT is refused (not PUBLIC's any more)
    for url, database in (
        (a_secret["url"], b.database),
        (b_secret["url"], a.database),
        (shared_url, a.database),
    ):
        with pytest.raises(pg8000.exceptions.DatabaseError, match=REFUSED):
            connect_url(url + database)
    # AND each still reaches its own
    connect_url(a_secret["url"] + a.database).close()
    connect_url(b_secret["url"] + b.database).close()


def test_a_nodes_database_grants_nothing_but_to_its_owner(cluster, suffix, up):
    # WHEN a node is up
    outcome, _ = up(f"grants-{suffix}")

    # THEN its database's ACL names its role alone: PostgreSQL's default CONNECT and TEMPORARY
    # to PUBLIC are gone, and no other role was granted anything
    admin = cluster.superuser()
    try:
        acl = admin.run(
            "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,"
            " a.privilege_type FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = :d",
            d=outcome.database,
        )
        # a role nobody granted anything (as every other login of the cluster)
        admin.run(f"CREATE ROLE stranger_{suffix} LOGIN PASSWORD 'stranger-password-{suffix}'")
    finally:
        admin.close()
    assert sorted(acl) == sorted([[outcome.role, p] for p in ("CONNECT", "CREATE", "TEMPORARY")])
    with pytest.raises(pg8000.exceptions.DatabaseError, match=REFUSED):
        cluster.connect(f"stranger_{suffix}", f"stranger-password-{suffix}", outcome.database)


def test_a_node_role_is_no_superuser_and_cannot_create_roles_or_databases(cluster, suffix, up):
    # GIVEN a node's role, connected with its own URL
    outcome, secret = up(f"rights-{suffix}")
    admin = cluster.superuser()
    try:
        attributes = admin.run(
            "SELECT rolcanlogin, rolcreatedb, rolsuper, rolcreaterole, rolreplication,"
            " rolbypassrls FROM pg_roles WHERE rolname = :r",
            r=outcome.role,
        )
        memberships = admin.run(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
            " WHERE r.rolname = :r",
            r=outcome.role,
        )
    finally:
        admin.close()
    # THEN it may log in and nothing more, and belongs to no other role
    assert attributes == [[True, False, False, False, False, False]]
    assert memberships == []
    # AND the server refuses it a role, a database, or superuser
    session = connect_url(secret["url"] + outcome.database)
    try:
        with pytest.raises(pg8000.exceptions.DatabaseError, match=REFUSED):
            session.run(f"CREATE ROLE extra_{suffix} LOGIN")
        with pytest.raises(pg8000.exceptions.DatabaseError, match=REFUSED):
            session.run(f"CREATE DATABASE extra_{suffix}")
        with pytest.raises(pg8000.exceptions.DatabaseError, match=REFUSED):
            session.run(f"ALTER ROLE {outcome.role} SUPERUSER")
    finally:
        session.close()


def test_a_password_with_url_delimiters_survives_the_nodes_url(postgres, suffix, up, node_config):
    # GIVEN the node's password is full of URL delimiters: @ : / % # ? & and more
    node_id = f"hostile-{suffix}"
    outcome, secret = up(node_id, HOSTILE_PASSWORD)

    # THEN its URL decodes back to exactly that role, password, host, port and database
    url = secret["url"] + outcome.database
    assert url_parts(url) == {
        "user": outcome.role,
        "password": HOSTILE_PASSWORD,
        "host": node_config.host,
        "port": node_config.port,
        "database": outcome.database,
    }
    # AND the server accepts it through a parser and driver (SCRAM) and through libpq's own
    # reading of a URL (what psycopg2, the fork's driver, is built on)
    connect_url(url).close()
    answer = postgres.psql(url, "SELECT current_user, current_database()")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == f"{outcome.role}|{outcome.database}"


def test_the_node_password_never_reaches_the_server_log(
    postgres, suffix, up, node_config, store, connect_master
):
    # GIVEN the server logs every DDL statement, as the cluster's parameter group makes it
    before = len(postgres.log_text())
    node_id = f"logged-{suffix}"

    # WHEN the node's role is created, then altered
    up(node_id, HOSTILE_PASSWORD)
    nodes.node_up(node_config, store, connect_master, node_id)

    # THEN the log shows both statements with a SCRAM verifier and never the password
    log = postgres.log_text()[before:]
    role = node_role_name(node_id)
    assert f'CREATE ROLE "{role}"' in log
    assert f'ALTER ROLE "{role}"' in log
    assert "SCRAM-SHA-256$4096:" in log
    assert HOSTILE_PASSWORD not in log
    assert "p@ss:wo/rd" not in log


def test_a_long_node_id_gets_the_names_postgres_keeps(cluster, suffix, up):
    # GIVEN the longest node id (63 characters): its database name is 65 with "db"
    node_id = suffix + "a" * (63 - len(suffix))
    outcome, secret = up(node_id)

    # THEN the role name fits PostgreSQL's 63 bytes (cut, with a hash) and the database is the
    # name the server keeps of the fork's 65-character one
    assert len(outcome.role) <= 63
    assert outcome.database == (node_id + "db")[:63]
    # AND the fork's start, with the uncut name, lands in that database
    fork_name = fork_start(secret["url"], node_id)
    assert len(fork_name) == 65
    session = connect_url(secret["url"] + fork_name)
    try:
        assert session.run("SELECT current_database()") == [[outcome.database]]
    finally:
        session.close()


def test_two_ids_that_share_a_database_name_are_refused(cluster, suffix, up, write_secret):
    # GIVEN "ab-<x>" is up; "a-b-<x>" is another node, whose database the fork names the same
    first, first_secret = up(f"ab-{suffix}")
    assert node_database_name(f"a-b-{suffix}") == first.database

    # WHEN the second node's role is asked for THEN it is refused, naming the owner, before
    # anything was made for it
    with pytest.raises(logic.ProvisioningError, match=f"belongs to role {first.role}"):
        up(f"a-b-{suffix}")
    assert not _exists(cluster, "pg_roles", "rolname", node_role_name(f"a-b-{suffix}"))
    # AND the first node keeps its database, alone
    connect_url(first_secret["url"] + first.database).close()


# what node_up refuses -----------------------------------------------------------------------------


def test_a_secret_that_names_another_role_is_refused(
    cluster, aws_secrets, node_config, store, connect_master
):
    # GIVEN a node secret rewritten to name the master user, with a password of its own
    node_id = f"tampered-{cluster.role[-8:]}"
    value = node_secret(node_id, "x" * 30 + "Aa9!", node_config.host, node_config.port)
    value["username"] = cluster.master_user
    aws_secrets.client.create_secret(Name=PREFIX + node_id, SecretString=json.dumps(value))

    # WHEN node_up runs THEN it refuses, and the master's password is untouched
    with pytest.raises(logic.ProvisioningError, match="refusing to set another role's password"):
        nodes.node_up(node_config, store, connect_master, node_id)
    cluster.master().close()


def test_an_existing_role_not_shaped_like_a_nodes_is_left_alone(
    cluster, suffix, node_config, store, write_secret, connect_master
):
    # GIVEN a role of the node's name that can create roles (a master named node_..., say)
    node_id = f"foreign-{suffix}"
    role = node_role_name(node_id)
    admin = cluster.superuser()
    try:
        admin.run(f"CREATE ROLE {role} LOGIN CREATEROLE PASSWORD 'its-own-password-{suffix}'")
    finally:
        admin.close()
    write_secret(node_id)

    # WHEN node_up (or node_down) runs THEN each refuses, and the role keeps its password
    with pytest.raises(logic.ProvisioningError, match="not a node's role"):
        nodes.node_up(node_config, store, connect_master, node_id)
    with pytest.raises(logic.ProvisioningError, match="not a node's role"):
        nodes.node_down(node_config, store, connect_master, node_id, True)
    cluster.connect(role, f"its-own-password-{suffix}").close()


def test_a_missing_secret_is_refused_before_the_database_is_touched(
    cluster, suffix, node_config, store, connect_master
):
    node_id = f"no-secret-{suffix}"
    with pytest.raises(logic.ProvisioningError, match="node manager writes it on up"):
        nodes.node_up(node_config, store, connect_master, node_id)
    admin = cluster.superuser()
    try:
        assert (
            admin.run("SELECT 1 FROM pg_roles WHERE rolname = :r", r=node_role_name(node_id)) == []
        )
    finally:
        admin.close()


def test_a_secret_for_another_database_host_is_refused(
    cluster, aws_secrets, node_config, store, connect_master
):
    node_id = f"elsewhere-{cluster.role[-8:]}"
    value = node_secret(node_id, "y" * 30 + "Bb8?", "old-cluster.example.com", node_config.port)
    aws_secrets.client.create_secret(Name=PREFIX + node_id, SecretString=json.dumps(value))
    with pytest.raises(logic.ProvisioningError, match="the node could not connect"):
        nodes.node_up(node_config, store, connect_master, node_id)


def test_node_actions_need_the_secret_prefix(config, store, connect_master):
    with pytest.raises(logic.ProvisioningError, match="NODE_SECRET_PREFIX is not set"):
        nodes.node_up(config, store, connect_master, "some-node")


# node_down ----------------------------------------------------------------------------------------


def test_node_down_takes_the_login_and_keeps_the_data_for_the_next_node(cluster, suffix, up, down):
    # GIVEN a node that stored a model in its database
    node_id = f"kept-{suffix}"
    first, secret = up(node_id)
    session = connect_url(secret["url"] + first.database)
    try:
        session.run("CREATE TABLE model (name text)")
        session.run("INSERT INTO model VALUES ('trained')")
    finally:
        session.close()

    # WHEN the node goes down
    outcome = down(node_id)

    # THEN its URL no longer logs in, the role stays only as the owner of the kept database
    assert (outcome.login_revoked, outcome.database_dropped, outcome.role_dropped) == (
        True,
        False,
        False,
    )
    with pytest.raises(pg8000.exceptions.DatabaseError, match=LOGIN_REFUSED):
        connect_url(secret["url"] + first.database)
    assert _exists(cluster, "pg_database", "datname", first.database)
    # AND the app's next node (a new secret, a new password) finds its data again
    again, new_secret = up(node_id)
    assert (again.role_created, again.database_created) == (False, False)
    assert new_secret["password"] != secret["password"]
    session = connect_url(new_secret["url"] + first.database)
    try:
        assert session.run("SELECT name FROM model") == [["trained"]]
    finally:
        session.close()


def test_node_down_ends_the_nodes_open_sessions(cluster, suffix, up, down):
    # GIVEN a node's open connection (its task is still draining)
    node_id = f"draining-{suffix}"
    outcome, secret = up(node_id)
    session = connect_url(secret["url"] + outcome.database)

    # WHEN the node goes down THEN that session is ended too
    down(node_id)
    with pytest.raises((pg8000.exceptions.DatabaseError, pg8000.exceptions.InterfaceError)):
        session.run("SELECT 1")


def test_node_down_with_drop_database_leaves_nothing(cluster, suffix, up, down):
    # GIVEN a node that is up, with a connection open to its database
    node_id = f"dropped-{suffix}"
    outcome, secret = up(node_id)
    session = connect_url(secret["url"] + outcome.database)

    # WHEN it goes down with its database
    result = down(node_id, drop_database=True)
    with pytest.raises((pg8000.exceptions.DatabaseError, pg8000.exceptions.InterfaceError)):
        session.run("SELECT 1")

    # THEN the database and the role are gone
    assert (result.database_dropped, result.role_dropped) == (True, True)
    assert not _exists(cluster, "pg_database", "datname", outcome.database)
    assert not _exists(cluster, "pg_roles", "rolname", outcome.role)
    # AND a second down finds nothing to do
    assert down(node_id, drop_database=True).login_revoked is False


def test_node_down_drops_a_role_that_owns_nothing(cluster, suffix, up, down):
    # GIVEN a node whose database was dropped meanwhile (by an operator)
    node_id = f"empty-{suffix}"
    outcome, _ = up(node_id)
    admin = cluster.superuser()
    try:
        admin.run(f'DROP DATABASE "{outcome.database}" WITH (FORCE)')
    finally:
        admin.close()

    # WHEN it goes down THEN its role, owning nothing, is dropped
    assert down(node_id).role_dropped is True
    assert not _exists(cluster, "pg_roles", "rolname", outcome.role)


def test_node_down_never_drops_another_nodes_database(cluster, suffix, up, down, write_secret):
    # GIVEN "ab-<x>" up, and "a-b-<x>" (whose database name is the same) refused a role
    first, first_secret = up(f"ab-{suffix}")
    with pytest.raises(logic.ProvisioningError):
        up(f"a-b-{suffix}")

    # WHEN the refused node's rollback asks for its down, with its database
    down(f"a-b-{suffix}", drop_database=True)

    # THEN the first node's database is still there and still its own
    connect_url(first_secret["url"] + first.database).close()


# the function's entry point -----------------------------------------------------------------------


@pytest.fixture
def node_environ(node_config, aws_secrets, monkeypatch):
    from pygrid_db_role import handler

    values = {
        "MASTER_SECRET_ARN": node_config.master_secret_arn,
        "ROLE_SECRET_ARN": node_config.role_secret_arn,
        "DATABASE_HOST": node_config.host,
        "DATABASE_PORT": str(node_config.port),
        "ROLE_NAME": node_config.role_name,
        "NODE_SECRET_PREFIX": PREFIX,
        "DATABASE_TLS": "disable",
        "AWS_REGION": "us-east-1",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    handler.build.cache_clear()
    yield handler
    handler.build.cache_clear()


def test_the_node_manager_s_invocations_answer_names_and_flags_only(
    cluster, suffix, node_environ, write_secret, capsys
):
    handler = node_environ
    node_id = f"invoked-{suffix}"
    secret = write_secret(node_id, HOSTILE_PASSWORD)

    # WHEN the node manager invokes node_up, then node_down with the database
    up_answer = handler.handler({"action": "node_up", "node_id": node_id}, None)
    down_answer = handler.handler(
        {"action": "node_down", "node_id": node_id, "drop_database": True}, None
    )

    # THEN each answer says what was done to which role and database, and nothing secret
    role, database = node_role_name(node_id), node_database_name(node_id)
    assert up_answer == {
        "action": "node_up",
        "node_id": node_id,
        "role": role,
        "database": database,
        "role_created": True,
        "database_created": True,
        "login_revoked": False,
        "database_dropped": False,
        "role_dropped": False,
    }
    assert (down_answer["database_dropped"], down_answer["role_dropped"]) == (True, True)
    logged = capsys.readouterr()
    for text in (json.dumps(up_answer), json.dumps(down_answer), logged.out + logged.err):
        assert HOSTILE_PASSWORD not in text
        assert secret["url"] not in text
        assert cluster.master_password not in text
    assert "node role changed" in logged.out + logged.err


def test_a_refused_node_action_is_logged_without_the_password(
    cluster, suffix, node_environ, aws_secrets, capsys
):
    handler = node_environ
    node_id = f"refused-{suffix}"
    value = node_secret(node_id, HOSTILE_PASSWORD, "elsewhere.example.com", 5432)
    aws_secrets.client.create_secret(Name=PREFIX + node_id, SecretString=json.dumps(value))

    with pytest.raises(logic.ProvisioningError, match="the node could not connect"):
        handler.handler({"action": "node_up", "node_id": node_id}, None)
    logged = capsys.readouterr()
    assert "node role not changed" in logged.out + logged.err
    assert HOSTILE_PASSWORD not in logged.out + logged.err
