"""Cognito Identity ``SetIdentityPoolRoles`` and ``GetIdentityPoolRoles``, for moto 5.2.

moto 5.2 stores identity pools but not the roles attached to them: both calls are missing, so
Terraform's ``aws_cognito_identity_pool_roles_attachment`` cannot be created (Set), read back
(Get) or destroyed (Set with empty maps). The patch keeps the roles and role mappings on moto's
own pool object, so they disappear with the pool, and answers Get with exactly what Set stored.

Validation follows AWS where Terraform could notice: an unknown pool is
``ResourceNotFoundException``; a role key other than ``authenticated``/``unauthenticated`` and a
role that is not an IAM role ARN are ``InvalidParameterException``, and a rejected call changes
nothing.
"""

import json
import re
from typing import Any

from moto.cognitoidentity.models import CognitoIdentityBackend, CognitoIdentityPool
from moto.cognitoidentity.responses import CognitoIdentityResponse
from moto.core.exceptions import JsonRESTError

ROLE_KEYS = frozenset({"authenticated", "unauthenticated"})
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$")


class InvalidParameterError(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__(error_type="InvalidParameterException", message=message)


def _pool(backend: CognitoIdentityBackend, identity_pool_id: str) -> CognitoIdentityPool:
    backend.describe_identity_pool(identity_pool_id)  # raises ResourceNotFoundException like AWS
    return backend.identity_pools[identity_pool_id]


def set_identity_pool_roles(
    backend: CognitoIdentityBackend,
    identity_pool_id: str,
    roles: dict[str, str],
    role_mappings: dict[str, Any],
) -> None:
    """Replace the pool's roles and role mappings (empty maps detach everything)."""
    pool = _pool(backend, identity_pool_id)
    for key, arn in roles.items():
        if key not in ROLE_KEYS:
            raise InvalidParameterError(
                f"Invalid role key {key!r}: use authenticated or unauthenticated"
            )
        if not isinstance(arn, str) or not ROLE_ARN.match(arn):
            raise InvalidParameterError(f"Role {key!r} must be an IAM role ARN, got {arn!r}")
    pool.artificien_roles = dict(roles)
    pool.artificien_role_mappings = dict(role_mappings)


def get_identity_pool_roles(
    backend: CognitoIdentityBackend, identity_pool_id: str
) -> dict[str, Any]:
    pool = _pool(backend, identity_pool_id)
    answer: dict[str, Any] = {
        "IdentityPoolId": identity_pool_id,
        "Roles": dict(getattr(pool, "artificien_roles", {})),
    }
    mappings = getattr(pool, "artificien_role_mappings", {})
    if mappings:
        answer["RoleMappings"] = dict(mappings)
    return answer


def _set_identity_pool_roles(self: CognitoIdentityResponse) -> str:
    set_identity_pool_roles(
        self.backend,
        self._get_param("IdentityPoolId"),
        self._get_param("Roles") or {},
        self._get_param("RoleMappings") or {},
    )
    return ""


def _get_identity_pool_roles(self: CognitoIdentityResponse) -> str:
    return json.dumps(get_identity_pool_roles(self.backend, self._get_param("IdentityPoolId")))


def register() -> None:
    """Teach moto's Cognito Identity responses the two calls (dispatched by method name)."""
    CognitoIdentityResponse.set_identity_pool_roles = _set_identity_pool_roles  # type: ignore[attr-defined]
    CognitoIdentityResponse.get_identity_pool_roles = _get_identity_pool_roles  # type: ignore[attr-defined]
