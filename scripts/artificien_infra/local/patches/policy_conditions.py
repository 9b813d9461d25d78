"""A policy statement whose condition keys are absent from the request does not apply (moto 5.2).

moto 5.2 evaluates S3 bucket policies on object requests, but skips condition operators it does
not implement (``Bool``, ``NumericLessThan``, ...) and treats them as met. The platform's buckets
deny requests made without TLS (``"Bool": {"aws:SecureTransport": "false"}``), so on the emulator
that Deny applied unconditionally and every ``PutObject``/``GetObject`` on them got 403.

In IAM a condition whose context key is missing from the request is not met (except for the
``...IfExists`` operators and ``Null``), and a statement with an unmet condition does not apply.
moto passes no request context for S3, so this patch makes such statements neutral; statements
without conditions, or whose keys the request does carry, keep moto's own evaluation.
"""

from collections.abc import Mapping
from typing import Any

from moto.iam.access_control import IAMPolicyStatement, PermissionResult

_MARK = "_artificien_conditions_need_context"


def has_unmet_condition(statement: Mapping[str, Any], context: Mapping[str, Any] | None) -> bool:
    """True when a condition names a context key the request does not carry."""
    context = context or {}
    for operator, entries in (statement.get("Condition") or {}).items():
        if operator.endswith("IfExists") or operator == "Null":
            continue
        if any(key not in context for key in entries):
            return True
    return False


def register() -> None:
    original = IAMPolicyStatement.is_action_permitted
    if getattr(original, _MARK, False):
        return

    def is_action_permitted(
        self: IAMPolicyStatement,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> Any:
        if has_unmet_condition(self._statement, incoming_condition_values):
            return PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    setattr(is_action_permitted, _MARK, True)
    IAMPolicyStatement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]
