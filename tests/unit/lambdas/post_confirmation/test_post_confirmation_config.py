"""Configuration: read once from the environment, failing with the variable's name."""

import importlib
import os
import sys

import pytest

from conftest import import_handler
from post_confirmation.config import DEFAULT_DATASETS, ConfigError, load_config


def test_user_table_and_default_datasets():
    config = load_config({"USER_TABLE": "dev-user_table"})
    assert config.user_table == "dev-user_table"
    assert config.default_datasets == DEFAULT_DATASETS == ("Artificien-Health",)


def test_default_datasets_from_json_list():
    config = load_config({"USER_TABLE": "t", "DEFAULT_DATASETS": '["A", "B c"]'})
    assert config.default_datasets == ("A", "B c")


def test_empty_json_list_grants_nothing():
    assert load_config({"USER_TABLE": "t", "DEFAULT_DATASETS": "[]"}).default_datasets == ()


@pytest.mark.parametrize("environ", [{}, {"USER_TABLE": ""}, {"USER_TABLE": "   "}])
def test_missing_user_table_is_named(environ):
    with pytest.raises(ConfigError, match="USER_TABLE"):
        load_config(environ)


@pytest.mark.parametrize(
    "raw", ["Artificien-Health", '{"a": 1}', '"x"', '[""]', "[1, 2]", "[null]"]
)
def test_malformed_default_datasets_is_named(raw):
    with pytest.raises(ConfigError, match="DEFAULT_DATASETS"):
        load_config({"USER_TABLE": "t", "DEFAULT_DATASETS": raw})


def test_handler_refuses_to_build_without_user_table(aws_environment, monkeypatch):
    # GIVEN a deployment that forgot the table name
    monkeypatch.delenv("USER_TABLE")

    # WHEN the runtime builds the handler's dependencies THEN it fails naming the variable
    with pytest.raises(Exception, match="USER_TABLE") as raised:
        import_handler().build(os.environ)
    assert type(raised.value).__name__ == "ConfigError"


def test_inside_the_lambda_runtime_the_build_happens_at_import(aws_environment, monkeypatch):
    # GIVEN the Lambda runtime's marker and a deployment that forgot the table name
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    monkeypatch.delenv("USER_TABLE")
    sys.modules.pop("post_confirmation.handler", None)

    # WHEN the runtime imports the handler (the init phase) THEN the cold start fails naming it
    try:
        with pytest.raises(Exception, match="USER_TABLE") as raised:
            importlib.import_module("post_confirmation.handler")
    finally:
        sys.modules.pop("post_confirmation.handler", None)
    assert type(raised.value).__name__ == "ConfigError"


def test_outside_the_runtime_importing_the_handler_reads_nothing(aws_environment, monkeypatch):
    # GIVEN no configuration at all
    monkeypatch.delenv("USER_TABLE")
    monkeypatch.delenv("AWS_LAMBDA_RUNTIME_API", raising=False)
    sys.modules.pop("post_confirmation.handler", None)

    # WHEN the handler is imported THEN it loads (nothing is read until the first build)
    module = importlib.import_module("post_confirmation.handler")
    assert callable(module.build)
