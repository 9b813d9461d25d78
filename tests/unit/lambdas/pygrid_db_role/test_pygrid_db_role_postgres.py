"""The role function against a real PostgreSQL server (16, Aurora's major version), through the
same secrets code it runs on AWS (moto's Secrets Manager).

The master user here is shaped like RDS's: it may create roles and databases but is no
superuser, so what works here is what the cluster's master may do.
"""

from __future__ import annotations

import pg8000.native
import pytest

from pygrid_db_role import logic
from pygrid_fork import HOSTILE_PASSWORD, connect_url, fork_start, url_parts


def _provision(config, store, connect_master):
    return logic.provision(config, store, connect_master)


def test_the_role_creates_its_node_database_through_the_postgres_database(
    cluster, config, aws_secrets, store, connect_master
):
    # GIVEN a fresh cluster and an empty role secret
    # WHEN the function provisions the role
    outcome = _provision(config, store, connect_master)

    # THEN the role exists and the secret holds the fork's DATABASE_URL (trailing slash)
    assert outcome.role_created is True
    assert outcome.secret_written is True
    url = aws_secrets.value(config.role_secret_arn)["url"]
    assert url.endswith(f"@{config.host}:{config.port}/")
    # AND a node started with that URL creates <node_id>db as the fork does, then uses it
    node_id = f"Artificien-Health-{cluster.role[-8:]}"
    database = fork_start(url, node_id)
    cluster.created_databases.append(database)
    node = connect_url(url + database)
    try:
        node.run("CREATE TABLE model (id serial PRIMARY KEY, name text)")
        node.run("INSERT INTO model (name) VALUES ('tutorial-model')")
        assert node.run("SELECT name FROM model") == [["tutorial-model"]]
        owner = node.run(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :d", d=database
        )
    finally:
        node.close()
    assert owner == [[cluster.role]]
    # AND a second start finds the database and creates nothing
    assert fork_start(url, node_id) == database


def test_the_role_has_createdb_and_nothing_more(cluster, config, store, connect_master):
    # WHEN the role is provisioned
    _provision(config, store, connect_master)

    # THEN the server holds exactly LOGIN and CREATEDB, no superuser, no CREATEROLE, no
    # replication, no RLS bypass, and no membership of any other role
    admin = cluster.superuser()
    try:
        attributes = admin.run(
            "SELECT rolcanlogin, rolcreatedb, rolsuper, rolcreaterole, rolreplication,"
            " rolbypassrls FROM pg_roles WHERE rolname = :r",
            r=cluster.role,
        )
        memberships = admin.run(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
            " WHERE r.rolname = :r",
            r=cluster.role,
        )
    finally:
        admin.close()
    assert attributes == [[True, True, False, False, False, False]]
    assert memberships == []


def test_the_role_cannot_create_roles(cluster, config, aws_secrets, store, connect_master):
    # GIVEN the provisioned role, connected with its own URL
    _provision(config, store, connect_master)
    url = aws_secrets.value(config.role_secret_arn)["url"]
    session = connect_url(url + "postgres")

    # WHEN it tries to create a role (or to make itself a superuser)
    # THEN the server refuses both
    try:
        with pytest.raises(pg8000.exceptions.DatabaseError, match="42501"):
            session.run(f"CREATE ROLE {cluster.role}_extra LOGIN")
        with pytest.raises(pg8000.exceptions.DatabaseError, match="42501"):
            session.run(f"ALTER ROLE {cluster.role} SUPERUSER")
    finally:
        session.close()


def test_the_role_cannot_read_a_database_another_pygrid_role_made(
    cluster, config, aws_secrets, store, connect_master, other_role
):
    # GIVEN two PyGrid roles provisioned by the same code (another node's role, here with its
    # own secret), and a node database the other role made and filled
    _provision(config, store, connect_master)
    mine = aws_secrets.value(config.role_secret_arn)["url"]
    logic.provision(other_role, store, connect_master)
    theirs = aws_secrets.value(other_role.role_secret_arn)["url"]
    database = fork_start(theirs, f"othernode{cluster.role[-8:]}")
    cluster.created_databases.append(database)
    other = connect_url(theirs + database)
    try:
        other.run("CREATE TABLE gradients (node text, diff bytea)")
        other.run("INSERT INTO gradients VALUES ('other', '\\x00')")
    finally:
        other.close()

    # WHEN this role connects to it and reads
    session = connect_url(mine + database)
    # THEN the data is refused
    try:
        with pytest.raises(pg8000.exceptions.DatabaseError, match="42501"):
            session.run("SELECT * FROM gradients")
        with pytest.raises(pg8000.exceptions.DatabaseError, match="42501"):
            session.run("CREATE TABLE intruder (x int)")
    finally:
        session.close()


def test_the_role_cannot_connect_to_the_platform_database(
    cluster, config, aws_secrets, store, connect_master
):
    # GIVEN the cluster's own database, which PyGrid never uses
    _provision(config, store, connect_master)
    url = aws_secrets.value(config.role_secret_arn)["url"]

    # WHEN the role connects to it THEN CONNECT is refused (revoked from PUBLIC)
    with pytest.raises(pg8000.exceptions.DatabaseError, match="42501"):
        connect_url(url + cluster.platform_database)
    # AND the master, its owner, still can
    cluster.master(cluster.platform_database).close()


def test_a_password_with_url_delimiters_survives_the_url(
    postgres, cluster, config, aws_secrets, connect_master, store_handing_out
):
    # GIVEN Secrets Manager hands out a password full of URL delimiters: @ : / % # ? & and more
    store = store_handing_out(HOSTILE_PASSWORD)

    # WHEN the role is provisioned with it
    logic.provision(config, store, connect_master)
    secret = aws_secrets.value(config.role_secret_arn)

    # THEN the URL decodes back to exactly that user, password, host and port
    url = secret["url"]
    assert secret["password"] == HOSTILE_PASSWORD
    parts = url_parts(url + "postgres")
    assert parts == {
        "user": cluster.role,
        "password": HOSTILE_PASSWORD,
        "host": config.host,
        "port": config.port,
        "database": "postgres",
    }
    # AND the server accepts it: through a URL parser and driver (SCRAM) ...
    connect_url(url + "postgres").close()
    # ... and through libpq's own URL reading (what psycopg2 is built on)
    answer = postgres.psql(url + "postgres", "SELECT current_user")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == cluster.role


def test_a_wrong_password_is_refused(cluster, config, aws_secrets, store, connect_master):
    # GIVEN the provisioned role (so the check below can fail for the right reason)
    _provision(config, store, connect_master)
    url = aws_secrets.value(config.role_secret_arn)["url"]
    parts = url_parts(url + "postgres")

    # WHEN someone connects with another password THEN the server refuses
    with pytest.raises(pg8000.exceptions.DatabaseError, match="28P01"):
        pg8000.native.Connection(**{**parts, "password": parts["password"] + "x"})


def test_a_second_run_changes_nothing_the_nodes_hold(
    cluster, config, aws_secrets, store, connect_master
):
    # GIVEN a provisioned role whose URL a running node holds
    _provision(config, store, connect_master)
    before = aws_secrets.value(config.role_secret_arn)
    versions = aws_secrets.client.list_secret_version_ids(SecretId=config.role_secret_arn)

    # WHEN the function runs again (every apply that changes its inputs runs it)
    outcome = _provision(config, store, connect_master)

    # THEN the role is kept, the secret is not rewritten and the held URL still connects
    assert outcome.role_created is False
    assert outcome.secret_written is False
    assert aws_secrets.value(config.role_secret_arn) == before
    after = aws_secrets.client.list_secret_version_ids(SecretId=config.role_secret_arn)
    assert len(after["Versions"]) == len(versions["Versions"])
    connect_url(before["url"] + "postgres").close()


def test_the_nodes_credentials_survive_a_rotation_of_the_master_secret(
    cluster, config, aws_secrets, store, connect_master
):
    # GIVEN a provisioned role and the URL a running node holds
    _provision(config, store, connect_master)
    held = aws_secrets.value(config.role_secret_arn)["url"]

    # WHEN RDS rotates the master password (new value in the database and in its secret)
    new_master = cluster.rotate_master_password()
    aws_secrets.put_master(cluster.master_user, new_master)

    # THEN the node's URL still connects: it never contained the master's credentials
    connect_url(held + "postgres").close()
    # AND the function, reading the master secret fresh, still works and keeps that URL
    outcome = _provision(config, store, connect_master)
    assert outcome.secret_written is False
    assert aws_secrets.value(config.role_secret_arn)["url"] == held
    # AND the old master password no longer works (the rotation was real)
    with pytest.raises(pg8000.exceptions.DatabaseError, match="28P01"):
        cluster.connect(cluster.master_user, "not-" + new_master)


def test_the_password_never_reaches_the_server_log(
    postgres, cluster, config, connect_master, store_handing_out
):
    # GIVEN the server logs every DDL statement, as the cluster's parameter group makes it
    store = store_handing_out(HOSTILE_PASSWORD)
    log_before = len(postgres.log_text())

    # WHEN the role is created and then altered with its password
    logic.provision(config, store, connect_master)
    logic.provision(config, store, connect_master)

    # THEN the log shows both statements with a SCRAM verifier and never the password
    log = postgres.log_text()[log_before:]
    assert f'CREATE ROLE "{cluster.role}"' in log
    assert f'ALTER ROLE "{cluster.role}"' in log
    assert "SCRAM-SHA-256$4096:" in log
    assert HOSTILE_PASSWORD not in log
    assert "p@ss:wo/rd" not in log


def test_a_role_that_was_made_a_member_elsewhere_is_refused(cluster, config, store, connect_master):
    # GIVEN the role exists already and someone granted it another role's rights
    _provision(config, store, connect_master)
    master = cluster.master()
    try:
        master.run(f"CREATE ROLE {cluster.role}_powers NOLOGIN")
        master.run(f"GRANT {cluster.role}_powers TO {cluster.role}")
    finally:
        master.close()

    # WHEN the function runs THEN it fails naming the membership
    with pytest.raises(logic.ProvisioningError, match=f"member of {cluster.role}_powers"):
        _provision(config, store, connect_master)


def test_a_wrong_master_password_fails_without_writing_the_secret(
    cluster, config, aws_secrets, store, connect_master
):
    # GIVEN a master secret that no longer matches the database
    aws_secrets.put_master(cluster.master_user, "stale-password-from-before")

    # WHEN the function runs THEN the connection is refused and the role secret stays empty
    with pytest.raises(pg8000.exceptions.DatabaseError, match="28P01"):
        _provision(config, store, connect_master)
    assert store.read(config.role_secret_arn) is None
