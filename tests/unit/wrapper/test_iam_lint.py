"""The IAM lint gate: policy documents read from a plan JSON, parliament, reasoned exceptions."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from artificien_infra.cli import main
from artificien_infra.core import checks, iam_lint

ROOT = Path(__file__).resolve().parents[3]
REPOSITORY_WAIVERS = iam_lint.load_waivers(ROOT / iam_lint.EXCEPTIONS_FILE)
ROLE_ARN = "arn:aws:iam::111122223333:role/artificien-local-website-authenticated"
TABLE = "arn:aws:dynamodb:us-east-1:111122223333:table/local-user_table"
GOOD = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": [TABLE]}
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Cognito",
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
                "ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
        }
    ],
}


def _resource(address, type_, **values):
    return {"address": address, "type": type_, "values": values}


def _plan(*resources, children=(), changes=()):
    return {
        "planned_values": {
            "root_module": {"resources": list(resources), "child_modules": list(children)}
        },
        "resource_changes": list(changes),
    }


def _role_plan(policy=GOOD):
    role = _resource(
        "module.cognito.aws_iam_role.authenticated",
        "aws_iam_role",
        arn=ROLE_ARN,
        name="artificien-local-website-authenticated",
        assume_role_policy=json.dumps(TRUST),
        inline_policy=[{"name": "website-dynamodb", "policy": json.dumps(policy)}],
        description='{"not": "a policy"}',
    )
    policy_resource = _resource(
        "module.cognito.aws_iam_role_policy.authenticated",
        "aws_iam_role_policy",
        policy=json.dumps(policy),
        name="website-dynamodb",
    )
    return _plan(children=[{"address": "module.cognito", "resources": [role, policy_resource]}])


def test_documents_are_found_at_any_depth_and_trust_policies_get_their_role():
    found = iam_lint.documents(_role_plan())
    # the role's inline_policy is the role policy read back: one document, two places
    assert [(d.label, d.also) for d in found] == [
        ("module.cognito.aws_iam_role.authenticated assume_role_policy", ()),
        (
            "module.cognito.aws_iam_role_policy.authenticated policy",
            ("module.cognito.aws_iam_role.authenticated inline_policy[0].policy",),
        ),
    ]
    trust = found[0]
    assert trust.trust_resource == ROLE_ARN
    assert iam_lint.as_linted(trust)["Statement"][0]["Resource"] == ROLE_ARN
    assert found[1].trust_resource is None
    assert iam_lint.as_linted(found[1]) == GOOD


def test_a_finding_repeated_per_expanded_action_is_reported_once():
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
            }
        ],
    }
    document = iam_lint.Document("aws_s3_bucket_policy.b", "policy", deny)
    details = [(f.issue, f.detail) for f in iam_lint.parliament_findings(document)]
    assert len(details) == len(set(details))
    assert (
        "MISMATCHED_TYPE",
        "Type mismatch: s3:TlsVersion requires a value of type Numeric but given ['1.2']",
    ) in details


def test_policies_known_only_after_apply_are_listed():
    plan = _plan(
        changes=[
            {
                "address": "aws_iam_role_policy.a",
                "change": {"actions": ["create"], "after_unknown": {"policy": True, "id": True}},
            },
            {
                "address": "aws_iam_role.gone",
                "change": {"actions": ["delete"], "after_unknown": {"assume_role_policy": True}},
            },
            {
                "address": "aws_iam_role_policy_attachment.b",
                "change": {"actions": ["create"], "after_unknown": {"policy_arn": True}},
            },
        ]
    )
    assert iam_lint.unknown_documents(plan) == ["aws_iam_role_policy.a policy"]


def test_policies_redacted_as_sensitive_are_listed_not_skipped():
    plan = _plan(_resource("aws_s3_bucket_policy.b", "aws_s3_bucket_policy", policy="(sensitive)"))
    report = iam_lint.lint(plan, [])
    assert report.unknown == ["aws_s3_bucket_policy.b policy (sensitive)"]
    assert report.documents == 0


def test_the_website_trust_needs_exactly_its_reasoned_exception():
    # GIVEN the website role's trust (TagSession under the aud/amr conditions)
    # WHEN it is linted without exceptions THEN parliament names exactly those two keys
    bare = iam_lint.lint(_role_plan(), [])
    assert sorted(f.detail for f in bare.findings) == [
        f"Unknown condition cognito-identity.amazonaws.com:{key} for action sts:TagSession"
        for key in ("amr", "aud")
    ]
    # AND the repository's exceptions file covers them, and nothing else is found
    clean = iam_lint.lint(_role_plan(), REPOSITORY_WAIVERS)
    assert clean.documents == 2
    assert clean.findings == []
    assert len(clean.waived) == 2
    assert clean.ok


def test_parliament_catches_a_bad_action():

    typo = {**GOOD, "Statement": [{**GOOD["Statement"][0], "Action": ["dynamodb:GetItems"]}]}
    report = iam_lint.lint(_role_plan(typo), REPOSITORY_WAIVERS)
    assert [f.issue for f in report.findings] == ["UNKNOWN_ACTION"]
    assert report.findings[0].document == "module.cognito.aws_iam_role_policy.authenticated policy"
    assert not report.ok


def test_a_trust_policy_without_its_role_as_resource_would_be_malformed():
    # what the gate avoids by giving trust policies their role: parliament alone reports MALFORMED
    bare = iam_lint.Document("aws_iam_role.r", "assume_role_policy", TRUST)
    assert [f.issue for f in iam_lint.parliament_findings(bare)] == ["MALFORMED"]


def test_an_exception_covers_only_its_issue_and_documents():
    waiver = iam_lint.Waiver(
        issue="UNKNOWN_ACTION",
        document="module.cognito.aws_iam_role_policy.*",
        reason="a made-up action for this test only",
    )
    typo = {**GOOD, "Statement": [{**GOOD["Statement"][0], "Action": ["dynamodb:GetItems"]}]}
    report = iam_lint.lint(_role_plan(typo), [*REPOSITORY_WAIVERS, waiver])
    assert report.findings == []
    assert [w for _, w in report.waived].count(waiver) == 1

    # a pattern naming the place the document is read back also covers it
    mirror = iam_lint.Waiver(
        "UNKNOWN_ACTION", "*aws_iam_role.authenticated inline_policy*", "x" * 20
    )
    assert iam_lint.lint(_role_plan(typo), [*REPOSITORY_WAIVERS, mirror]).findings == []

    elsewhere = iam_lint.Waiver("UNKNOWN_ACTION", "module.other.*", "a made-up action, elsewhere")
    findings = iam_lint.lint(_role_plan(typo), [*REPOSITORY_WAIVERS, elsewhere]).findings
    assert [f.issue for f in findings] == ["UNKNOWN_ACTION"]
    narrow = iam_lint.Waiver("UNKNOWN_ACTION", "*", "only another action's detail", detail="*Put*")
    findings = iam_lint.lint(_role_plan(typo), [*REPOSITORY_WAIVERS, narrow]).findings
    assert [f.issue for f in findings] == ["UNKNOWN_ACTION"]


def test_a_plan_without_documents_fails():
    report = iam_lint.lint(_plan(), [])
    assert report.documents == 0
    assert not report.ok


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[exception]]\nissue = "X"\ndocument = "*"\n', "'reason' is required"),
        ('[[exception]]\nissue = "X"\ndocument = "*"\nreason = "fine"\n', "must say why"),
        ('[[exception]]\nissue = "X"\nreason = "because the role needs it"\n', "'document'"),
        (
            '[[exception]]\nissue = "X"\ndocument = "*"\nreason = "because it is so"\nsid = "A"\n',
            "unknown keys",
        ),
        ('[exceptions]\nissue = "X"\n', "unknown tables"),
        ("not toml = = =", "not valid TOML"),
    ],
)
def test_malformed_exceptions_are_refused(tmp_path, text, message):
    path = tmp_path / "iam-lint.toml"
    path.write_text(text)
    with pytest.raises(iam_lint.LintError, match=message):
        iam_lint.load_waivers(path)


def test_the_repository_exceptions_file_loads_with_a_reason_for_each():
    assert REPOSITORY_WAIVERS
    assert all(len(w.reason) >= 20 for w in REPOSITORY_WAIVERS)


def _write_plan(ctx, env, plan):
    exceptions = ctx.paths.root / iam_lint.EXCEPTIONS_FILE
    if not exceptions.exists():
        exceptions.write_text((ROOT / iam_lint.EXCEPTIONS_FILE).read_text())
    ctx.paths.build.mkdir(parents=True, exist_ok=True)
    ctx.paths.plan_json(env).write_text(json.dumps(plan))


def test_check_iam_lints_the_named_plan(ctx):
    _write_plan(ctx, "local", _role_plan())
    [result] = checks.check_iam(ctx, "local")
    assert result.name == "iam local"
    assert result.ok
    assert result.counts["documents"] == 2


def test_check_iam_fails_on_a_missing_plan_an_unreadable_one_and_a_finding(ctx):
    [missing] = checks.check_iam(ctx, "dev")
    assert not missing.ok
    assert "artificien-infra plan --env dev" in missing.detail

    ctx.paths.build.mkdir(parents=True, exist_ok=True)
    ctx.paths.plan_json("dev").write_text("{not json")
    [broken] = checks.check_iam(ctx, "dev")
    assert not broken.ok
    assert "cannot read plan JSON" in broken.detail

    typo = {**GOOD, "Statement": [{**GOOD["Statement"][0], "Action": ["dynamodb:GetItems"]}]}
    _write_plan(ctx, "dev", _role_plan(typo))
    [found] = checks.check_iam(ctx, "dev")
    assert not found.ok
    assert "UNKNOWN_ACTION" in found.detail


def test_check_iam_with_only_unknown_documents_fails(ctx):
    change = {
        "address": "aws_iam_role_policy.a",
        "change": {"actions": ["create"], "after_unknown": {"policy": True}},
    }
    _write_plan(ctx, "staging", _plan(changes=[change]))
    [result] = checks.check_iam(ctx, "staging")
    assert not result.ok
    assert "known only after apply" in result.detail


def test_check_iam_without_a_plan_env_lints_every_plan_present(ctx):
    [skipped] = checks.check_iam(ctx)
    assert skipped.ok
    assert skipped.detail.startswith("skipped: no plan JSON")

    _write_plan(ctx, "local", _role_plan())
    _write_plan(ctx, "prod", _plan())
    results = checks.check_iam(ctx)
    assert [(r.name, r.ok) for r in results] == [("iam local", True), ("iam prod", False)]


def test_check_iam_refuses_a_bad_exceptions_file(ctx):
    (ctx.paths.root / iam_lint.EXCEPTIONS_FILE).write_text('[[exception]]\nissue = "X"\n')
    _write_plan(ctx, "local", _role_plan())
    [result] = checks.check_iam(ctx, "local")
    assert not result.ok
    assert "required" in result.detail


def test_the_cli_runs_the_iam_step_on_the_plan_env(ctx):
    typo = {**GOOD, "Statement": [{**GOOD["Statement"][0], "Action": ["dynamodb:GetItems"]}]}
    _write_plan(ctx, "local", _role_plan(typo))
    result = CliRunner().invoke(main, ["check", "--only", "iam", "--plan-env", "local"], obj=ctx)
    assert result.exit_code == 1
    assert "UNKNOWN_ACTION" in result.output

    _write_plan(ctx, "local", _role_plan())
    result = CliRunner().invoke(main, ["check", "--only", "iam", "--plan-env", "local"], obj=ctx)
    assert result.exit_code == 0, result.output
