"""Slugs, tag values and the configuration of the node manager."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from node_manager_platform import DNS_LABEL, DOMAIN, FAMILY, REGION, TABLE

from node_manager.config import ConfigError, NodeManagerConfig
from node_manager.errors import (
    InvalidAppIdError,
)
from node_manager.naming import decode_tag_value, encode_tag_value, slugify

# Slugs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app_id", "slug"),
    [
        ("Artificien Health", "artificien-health"),
        ("  My__App!! 2 ", "my-app-2"),
        ("café-Ünïcode", "caf-n-code"),
        ("already-a-slug", "already-a-slug"),
        ("123", "123"),
    ],
)
def test_slug_is_lowercase_dashed_and_trimmed(app_id: str, slug: str) -> None:
    # GIVEN an app id WHEN slugified THEN the readable DNS label is returned
    assert slugify(app_id) == slug


def test_slug_without_letters_or_digits_is_named_by_hash() -> None:
    # GIVEN an id with nothing DNS-safe in it WHEN slugified THEN it becomes app-<8 hex>
    assert re.fullmatch(r"app-[0-9a-f]{8}", slugify("!!! ???"))
    assert slugify("!!! ???") != slugify("***")


def test_long_slug_is_cut_to_one_label_with_hash_suffix() -> None:
    # GIVEN two long ids sharing their first 80 characters
    first, second = "x" * 80 + " one", "x" * 80 + " two"
    # WHEN slugified THEN each fits a DNS label, ends in a hash and they differ
    for app_id in (first, second):
        assert len(slugify(app_id)) == 63
        assert re.search(r"-[0-9a-f]{8}$", slugify(app_id))
    assert slugify(first) != slugify(second)


@given(st.text(min_size=1, max_size=300).filter(lambda s: s.strip()))
def test_slug_is_always_a_deterministic_dns_label(app_id: str) -> None:
    slug = slugify(app_id)
    assert DNS_LABEL.match(slug), slug
    assert slugify(app_id) == slug


@pytest.mark.parametrize("app_id", ["", "   ", None, 7])
def test_slug_rejects_empty_or_non_string(app_id: Any) -> None:
    with pytest.raises(InvalidAppIdError):
        slugify(app_id)


@given(st.text(min_size=1, max_size=150))
def test_tag_value_round_trips_and_uses_only_allowed_characters(app_id: str) -> None:
    value = encode_tag_value(app_id)
    assert decode_tag_value(value) == app_id
    assert re.fullmatch(r"[\w .:/=+\-@]{1,256}", value)


def test_tag_value_keeps_plain_ids_readable_and_encodes_others() -> None:
    assert encode_tag_value("Artificien Health") == "Artificien Health"
    assert encode_tag_value("Tom's app").startswith("b64:")
    assert encode_tag_value("b64:looks-encoded").startswith("b64:")


# Configuration ------------------------------------------------------------------------------------


def _output(**overrides: Any) -> dict[str, Any]:
    value = {
        "environment": "test",
        "region": REGION,
        "cluster_name": "c",
        "cluster_arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
        "subnet_ids": ["subnet-1"],
        "security_group_id": "sg-1",
        "vpc_id": "vpc-1",
        "listener_arn": "arn:listener",
        "task_definition_family": FAMILY,
        "container_name": "pygrid-node",
        "container_port": 5000,
        "nodes_domain": DOMAIN,
        "dataset_table_name": TABLE,
        "url_scheme": "http",
        "service_prefix": "pygrid-",
        "target_group_prefix": "pygrid-",
        "node_secret_prefix": "artificien-test/pygrid-nodes/",
        "node_secret_kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/1",
        "database_host": "db.example.com",
        "database_port": 5432,
        "database_role_function": None,
    }
    value.update(overrides)
    return value


def test_config_reads_plain_and_raw_terraform_outputs() -> None:
    plain = NodeManagerConfig.from_outputs({"pygrid_node_manager": _output()})
    raw = NodeManagerConfig.from_outputs(
        {"pygrid_node_manager": {"value": _output(), "type": ["object", {}], "sensitive": False}}
    )
    assert plain == raw
    assert plain.subnet_ids == ("subnet-1",)
    assert plain.container_port == 5000


def test_config_names_the_missing_field() -> None:
    broken = _output()
    del broken["listener_arn"]
    with pytest.raises(ConfigError, match="listener_arn"):
        NodeManagerConfig.from_outputs({"pygrid_node_manager": broken})


def test_config_requires_the_output() -> None:
    with pytest.raises(ConfigError, match="pygrid_node_manager"):
        NodeManagerConfig.from_outputs({"user_table_name": "x"})


def test_config_rejects_unknown_scheme() -> None:
    with pytest.raises(ConfigError, match="url_scheme"):
        NodeManagerConfig.from_outputs({"pygrid_node_manager": _output(url_scheme="ftp")})
