"""The IAM lint gate: parliament over every IAM policy document a plan renders.

The platform writes its policies as ``jsonencode``'d HCL, so the documents as AWS will receive
them exist only in a plan: they are read from a plan JSON's planned values, wherever they sit
(any string attribute, at any depth, that parses as a JSON object with a ``Statement``: role and
inline policies, trust policies, bucket, queue and key policies alike, including those of
resource types added later).

The gate fails closed: parliament missing, an unreadable plan, a plan that renders no document,
or any finding of parliament's default severity (LOW and above) not covered by a reasoned
exception. A document still unknown at plan time (it names a resource not yet created), or one
the plan JSON shows redacted (a sensitive value), is listed, not linted: lint the plan of an
applied environment to see every document.

A role's trust policy has no ``Resource`` (its resource is the role itself), which parliament
reports as malformed; it is linted with the role's ARN as its resource.

Exceptions live in ``iam-lint.toml`` at the repository root; each names the finding's issue, a
pattern for the documents it covers and a reason (see that file).
"""

from __future__ import annotations

import fnmatch
import json
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from artificien_infra.core.redact import MARK
from artificien_infra.errors import UserError

EXCEPTIONS_FILE = "iam-lint.toml"
# parliament's own command line reports LOW and above by default
SEVERITIES = ("MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL")
MINIMUM_SEVERITY = "LOW"
# attributes that hold a policy document: what an unknown value at plan time is reported for
POLICY_ATTRIBUTES = frozenset(
    {"policy", "assume_role_policy", "policy_document", "access_policies"}
)
_EXCEPTION_KEYS = {"issue", "document", "detail", "reason"}
_MIN_REASON = 20


class LintError(UserError, ValueError):
    """The gate cannot run: bad exceptions file, unreadable plan, parliament missing."""


@dataclass(frozen=True)
class Document:
    address: str
    attribute: str
    policy: dict[str, Any]
    trust_resource: str | None = None  # set for role trust policies
    # the same document read back elsewhere (a role's inline_policy, a bucket's policy)
    also: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.address} {self.attribute}"

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.also)


@dataclass(frozen=True)
class Finding:
    document: str
    issue: str
    severity: str
    detail: str
    also: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.document, *self.also)

    def __str__(self) -> str:
        return f"{self.issue} ({self.severity}) in {self.document}: {self.detail}"


@dataclass(frozen=True)
class Waiver:
    issue: str
    document: str
    reason: str
    detail: str = "*"

    def covers(self, finding: Finding) -> bool:
        return (
            finding.issue == self.issue
            and any(fnmatch.fnmatchcase(label, self.document) for label in finding.labels)
            and fnmatch.fnmatchcase(finding.detail, self.detail)
        )


@dataclass
class Report:
    documents: int = 0
    unknown: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    waived: list[tuple[Finding, Waiver]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.documents > 0 and not self.findings


# Exceptions -------------------------------------------------------------------------------------


def load_waivers(path: Path) -> list[Waiver]:
    """The reasoned exceptions; a missing file is none, a malformed one is an error."""
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise LintError(f"{path.name}: not valid TOML ({err})") from None
    unknown_tables = set(data) - {"exception"}
    if unknown_tables:
        raise LintError(f"{path.name}: unknown tables {sorted(unknown_tables)}: use [[exception]]")
    return [_waiver(path.name, i, entry) for i, entry in enumerate(data.get("exception", []))]


def _waiver(name: str, index: int, entry: Mapping[str, Any]) -> Waiver:
    where = f"{name}: exception {index + 1}"
    unknown = set(entry) - _EXCEPTION_KEYS
    if unknown:
        raise LintError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("issue", "document", "reason"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise LintError(f"{where}: {key!r} is required (a non-empty string)")
    if len(entry["reason"].strip()) < _MIN_REASON:
        raise LintError(f"{where}: the reason must say why the finding is acceptable")
    if not isinstance(entry.get("detail", "*"), str):
        raise LintError(f"{where}: 'detail' must be a string pattern")
    return Waiver(
        entry["issue"], entry["document"], entry["reason"].strip(), entry.get("detail", "*")
    )


# Documents in a plan ----------------------------------------------------------------------------


def read_plan(path: Path) -> dict[str, Any]:
    try:
        plan = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise LintError(f"cannot read plan JSON {path}: {err}") from None
    if not isinstance(plan, dict) or "planned_values" not in plan:
        raise LintError(f"{path} is not a `terraform show -json` plan (no planned_values)")
    return plan


def documents(plan: Mapping[str, Any]) -> list[Document]:
    """Every distinct policy document in the plan's planned values, in address order.

    A document the plan shows twice (an ``aws_iam_role_policy`` and its role's
    ``inline_policy``, an ``aws_s3_bucket_policy`` and its bucket's ``policy``) is linted once,
    under the dedicated ``*_policy`` resource, with the other places in ``also``.
    """
    found: dict[str, list[tuple[str, str, str, dict[str, Any], str | None]]] = {}
    for resource in _resources(plan.get("planned_values", {}).get("root_module", {})):
        values = resource.get("values") or {}
        for attribute, policy in _policies(values, ""):
            trust = None
            if resource.get("type") == "aws_iam_role" and attribute == "assume_role_policy":
                trust = values.get("arn") or f"arn:aws:iam::*:role/{values.get('name') or '*'}"
            key = json.dumps([policy, trust], sort_keys=True)
            found.setdefault(key, []).append(
                (resource.get("type", ""), resource["address"], attribute, policy, trust)
            )
    unique = []
    for places in found.values():
        places.sort(key=lambda p: (not p[0].endswith("_policy"), f"{p[1]} {p[2]}"))
        _, address, attribute, policy, trust = places[0]
        also = tuple(f"{p[1]} {p[2]}" for p in places[1:])
        unique.append(Document(address, attribute, policy, trust, also))
    return sorted(unique, key=lambda d: d.label)


def unknown_documents(plan: Mapping[str, Any]) -> list[str]:
    """Policy attributes whose value is known only after apply."""
    unknown: list[str] = []
    for change in plan.get("resource_changes", []):
        if change.get("change", {}).get("actions") == ["delete"]:
            continue
        for path, leaf in _leaves(change.get("change", {}).get("after_unknown"), ""):
            if leaf is True and _is_policy_attribute(path):
                unknown.append(f"{change['address']} {path}")
    return sorted(unknown)


def redacted_documents(plan: Mapping[str, Any]) -> list[str]:
    """Policy attributes the plan JSON shows only as the redaction mark (sensitive values)."""
    hidden: list[str] = []
    for resource in _resources(plan.get("planned_values", {}).get("root_module", {})):
        for path, value in _leaves(resource.get("values") or {}, ""):
            if value == MARK and _is_policy_attribute(path):
                hidden.append(f"{resource['address']} {path} (sensitive)")
    return sorted(hidden)


def _is_policy_attribute(path: str) -> bool:
    return path.rsplit(".", 1)[-1].split("[", 1)[0] in POLICY_ATTRIBUTES


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, f"{path}[{index}]")
    else:
        yield path, value


def _resources(module: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _resources(child)


def _policies(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for where, leaf in _leaves(value, path):
        if (
            not isinstance(leaf, str)
            or not leaf.lstrip().startswith("{")
            or "Statement" not in leaf
        ):
            continue
        try:
            parsed = json.loads(leaf)
        except json.JSONDecodeError:
            continue
        if isinstance(parsed, dict) and "Statement" in parsed:
            yield where, parsed


# Linting ----------------------------------------------------------------------------------------


def as_linted(document: Document) -> dict[str, Any]:
    """The document parliament sees: a trust policy gets its role as the Resource."""
    if document.trust_resource is None:
        return document.policy
    statements = document.policy.get("Statement")
    statements = [statements] if isinstance(statements, Mapping) else list(statements or [])
    with_resource = [
        s if "Resource" in s or "NotResource" in s else {**s, "Resource": document.trust_resource}
        for s in statements
    ]
    return {**document.policy, "Statement": with_resource}


def parliament_findings(document: Document) -> list[Finding]:
    try:
        import parliament
    except ImportError:
        raise LintError("parliament is not installed: run `make setup`") from None
    policy = parliament.analyze_policy_string(json.dumps(as_linted(document)))
    findings: dict[tuple[str, str], Finding] = {}
    for raw in policy.findings:
        severity = parliament.config.get(raw.issue, {}).get("severity", "HIGH")
        if SEVERITIES.index(severity) < SEVERITIES.index(MINIMUM_SEVERITY):
            continue
        detail = raw.detail if isinstance(raw.detail, str) else json.dumps(raw.detail, default=str)
        # parliament repeats a finding for every action a wildcard expands to: report it once
        finding = Finding(document.label, raw.issue, severity, detail or "", document.also)
        findings.setdefault((finding.issue, finding.detail), finding)
    return list(findings.values())


def lint(plan: Mapping[str, Any], waivers: list[Waiver], analyze=parliament_findings) -> Report:
    report = Report(unknown=unknown_documents(plan) + redacted_documents(plan))
    for document in documents(plan):
        report.documents += 1
        for finding in analyze(document):
            waiver = next((w for w in waivers if w.covers(finding)), None)
            if waiver is None:
                report.findings.append(finding)
            else:
                report.waived.append((finding, waiver))
    return report
