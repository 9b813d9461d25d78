"""Fixtures for the PyGrid database-role function: a real PostgreSQL server (``pgserver``'s
binaries, SCRAM over TCP, DDL logged as on the cluster), a master user shaped like RDS's (it can
create roles and databases but is no superuser), and the two secrets in moto.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import boto3
import pg8000.native
import pytest
from moto import mock_aws

from postgres_server import PostgresServer, ServerUnavailableError, start_server
from pygrid_db_role.config import Config
from pygrid_db_role.database import connector
from pygrid_db_role.store import AwsSecretStore

REGION = "us-east-1"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    try:
        server = start_server()
    except ServerUnavailableError as error:
        # CI runs what `make setup` installs: there a missing server is a failure, not a skip.
        if os.environ.get("CI") == "true":
            pytest.fail(str(error))
        pytest.skip(str(error))
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


def connect(server: PostgresServer, user: str, password: str, database: str):
    return pg8000.native.Connection(
        user=user, password=password, host=server.host, port=server.port, database=database
    )


@dataclass
class Cluster:
    """One test's slice of the server: an RDS-like master, the platform's database, and names."""

    server: PostgresServer
    master_user: str
    master_password: str
    role: str
    platform_database: str
    created_databases: list[str]

    def connect(self, user: str, password: str, database: str = "postgres"):
        return connect(self.server, user, password, database)

    def superuser(self, database: str = "postgres"):
        return connect(self.server, "postgres", self.server.password, database)

    def master(self, database: str = "postgres"):
        return connect(self.server, self.master_user, self.master_password, database)

    def rotate_master_password(self) -> str:
        """What RDS does when it rotates the managed master secret: a new password."""
        new = secrets.token_urlsafe(24)
        with_superuser = self.superuser()
        try:
            with_superuser.run(f"ALTER ROLE {self.master_user} PASSWORD '{new}'")
        finally:
            with_superuser.close()
        self.master_password = new
        return new


@pytest.fixture
def cluster(postgres: PostgresServer) -> Iterator[Cluster]:
    suffix = secrets.token_hex(4)
    master_user, master_password = f"admin_{suffix}", secrets.token_urlsafe(24)
    admin = connect(postgres, "postgres", postgres.password, "postgres")
    # The RDS master user: CREATEROLE and CREATEDB, never SUPERUSER; it owns the cluster's
    # own database (Terraform's database_name, "pygrid").
    admin.run(f"CREATE ROLE {master_user} LOGIN CREATEROLE CREATEDB PASSWORD '{master_password}'")
    platform = f"platform_{suffix}"
    admin.run(f"CREATE DATABASE {platform} OWNER {master_user}")
    admin.close()
    state = Cluster(postgres, master_user, master_password, f"pygrid_{suffix}", platform, [])
    try:
        yield state
    finally:
        admin = connect(postgres, "postgres", postgres.password, "postgres")
        databases = [
            row[0]
            for row in admin.run(
                "SELECT datname FROM pg_database WHERE datname LIKE :p", p=f"%{suffix}%"
            )
        ] + state.created_databases
        for name in dict.fromkeys(databases):
            admin.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        roles = [
            row[0]
            for row in admin.run(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE :p", p=f"%{suffix}%"
            )
        ]
        # Granted roles before their members, the master (grantor of everything) last.
        for name in sorted(roles, key=lambda r: (r == master_user, -len(r))):
            admin.run(f'DROP ROLE IF EXISTS "{name}"')
        admin.close()


@dataclass
class Secrets:
    client: Any
    master_arn: str
    role_arn: str

    def value(self, arn: str) -> dict[str, Any]:
        return json.loads(self.client.get_secret_value(SecretId=arn)["SecretString"])

    def put_master(self, username: str, password: str) -> None:
        self.client.put_secret_value(
            SecretId=self.master_arn,
            SecretString=json.dumps({"username": username, "password": password}),
        )


@pytest.fixture
def aws_secrets(cluster: Cluster, monkeypatch) -> Iterator[Secrets]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        client = boto3.client("secretsmanager", region_name=REGION)
        master = client.create_secret(
            Name="rds!cluster-test",
            SecretString=json.dumps(
                {"username": cluster.master_user, "password": cluster.master_password}
            ),
        )
        # Terraform creates the role's secret without a value: the function writes the first.
        role = client.create_secret(Name="artificien-test/pygrid-database/pygrid")
        yield Secrets(client, master["ARN"], role["ARN"])


@pytest.fixture
def config(postgres: PostgresServer, cluster: Cluster, aws_secrets: Secrets) -> Config:
    return Config(
        master_secret_arn=aws_secrets.master_arn,
        role_secret_arn=aws_secrets.role_arn,
        host=postgres.host,
        port=postgres.port,
        role_name=cluster.role,
        admin_database="postgres",
        protected_database=cluster.platform_database,
        tls="disable",
    )


class ChosenPasswordStore(AwsSecretStore):
    """The real store, except that the generator hands out a password the test chose."""

    def __init__(self, client: Any, password: str) -> None:
        super().__init__(client)
        self.password = password

    def random_password(self, length: int) -> str:
        return self.password


@pytest.fixture
def store(aws_secrets: Secrets) -> AwsSecretStore:
    return AwsSecretStore(aws_secrets.client)


@pytest.fixture
def connect_master(config: Config):
    return connector(config)


@pytest.fixture
def store_handing_out(aws_secrets: Secrets):
    """``store_handing_out(password)``: the real store whose generator returns ``password``."""

    def make(password: str) -> ChosenPasswordStore:
        return ChosenPasswordStore(aws_secrets.client, password)

    return make


@pytest.fixture
def other_role(config: Config, cluster: Cluster, aws_secrets: Secrets) -> Config:
    """Another PyGrid role on the same cluster (another node's), with a secret of its own."""
    arn = aws_secrets.client.create_secret(Name="artificien-test/pygrid-database/other")["ARN"]
    return replace(config, role_name=f"{cluster.role}_other", role_secret_arn=arn)
