"""The registration API's environment: read once, every error naming its variable."""

from __future__ import annotations

import pytest

from marketplace_api.config import ConfigError, load_config
from shared.dataset import Limits


def test_the_environment_terraform_sets_is_read(environment):
    config = load_config(environment)
    assert (config.dataset_table, config.user_table) == ("local-dataset_table", "local-user_table")
    assert config.owner_index == "owner_username-index"
    assert config.node_service_prefix == "pygrid-"
    assert config.limits == Limits(max_attributes=100, max_sample_bytes=100 * 1024 * 1024)
    assert config.max_apps_per_owner == 20


def test_the_limits_default_to_the_platforms(environment):
    for name in ("MAX_ATTRIBUTES", "MAX_SAMPLE_BYTES", "MAX_APPS_PER_OWNER", "OWNER_INDEX"):
        del environment[name]
    config = load_config(environment)
    assert (config.max_attributes, config.max_sample_bytes, config.max_apps_per_owner) == (
        100,
        100 * 1024 * 1024,
        20,
    )
    assert config.owner_index == "owner_username-index"


@pytest.mark.parametrize(
    "name", ["DATASET_TABLE", "USER_TABLE", "NODE_CLUSTER", "NODE_SERVICE_PREFIX"]
)
def test_a_missing_required_variable_is_named(environment, name):
    del environment[name]
    with pytest.raises(ConfigError, match=name):
        load_config(environment)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_ATTRIBUTES", "0"),
        ("MAX_ATTRIBUTES", "-1"),
        ("MAX_ATTRIBUTES", "many"),
        ("MAX_SAMPLE_BYTES", "1.5"),
        ("MAX_APPS_PER_OWNER", "0"),
        ("NODE_CLUSTER", "artificien-local"),
        ("NODE_SERVICE_PREFIX", "1-starts-with-a-digit"),
        ("NODE_SERVICE_PREFIX", "x" * 33),
        ("DATASET_TABLE", "a"),
        ("OWNER_INDEX", "has space"),
    ],
)
def test_a_malformed_variable_is_named(environment, name, value):
    environment[name] = value
    with pytest.raises(ConfigError, match=name):
        load_config(environment)


def test_a_bad_configuration_fails_the_build_not_a_request(handler_module, environment):
    del environment["USER_TABLE"]
    with pytest.raises(ConfigError, match="USER_TABLE"):
        handler_module.build(environment)


def test_one_build_per_environment(handler_module, environment):
    assert handler_module.build(environment) is handler_module.build(dict(environment))
    other = {**environment, "MAX_APPS_PER_OWNER": "3"}
    assert handler_module.build(other).config.max_apps_per_owner == 3
