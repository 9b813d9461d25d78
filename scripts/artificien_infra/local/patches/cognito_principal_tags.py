"""Cognito Identity ``SetPrincipalTagAttributeMap`` and ``GetPrincipalTagAttributeMap`` (moto 5.2).

moto 5.2 has neither call, so Terraform's ``aws_cognito_identity_pool_provider_principal_tag``
(which maps ID-token claims to session tags) can be neither created nor read back. The patch keeps
one map per identity provider on moto's own pool object, so it disappears with the pool, and
answers Get with what Set stored.

As on AWS: an unknown pool is ``ResourceNotFoundException``; a provider the pool does not trust,
more than 50 tags, or a tag key or claim name outside 1-128 / 1-256 characters is
``InvalidParameterException``, and a rejected call changes nothing. ``UseDefaults`` is false
unless asked for (Terraform sends it only when true). Get of a provider never set answers the
defaults, as a fresh pool does.
"""

from __future__ import annotations

import json
from typing import Any

from moto.cognitoidentity.models import CognitoIdentityBackend, CognitoIdentityPool
from moto.cognitoidentity.responses import CognitoIdentityResponse

from artificien_infra.local.patches.cognito_identity import InvalidParameterError

MAX_TAGS = 50


def _pool(backend: CognitoIdentityBackend, identity_pool_id: str) -> CognitoIdentityPool:
    backend.describe_identity_pool(identity_pool_id)  # raises ResourceNotFoundException like AWS
    return backend.identity_pools[identity_pool_id]


def _trusted_providers(pool: CognitoIdentityPool) -> set[str]:
    names = {p.get("ProviderName") for p in pool.cognito_identity_providers or []}
    names |= set(pool.supported_login_providers or {})
    names |= set(pool.open_id_connect_provider_arns or [])
    names |= set(pool.saml_provider_arns or [])
    return {n for n in names if n}


def _validate(pool: CognitoIdentityPool, provider: str, tags: dict[str, str]) -> None:
    if provider not in _trusted_providers(pool):
        raise InvalidParameterError(
            f"Identity provider {provider!r} is not configured for pool {pool.identity_pool_id}"
        )
    if len(tags) > MAX_TAGS:
        raise InvalidParameterError(f"At most {MAX_TAGS} principal tags, got {len(tags)}")
    for key, claim in tags.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128:
            raise InvalidParameterError(f"Principal tag key {key!r} must be 1-128 characters")
        if not isinstance(claim, str) or not 1 <= len(claim) <= 256:
            raise InvalidParameterError(f"Claim {claim!r} of tag {key!r} must be 1-256 characters")


def set_principal_tag_attribute_map(
    backend: CognitoIdentityBackend,
    identity_pool_id: str,
    provider: str,
    tags: dict[str, str],
    use_defaults: bool,
) -> dict[str, Any]:
    """Replace the provider's claim-to-tag map; answers what is stored."""
    pool = _pool(backend, identity_pool_id)
    _validate(pool, provider, tags)
    maps = getattr(pool, "artificien_principal_tags", {})
    maps[provider] = {"PrincipalTags": dict(tags), "UseDefaults": bool(use_defaults)}
    pool.artificien_principal_tags = maps
    return get_principal_tag_attribute_map(backend, identity_pool_id, provider)


def get_principal_tag_attribute_map(
    backend: CognitoIdentityBackend, identity_pool_id: str, provider: str
) -> dict[str, Any]:
    pool = _pool(backend, identity_pool_id)
    if provider not in _trusted_providers(pool):
        raise InvalidParameterError(
            f"Identity provider {provider!r} is not configured for pool {identity_pool_id}"
        )
    stored = getattr(pool, "artificien_principal_tags", {}).get(provider)
    stored = stored or {"PrincipalTags": {}, "UseDefaults": True}
    return {
        "IdentityPoolId": identity_pool_id,
        "IdentityProviderName": provider,
        "UseDefaults": stored["UseDefaults"],
        "PrincipalTags": dict(stored["PrincipalTags"]),
    }


def _set(self: CognitoIdentityResponse) -> str:
    return json.dumps(
        set_principal_tag_attribute_map(
            self.backend,
            self._get_param("IdentityPoolId"),
            self._get_param("IdentityProviderName"),
            self._get_param("PrincipalTags") or {},
            self._get_param("UseDefaults") or False,
        )
    )


def _get(self: CognitoIdentityResponse) -> str:
    return json.dumps(
        get_principal_tag_attribute_map(
            self.backend,
            self._get_param("IdentityPoolId"),
            self._get_param("IdentityProviderName"),
        )
    )


def register() -> None:
    """Teach moto's Cognito Identity responses the two calls (dispatched by method name)."""
    CognitoIdentityResponse.set_principal_tag_attribute_map = _set  # type: ignore[attr-defined]
    CognitoIdentityResponse.get_principal_tag_attribute_map = _get  # type: ignore[attr-defined]
