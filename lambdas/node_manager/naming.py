"""Slugs, tag values and the names of every resource of a node, all derived deterministically.

An app id becomes a DNS label (its slug); the slug and the configured prefixes give every name
(service, task definition family, target group, host, database secret), so any run can find what
another created.
The prefixes come from the configuration, never from here: ``modules/node_manager`` scopes the
function's IAM permissions with the very same values.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from node_manager.errors import InvalidAppIdError
from shared import slug as _slug

# The slug rule is shared with the registration API (which refuses an app whose slug a node
# already uses), so it lives in shared/slug.py; these names stay importable from here.
HASH_LENGTH = _slug.HASH_LENGTH
MAX_SLUG_LENGTH = _slug.MAX_SLUG_LENGTH
digest = _slug.digest

MANAGED_BY = "artificien-node-manager"
TAG_PROJECT = "project"
TAG_ENVIRONMENT = "environment"
TAG_MANAGED_BY = "managed_by"
TAG_APP_ID = "app_id"
TAG_APP_SLUG = "app_slug"

TARGET_GROUP_NAME_LENGTH = 32  # an ELB limit
TARGET_GROUP_HASH_LENGTH = 20
# What a target group prefix may be: the name is the prefix plus 20 hex digits, at most 32 long.
MAX_TARGET_GROUP_PREFIX_LENGTH = TARGET_GROUP_NAME_LENGTH - TARGET_GROUP_HASH_LENGTH

# Characters ECS and ELB accept in tag values; anything else is stored base64-encoded.
_TAG_VALUE_SAFE = re.compile(r"^[\w .:/=+\-@]{1,256}$")
_TAG_B64 = "b64:"


def slugify(app_id: str) -> str:
    """Turn an app id into a DNS label, deterministically (:func:`shared.slug.slugify`).

    Lower-case; every run of characters outside ``a-z0-9`` becomes one ``-``; leading and trailing
    ``-`` are trimmed. A label that would be longer than 63 characters is cut and gets ``-`` plus 8
    hex digits of the id's SHA-256, and so does an id with no letter or digit at all
    (``app-<hash>``). Distinct ids can still meet on one slug (``My App`` and ``my-app``): the
    manager detects that through the ``app_id`` tag and refuses (:class:`SlugCollisionError`).
    """
    try:
        return _slug.slugify(app_id)
    except _slug.InvalidSlugSource as exc:
        raise InvalidAppIdError(str(exc)) from exc


def encode_tag_value(app_id: str) -> str:
    """App id as a tag value: itself when ECS and ELB accept it, else ``b64:`` + base64url."""
    if _TAG_VALUE_SAFE.fullmatch(app_id) and not app_id.startswith(_TAG_B64):
        return app_id
    encoded = base64.urlsafe_b64encode(app_id.encode("utf-8")).decode("ascii")
    if len(encoded) + len(_TAG_B64) > 256:
        raise InvalidAppIdError("app id is too long to tag (over 189 bytes once encoded)")
    return _TAG_B64 + encoded


def decode_tag_value(value: str) -> str:
    """Inverse of :func:`encode_tag_value`."""
    if value.startswith(_TAG_B64):
        return base64.urlsafe_b64decode(value[len(_TAG_B64) :].encode("ascii")).decode("utf-8")
    return value


def tag_map(tags: list[Mapping[str, str]] | None, key: str = "key", value: str = "value") -> dict:
    """ECS (``key``/``value``) or ELB (``Key``/``Value``) tag lists as one dict."""
    return {t[key]: t[value] for t in tags or []}


@dataclass(frozen=True)
class Names:
    """Every name of one environment's nodes, from the configuration's prefixes and domain."""

    environment: str
    cluster_arn: str
    nodes_domain: str
    url_scheme: str
    task_definition_family: str
    service_prefix: str
    target_group_prefix: str
    node_secret_prefix: str

    @classmethod
    def of(cls, config: Any) -> Names:
        """The names of a :class:`~node_manager.config.NodeManagerConfig`."""
        return cls(**{name: getattr(config, name) for name in cls.__dataclass_fields__})

    def host(self, slug: str) -> str:
        """The node's host name: what ``nodeURL`` holds (clients add their scheme and port)."""
        return f"{slug}.{self.nodes_domain}"

    def url(self, slug: str) -> str:
        """Where an operator reaches the node: the load balancer's scheme and the host name."""
        return f"{self.url_scheme}://{self.host(slug)}"

    def service_name(self, slug: str) -> str:
        return f"{self.service_prefix}{slug}"

    def slug_of_service(self, service_name: str) -> str:
        return service_name[len(self.service_prefix) :]

    def family(self, slug: str) -> str:
        return f"{self.task_definition_family}-{slug}"

    @property
    def family_prefix(self) -> str:
        """What every per-app family starts with (the template family itself does not)."""
        return f"{self.task_definition_family}-"

    def target_group_name(self, slug: str) -> str:
        # 32 characters at most, unique per account and region: hash of the cluster and the slug.
        return self.target_group_prefix + digest(
            f"{self.cluster_arn}|{slug}", TARGET_GROUP_HASH_LENGTH
        )

    def secret_name(self, slug: str) -> str:
        """The node's database secret: what the role function reads for ``node_id`` = slug."""
        return f"{self.node_secret_prefix}{slug}"

    def slug_of_secret(self, secret_name: str) -> str:
        return secret_name[len(self.node_secret_prefix) :]

    def tags(self, app_id: str, slug: str) -> dict[str, str]:
        return {
            TAG_PROJECT: "artificien",
            TAG_ENVIRONMENT: self.environment,
            TAG_MANAGED_BY: MANAGED_BY,
            TAG_APP_ID: encode_tag_value(app_id),
            TAG_APP_SLUG: slug,
        }

    def is_ours(self, tags: Mapping[str, str]) -> bool:
        return (
            tags.get(TAG_MANAGED_BY) == MANAGED_BY and tags.get(TAG_ENVIRONMENT) == self.environment
        )
