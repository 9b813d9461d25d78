"""A stable ``AWSAccountId`` in Cognito's DescribeUserPoolDomain, for moto 5.2.

moto 5.2 answers every DescribeUserPoolDomain with a fresh random ``AWSAccountId``, so each
refresh of ``aws_cognito_user_pool_domain`` sees its ``aws_account_id`` change: a refresh-only
plan (``artificien-infra drift``) reports the domain as changed outside Terraform although nobody
touched it. AWS returns the account that owns the domain; the patch returns the emulator's
account id (the one in the pool's ARN, as every other answer of the emulator uses).
"""

from typing import Any

from moto.cognitoidp.models import CognitoIdpUserPoolDomain
from moto.core import DEFAULT_ACCOUNT_ID

_PATCHED = "_artificien_stable_account_patched"


def register() -> None:
    """Wrap moto's domain description so the account id is stable (idempotent)."""
    if getattr(CognitoIdpUserPoolDomain, _PATCHED, False):
        return
    original = CognitoIdpUserPoolDomain.to_json

    def to_json(self: Any, extended: bool = True) -> dict[str, Any]:
        answer = original(self, extended)
        if extended:
            answer["AWSAccountId"] = DEFAULT_ACCOUNT_ID
        return answer

    CognitoIdpUserPoolDomain.to_json = to_json
    setattr(CognitoIdpUserPoolDomain, _PATCHED, True)
