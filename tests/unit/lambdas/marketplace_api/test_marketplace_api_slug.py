"""The slug the registration API checks is the node manager's own (shared.slug and
node_manager.naming hold the same rule until the node manager imports it from shared)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from node_manager.errors import InvalidAppIdError
from node_manager.naming import slugify as node_manager_slugify
from shared.slug import InvalidSlugSource, slugify


def _either(function, exception, app_id):
    try:
        return function(app_id)
    except exception:
        return "<refused>"


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=90), st.from_regex(r"[A-Za-z0-9 _.-]{0,80}", fullmatch=True)))
def test_the_shared_slug_is_the_node_managers(app_id):
    assert _either(slugify, InvalidSlugSource, app_id) == _either(
        node_manager_slugify, InvalidAppIdError, app_id
    )


@pytest.mark.parametrize(
    ("app_id", "slug"),
    [
        ("Sleep Tracker", "sleep-tracker"),
        ("sleep-tracker", "sleep-tracker"),
        ("SLEEP  TRACKER!", "sleep-tracker"),
        ("Artificien-Health", "artificien-health"),
        ("Café", "caf"),
    ],
)
def test_known_slugs(app_id, slug):
    assert slugify(app_id) == slug


@pytest.mark.parametrize("app_id", ["", "   ", None, 3])
def test_ids_that_cannot_be_slugged_are_refused(app_id):
    with pytest.raises(InvalidSlugSource):
        slugify(app_id)
