"""Configuration: read once from the environment, failing with the variable's name."""

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


def test_handler_refuses_to_load_without_user_table(aws_environment, monkeypatch):
    # GIVEN a deployment that forgot the table name
    monkeypatch.delenv("USER_TABLE")

    # WHEN the runtime imports the handler THEN the import fails naming the variable
    with pytest.raises(Exception, match="USER_TABLE") as raised:
        import_handler()
    assert type(raised.value).__name__ == "ConfigError"
