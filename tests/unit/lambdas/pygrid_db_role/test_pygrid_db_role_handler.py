"""The function as Lambda runs it: configuration from the environment, moto's Secrets Manager,
the real PostgreSQL server; its answer is what Terraform keeps in state."""

from __future__ import annotations

import json

import pytest

from pygrid_db_role import handler


@pytest.fixture
def environ(config, aws_secrets, monkeypatch):
    values = {
        "MASTER_SECRET_ARN": config.master_secret_arn,
        "ROLE_SECRET_ARN": config.role_secret_arn,
        "DATABASE_HOST": config.host,
        "DATABASE_PORT": str(config.port),
        "ROLE_NAME": config.role_name,
        "PROTECTED_DATABASE": config.protected_database,
        "DATABASE_TLS": "disable",
        "AWS_REGION": "us-east-1",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    handler.build.cache_clear()
    yield values
    handler.build.cache_clear()


def test_the_answer_names_the_role_and_holds_no_credential(environ, aws_secrets, cluster):
    # WHEN Terraform's invocation runs the function
    answer = handler.handler({"action": "provision"}, None)

    # THEN the answer (kept in state) says what happened, and nothing secret
    assert answer == {
        "role": cluster.role,
        "role_created": True,
        "secret_written": True,
        "host": environ["DATABASE_HOST"],
        "port": int(environ["DATABASE_PORT"]),
    }
    secret = aws_secrets.value(environ["ROLE_SECRET_ARN"])
    text = json.dumps(answer)
    assert secret["password"] not in text
    assert cluster.master_password not in text


def test_a_bad_event_fails_before_touching_anything(environ, aws_secrets):
    with pytest.raises(handler.BadEvent):
        handler.handler({"action": "drop-everything"}, None)
    assert handler.AwsSecretStore(aws_secrets.client).read(environ["ROLE_SECRET_ARN"]) is None


def test_a_failure_is_logged_without_the_password(environ, aws_secrets, cluster, capsys):
    # GIVEN a master secret without its password
    aws_secrets.client.put_secret_value(
        SecretId=environ["MASTER_SECRET_ARN"],
        SecretString=json.dumps({"username": cluster.master_user}),
    )

    # WHEN the function runs THEN it fails naming the secret, and its log holds no credential
    with pytest.raises(handler.logic.ProvisioningError, match="has no username and password"):
        handler.handler({}, None)
    logged = capsys.readouterr()
    assert "role not provisioned" in logged.out + logged.err
    assert cluster.master_password not in logged.out + logged.err
