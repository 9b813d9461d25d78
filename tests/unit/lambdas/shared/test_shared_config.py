"""shared.config: the one place environment variables are parsed, with errors naming them."""

import re

import pytest

from shared.config import BUCKET_NAME, TABLE_NAME, ConfigError, json_value, optional_int, required


def test_required_strips_and_checks_the_pattern():
    assert required({"T": "  dev-user_table "}, "T", TABLE_NAME) == "dev-user_table"
    assert required({"T": "anything at all"}, "T") == "anything at all"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "T is required"),
        ({"T": "   "}, "T is required"),
        ({"T": "no spaces allowed"}, "T is malformed: 'no spaces allowed'"),
    ],
)
def test_required_names_the_variable(environ, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        required(environ, "T", TABLE_NAME)


def test_bucket_pattern_is_s3s():
    assert BUCKET_NAME.fullmatch("artificien-dev-sample-data-123456789012")
    assert not BUCKET_NAME.fullmatch("Not_A_Bucket")
    assert not BUCKET_NAME.fullmatch("-leading-hyphen")


def test_optional_int_defaults_and_minimum():
    assert optional_int({}, "N", 7) == 7
    assert optional_int({"N": " "}, "N", 7) == 7
    assert optional_int({"N": "0"}, "N", 7) == 0
    assert optional_int({"N": "12"}, "N", 7, minimum=12) == 12


@pytest.mark.parametrize("raw", ["-1", "1.5", "lots", "3"])
def test_optional_int_rejects_what_is_not_a_whole_number_in_range(raw):
    with pytest.raises(ConfigError, match=r"N must be a whole number >= 4, got"):
        optional_int({"N": raw}, "N", 7, minimum=4)


def test_json_value_parses_and_defaults():
    assert json_value({"J": '["a", 1]'}, "J") == ["a", 1]
    assert json_value({}, "J", default=None) is None
    assert json_value({"J": ""}, "J", default=[]) == []


def test_json_value_without_default_is_required():
    with pytest.raises(ConfigError, match="J is required"):
        json_value({}, "J")


def test_malformed_json_is_named():
    with pytest.raises(ConfigError, match="J is not valid JSON"):
        json_value({"J": "[1,"}, "J", default=[])
