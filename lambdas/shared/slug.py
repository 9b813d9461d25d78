"""The slug of an app id: the DNS label its PyGrid node is named by.

The node manager names a node's service ``<service_prefix><slug>`` and its host
``<slug>.<nodes domain>``; the registration API refuses a new app whose id slugs to a running
node's slug, so both must use one rule. It lives here, where every function's zip can import it;
``node_manager.naming`` exposes it under its own error type, and a unit test
(``test_marketplace_api_slug.py``) holds the two names of it equal.
"""

from __future__ import annotations

import hashlib
import re

MAX_SLUG_LENGTH = 63  # one DNS label
HASH_LENGTH = 8

_OUTSIDE_LABEL = re.compile(r"[^a-z0-9]+")


class InvalidSlugSource(ValueError):
    """The app id cannot be slugged: not a string, or nothing but whitespace."""


def digest(text: str, length: int = HASH_LENGTH) -> str:
    """The first ``length`` hex digits of the SHA-256 of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def slugify(app_id: str) -> str:
    """Turn an app id into a DNS label, deterministically.

    Lower-case; every run of characters outside ``a-z0-9`` becomes one ``-``; leading and trailing
    ``-`` are trimmed. A label that would be longer than 63 characters is cut and gets ``-`` plus 8
    hex digits of the id's SHA-256, and so does an id with no letter or digit at all
    (``app-<hash>``). Distinct ids can meet on one slug (``My App`` and ``my-app``).
    """
    if not isinstance(app_id, str) or not app_id.strip():
        raise InvalidSlugSource("app id must be a non-empty string")
    base = _OUTSIDE_LABEL.sub("-", app_id.lower()).strip("-")
    suffix = digest(app_id)
    if not base:
        return f"app-{suffix}"
    if len(base) > MAX_SLUG_LENGTH:
        head = base[: MAX_SLUG_LENGTH - HASH_LENGTH - 1].rstrip("-")
        return f"{head}-{suffix}"
    return base
