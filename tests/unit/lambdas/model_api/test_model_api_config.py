"""The model API reads and validates its configuration once, at import."""

import pytest


def test_defaults_apply_when_optional_variables_are_absent(aws, fresh_import):
    # GIVEN only the required variables
    # WHEN the handler module is imported
    module = fresh_import()

    # THEN the index and link lifetime take their documented defaults
    assert module.CONFIG.model_table == "local-model_table"
    assert module.CONFIG.model_bucket == "artificien-local-models-123456789012"
    assert module.CONFIG.owner_index == "owner-active-index"
    assert module.CONFIG.url_ttl == 900


@pytest.mark.parametrize("missing", ["MODEL_TABLE", "MODEL_BUCKET"])
def test_a_missing_required_variable_fails_the_import_naming_it(
    aws, monkeypatch, fresh_import, missing
):
    # GIVEN a required variable is absent
    monkeypatch.delenv(missing)

    # WHEN the handler module is imported THEN it fails naming the variable
    with pytest.raises(RuntimeError, match=missing):
        fresh_import()


@pytest.mark.parametrize("value", ["soon", "59", "3601", "-1", "1.5"])
def test_an_invalid_url_ttl_fails_the_import_naming_it(aws, monkeypatch, fresh_import, value):
    # GIVEN a link lifetime that is not a whole number of seconds in range
    monkeypatch.setenv("URL_TTL", value)

    # WHEN the handler module is imported THEN it fails naming URL_TTL
    with pytest.raises(RuntimeError, match="URL_TTL"):
        fresh_import()


def test_a_custom_owner_index_is_used(aws, monkeypatch, fresh_import):
    # GIVEN another index name
    monkeypatch.setenv("OWNER_INDEX", "by-owner")

    # WHEN the handler module is imported
    module = fresh_import()

    # THEN it is configured
    assert module.CONFIG.owner_index == "by-owner"
