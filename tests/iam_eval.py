"""An IAM policy evaluator for tests: would AWS let this request through these policies?

It evaluates what identity policies and role trust policies written for this platform use, the way
the IAM policy evaluation logic describes it, and refuses what it does not implement instead of
guessing (moto's own evaluator treats operators it does not know as met, fails an Allow whose
condition does not hold as a Deny, has no policy variables and builds its wildcard regexes
without escaping, so it cannot decide fine-grained DynamoDB access):

- an explicit ``Deny`` wins; otherwise an applicable ``Allow`` allows; otherwise implicit deny;
- ``Action``/``NotAction`` match case-insensitively with ``*`` and ``?``; ``Resource``/
  ``NotResource`` match per ARN segment (a wildcard never crosses the first five colons);
- policy variables (``${aws:PrincipalTag/email}``, ``${key, 'default'}``, ``${*}``, ``${?}``,
  ``${$}``) resolve in ``Resource`` and in string/ARN condition values when the policy's
  ``Version`` is 2012-10-17; a substituted value is literal text, never a wildcard; a variable
  with no value in the request and no default makes its condition fail (and matches no resource);
- conditions: String*, Arn*, Numeric*, ``Bool``, ``Null``, the ``...IfExists`` suffix and the
  ``ForAllValues:``/``ForAnyValue:`` set operators. Operators AND, keys AND, values OR (NOR for
  a negated operator). A missing key fails a condition, except for negated operators (true),
  ``...IfExists`` (true), ``Null`` and ``ForAllValues:`` (true) -- the documented rules;
- a single-valued operator on a multivalued context key, an unknown operator and
  ``NotPrincipal`` are errors: a test must not pass because the evaluator guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

VARIABLES_VERSION = "2012-10-17"


class PolicyError(ValueError):
    """The policy or the request uses something this evaluator does not decide."""


class Decision(Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


ContextValue = str | Sequence[str]


@dataclass(frozen=True)
class Request:
    """One authorization request: an action on a resource, with its request context.

    ``context`` maps condition keys (case-insensitive) to a string or, for a multivalued key
    such as ``dynamodb:LeadingKeys``, a list of strings. ``principal`` is ``(type, id)``, e.g.
    ``("Federated", "cognito-identity.amazonaws.com")``, for trust policies only.
    """

    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    principal: tuple[str, str] | None = None


@dataclass(frozen=True)
class Evaluation:
    decision: Decision
    allowed_by: tuple[str, ...] = ()
    denied_by: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW


def evaluate(policies: Iterable[Mapping[str, Any]], request: Request) -> Evaluation:
    """The decision for ``request`` under all ``policies`` together (one account)."""
    allowed_by: list[str] = []
    denied_by: list[str] = []
    context = _normalise_context(request.context)
    for policy_index, policy in enumerate(policies):
        version = policy.get("Version")
        for index, statement in enumerate(_statements(policy)):
            label = str(statement.get("Sid") or f"policy {policy_index} statement {index}")
            if not statement_applies(statement, request, context, version):
                continue
            (allowed_by if _effect(statement) == "Allow" else denied_by).append(label)
    if denied_by:
        return Evaluation(Decision.EXPLICIT_DENY, tuple(allowed_by), tuple(denied_by))
    if allowed_by:
        return Evaluation(Decision.ALLOW, tuple(allowed_by))
    return Evaluation(Decision.IMPLICIT_DENY)


def statement_applies(
    statement: Mapping[str, Any],
    request: Request,
    context: Mapping[str, list[str]] | None = None,
    version: str | None = VARIABLES_VERSION,
) -> bool:
    """True when the statement's principal, action, resource and conditions all match."""
    context = _normalise_context(request.context) if context is None else context
    variables = version == VARIABLES_VERSION
    _effect(statement)
    return (
        _principal_matches(statement, request)
        and _action_matches(statement, request.action)
        and _resource_matches(statement, request.resource, context, variables)
        and conditions_hold(statement.get("Condition") or {}, context, variables)
    )


def covers(statement: Mapping[str, Any], resource: str, action: str | None = None) -> bool:
    """True when the statement's resource element (and action element, given ``action``) names
    ``resource``, whatever its conditions: for structural checks such as "every statement that
    covers the user table carries LeadingKeys". Policy variables are not resolved."""
    if action is not None and not _action_matches(statement, action):
        return False
    return _resource_matches(statement, resource, {}, False)


# Statement elements ------------------------------------------------------------------------------


def _statements(policy: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    statements = policy.get("Statement")
    if isinstance(statements, Mapping):
        return [statements]
    if not isinstance(statements, list) or not statements:
        raise PolicyError("a policy needs a Statement: an object or a non-empty list")
    return statements


def _effect(statement: Mapping[str, Any]) -> str:
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"Effect must be Allow or Deny, got {effect!r}")
    return effect


def _as_list(value: Any, element: str) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise PolicyError(f"{element} must be a string or a list of strings, got {value!r}")
    return values


def _one_of(statement: Mapping[str, Any], positive: str, negative: str) -> tuple[str, bool] | None:
    present = [name for name in (positive, negative) if name in statement]
    if len(present) > 1:
        raise PolicyError(f"a statement may hold {positive} or {negative}, not both")
    return (present[0], present[0] == negative) if present else None


def _principal_matches(statement: Mapping[str, Any], request: Request) -> bool:
    if "NotPrincipal" in statement:
        raise PolicyError("NotPrincipal is not supported by this evaluator")
    if "Principal" not in statement:
        if request.principal is not None:
            raise PolicyError("a request with a principal needs a statement with a Principal")
        return True
    if request.principal is None:
        raise PolicyError("the statement names a Principal: give the request a principal")
    principal = statement["Principal"]
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        raise PolicyError(f'Principal must be "*" or an object, got {principal!r}')
    kind, identity = request.principal
    return any(_wildcard(p, identity) for p in _as_list(principal.get(kind, []), "Principal"))


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    found = _one_of(statement, "Action", "NotAction")
    if found is None:
        raise PolicyError("a statement needs Action or NotAction")
    element, negated = found
    matched = any(
        _wildcard(pattern, action, ignore_case=True)
        for pattern in _as_list(statement[element], element)
    )
    return matched != negated


def _resource_matches(
    statement: Mapping[str, Any],
    resource: str,
    context: Mapping[str, list[str]],
    variables: bool,
) -> bool:
    found = _one_of(statement, "Resource", "NotResource")
    if found is None:
        if "Principal" in statement:  # a role trust policy: the resource is the role itself
            return True
        raise PolicyError("a statement needs Resource or NotResource")
    element, negated = found
    matched = any(
        _arn_like(pattern, resource, context, variables)
        for pattern in _as_list(statement[element], element)
    )
    return matched != negated


# Wildcards and policy variables ------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")
_LITERALS = {"*": "*", "?": "?", "$": "$"}


class _Unresolved(Exception):
    """A policy variable without a value in the request and without a default."""


def _pattern(text: str, context: Mapping[str, list[str]] | None, wildcards: bool) -> str:
    """A regex for ``text``: wildcards in the policy's own text, substituted values literal."""
    parts: list[str] = []
    position = 0
    for found in _VARIABLE.finditer(text) if context is not None else ():
        parts.append(_translate(text[position : found.start()], wildcards))
        parts.append(re.escape(_resolve(found.group(1), context)))
        position = found.end()
    parts.append(_translate(text[position:], wildcards))
    return "".join(parts)


def _translate(text: str, wildcards: bool) -> str:
    if not wildcards:
        return re.escape(text)
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


def _resolve(inner: str, context: Mapping[str, list[str]]) -> str:
    if inner in _LITERALS:
        return _LITERALS[inner]
    default = None
    with_default = _DEFAULT.match(inner)
    if with_default:
        inner, default = with_default.group(1), with_default.group(2)
    values = context.get(inner.strip().lower())
    if values is None or len(values) != 1:
        if values is not None and len(values) > 1:
            raise PolicyError(f"policy variable {inner!r} names a multivalued key")
        if default is None:
            raise _Unresolved(inner)
        return default
    return values[0]


def _wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    flags = re.IGNORECASE if ignore_case else 0
    return re.fullmatch(_translate(pattern, True), value, flags | re.DOTALL) is not None


def _arn_matcher(pattern: str, context: Mapping[str, list[str]] | None):
    """ARN matching: the first five segments one by one, the resource part as a whole.

    Raises ``_Unresolved`` when a variable in ``pattern`` has no value.
    """
    if pattern == "*":
        return lambda value: True
    parts = pattern.split(":", 5)
    if len(parts) != 6:
        return lambda value: False
    regexes = [re.compile(_pattern(part, context, True), re.DOTALL) for part in parts]

    def matches(value: str) -> bool:
        segments = value.split(":", 5)
        return len(segments) == 6 and all(
            r.fullmatch(v) for r, v in zip(regexes, segments, strict=True)
        )

    return matches


def _arn_like(pattern: str, value: str, context: Mapping[str, list[str]], variables: bool) -> bool:
    try:
        return _arn_matcher(pattern, context if variables else None)(value)
    except _Unresolved:
        return False


# Conditions --------------------------------------------------------------------------------------

_NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
    "NumericNotEquals",
}
_STRING = {
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
}
_ARN = {"ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"}
_NUMERIC = {
    "NumericEquals": lambda a, b: a == b,
    "NumericNotEquals": lambda a, b: a == b,  # negated below, like every Not operator
    "NumericLessThan": lambda a, b: a < b,
    "NumericLessThanEquals": lambda a, b: a <= b,
    "NumericGreaterThan": lambda a, b: a > b,
    "NumericGreaterThanEquals": lambda a, b: a >= b,
}
_OPERATORS = _STRING | _ARN | set(_NUMERIC) | {"Bool"}


def conditions_hold(
    condition: Mapping[str, Any], context: Mapping[str, list[str]], variables: bool = True
) -> bool:
    """Every operator, and every key under it, holds (logical AND)."""
    if not isinstance(condition, Mapping):
        raise PolicyError(f"Condition must be an object, got {condition!r}")
    for operator, entries in condition.items():
        if not isinstance(entries, Mapping) or not entries:
            raise PolicyError(f"{operator} must map condition keys to values")
        for key, expected in entries.items():
            values = _as_list(expected, f"{operator} {key}")
            if not _condition_holds(operator, key, values, context, variables):
                return False
    return True


def _condition_holds(
    operator: str,
    key: str,
    expected: list[str],
    context: Mapping[str, list[str]],
    variables: bool,
) -> bool:
    actual = context.get(key.lower())
    if operator == "Null":
        if expected not in (["true"], ["false"]):
            raise PolicyError(f'Null takes "true" or "false", got {expected!r}')
        return (actual is None) == (expected == ["true"])
    qualifier, _, base = operator.rpartition(":")
    if qualifier not in ("", "ForAllValues", "ForAnyValue"):
        raise PolicyError(f"unknown set operator {qualifier!r} in {operator}")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    if base not in _OPERATORS:
        raise PolicyError(f"condition operator {operator} is not supported by this evaluator")
    negated = base in _NEGATED
    if actual is None:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return if_exists or negated
    if not qualifier and len(actual) != 1:
        raise PolicyError(
            f"{key} has several values: use ForAllValues: or ForAnyValue: with {operator}"
        )
    try:
        matchers = [_matcher(base, value, context, variables) for value in expected]
    except _Unresolved:
        return False

    def holds(value: str) -> bool:
        matched = any(m(value) for m in matchers)
        return not matched if negated else matched

    if qualifier == "ForAllValues":
        return all(holds(v) for v in actual)
    return any(holds(v) for v in actual)


def _matcher(base: str, expected: str, context: Mapping[str, list[str]], variables: bool):
    scope = context if variables else None
    if base == "Bool":
        if expected.lower() not in ("true", "false"):
            raise PolicyError(f'Bool takes "true" or "false", got {expected!r}')
        return lambda value: value.lower() == expected.lower()
    if base in _NUMERIC:
        compare = _NUMERIC[base]
        bound = _number(expected)
        return lambda value: compare(_number(value), bound)
    if base in _ARN:
        return _arn_matcher(expected, scope)
    wildcards = base in ("StringLike", "StringNotLike")
    flags = re.IGNORECASE if base.endswith("IgnoreCase") else 0
    regex = re.compile(_pattern(expected, scope, wildcards), flags | re.DOTALL)
    return lambda value: regex.fullmatch(value) is not None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise PolicyError(f"not a number: {text!r}") from None


def _normalise_context(context: Mapping[str, ContextValue]) -> dict[str, list[str]]:
    """Keys lower-cased (condition keys are case-insensitive); every value a list of strings;
    an empty list is an absent key."""
    normalised: dict[str, list[str]] = {}
    for key, value in context.items():
        values = [value] if isinstance(value, str) else list(value)
        if not all(isinstance(v, str) for v in values):
            raise PolicyError(f"context key {key} must hold strings, got {value!r}")
        if values:
            normalised[key.lower()] = values
    return normalised
