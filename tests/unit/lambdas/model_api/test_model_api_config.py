"""The model API reads and validates its configuration once, when it builds its dependencies."""

import pytest


def test_defaults_apply_when_optional_variables_are_absent(aws, fresh_build):
    # GIVEN only the required variables
    # WHEN the handler builds its dependencies
    config = fresh_build().config

    # THEN the index and link lifetime take their documented defaults
    assert config.model_table == "local-model_table"
    assert config.model_bucket == "artificien-local-models-123456789012"
    assert config.owner_index == "owner-active-index"
    assert config.url_ttl == 900


@pytest.mark.parametrize("missing", ["MODEL_TABLE", "MODEL_BUCKET"])
def test_a_missing_required_variable_fails_the_build_naming_it(
    aws, monkeypatch, fresh_build, missing
):
    # GIVEN a required variable is absent
    monkeypatch.delenv(missing)

    # WHEN the handler builds its dependencies THEN it fails naming the variable
    with pytest.raises(RuntimeError, match=missing):
        fresh_build()


@pytest.mark.parametrize("value", ["soon", "59", "3601", "-1", "1.5"])
def test_an_invalid_url_ttl_fails_the_build_naming_it(aws, monkeypatch, fresh_build, value):
    # GIVEN a link lifetime that is not a whole number of seconds in range
    monkeypatch.setenv("URL_TTL", value)

    # WHEN the handler builds its dependencies THEN it fails naming URL_TTL
    with pytest.raises(RuntimeError, match="URL_TTL"):
        fresh_build()


def test_a_custom_owner_index_is_used(aws, monkeypatch, fresh_build):
    # GIVEN another index name
    monkeypatch.setenv("OWNER_INDEX", "by-owner")

    # WHEN the handler builds its dependencies
    config = fresh_build().config

    # THEN it is configured
    assert config.owner_index == "by-owner"
