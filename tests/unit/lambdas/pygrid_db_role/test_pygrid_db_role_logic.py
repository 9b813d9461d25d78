"""Pure parts of the role function: the URL, the verifier, the SQL, the event and config."""

from __future__ import annotations

import string
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pygrid_db_role import handler, logic
from pygrid_db_role.config import ConfigError, load_config

MASTER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-1-AbCdEf"
ROLE = "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-dev/pygrid-AbCdEf"
ENV = {"MASTER_SECRET_ARN": MASTER, "ROLE_SECRET_ARN": ROLE, "DATABASE_HOST": "db.example.com"}


@given(st.text(alphabet=string.ascii_letters + string.digits + string.punctuation, min_size=1))
def test_any_password_round_trips_through_the_url(password):
    # GIVEN any password Secrets Manager could generate
    url = logic.database_url("pygrid", password, "db.example.com", 5432)

    # WHEN a parser reads it back, after the fork appended a database name
    parts = urlsplit(url + "artificienhealthdb")

    # THEN user, password, host, port and database come back exactly
    assert unquote(parts.password) == password
    assert unquote(parts.username) == "pygrid"
    assert (parts.hostname, parts.port, parts.path) == (
        "db.example.com",
        5432,
        "/artificienhealthdb",
    )
    assert not parts.fragment
    assert not parts.query


def test_the_url_ends_with_the_slash_the_fork_appends_to():
    assert logic.database_url("pygrid", "a@b:c/d%e#f", "h", 5432) == (
        "postgresql://pygrid:a%40b%3Ac%2Fd%25e%23f@h:5432/"
    )


def test_the_verifier_has_postgres_format_and_no_password():
    verifier = logic.scram_verifier("hunter2-hunter2", b"\x00" * 16)
    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    assert method == "SCRAM-SHA-256"
    assert iterations_salt == "4096:AAAAAAAAAAAAAAAAAAAAAA=="
    assert len(keys.split(":")) == 2
    assert "hunter2" not in verifier


def test_the_role_statement_carries_the_verifier_and_only_pygrids_rights():
    statement = logic.role_statement("pygrid", "SCRAM-SHA-256$4096:c2FsdA==$a:b", exists=False)
    assert statement == (
        'CREATE ROLE "pygrid" WITH LOGIN CREATEDB NOCREATEROLE INHERIT'
        " PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b'"
    )
    assert logic.role_statement("pygrid", "v", exists=True).startswith('ALTER ROLE "pygrid" ')


@pytest.mark.parametrize(("value", "quoted"), [("a'b", "'a''b'"), ("plain", "'plain'")])
def test_literals_are_quoted(value, quoted):
    assert logic.quote_literal(value) == quoted


def test_a_literal_with_a_backslash_is_refused():
    with pytest.raises(logic.ProvisioningError):
        logic.quote_literal("a\\b")


def test_identifiers_are_quoted():
    assert logic.quote_ident('we"ird') == '"we""ird"'


@pytest.mark.parametrize("password", [None, "short", "x" * 30 + " space", "é" * 30, 12345])
def test_unusable_passwords_are_recognised(password):
    assert not logic.valid_password(password)


def test_the_outcome_holds_no_credential():
    outcome = logic.Outcome(
        role="pygrid", role_created=True, secret_written=True, host="h", port=5432
    )
    assert set(outcome.as_dict()) == {"role", "role_created", "secret_written", "host", "port"}


@pytest.mark.parametrize(
    "event", [{"action": "drop"}, {"action": "provision", "password": "x"}, "provision", None]
)
def test_events_other_than_provision_are_refused(event):
    with pytest.raises(handler.BadEvent):
        handler.parse_event(event)


@pytest.mark.parametrize("event", [{}, {"action": "provision"}])
def test_provision_is_the_default_action(event):
    assert handler.parse_event(event) == "provision"


def test_config_defaults():
    config = load_config(ENV)
    assert (config.port, config.role_name, config.admin_database, config.tls) == (
        5432,
        "pygrid",
        "postgres",
        "require",
    )


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"MASTER_SECRET_ARN": ""}, "MASTER_SECRET_ARN"),
        ({"ROLE_SECRET_ARN": "not-an-arn"}, "ROLE_SECRET_ARN"),
        ({"DATABASE_HOST": "db host"}, "DATABASE_HOST"),
        ({"DATABASE_PORT": "70000"}, "DATABASE_PORT"),
        ({"ROLE_NAME": "Py-Grid"}, "ROLE_NAME"),
        ({"DATABASE_TLS": "prefer"}, "DATABASE_TLS"),
        ({"DATABASE_TLS": "verify"}, "DATABASE_CA_BUNDLE"),
        ({"PROTECTED_DATABASE": "a;b"}, "PROTECTED_DATABASE"),
        ({"PASSWORD_LENGTH": "8"}, "PASSWORD_LENGTH"),
    ],
)
def test_bad_configuration_names_the_variable(override, named):
    with pytest.raises(ConfigError, match=named):
        load_config({**ENV, **override})
