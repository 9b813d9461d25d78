"""The rehearsal's own logic: its stand-ins (moto in-process), its private context, its verdict.

The rehearsal itself (a real apply of prod's configuration to an emulator) runs in `make test` as
`make rehearse`; these tests pin what it decides without Terraform.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import boto3
import pytest
from moto import mock_aws

from artificien_infra.core import rehearse
from artificien_infra.core.config import ConfigError
from artificien_infra.core.preflight_probe import Target

REGION = "us-east-1"


def _target(**settings) -> Target:
    values = {
        "aws_region": REGION,
        "domain": "artificien.com",
        "amplify_enabled": True,
        "amplify_repository_token_ssm_parameter": "/artificien/prod/website-repository-token",
        "cognito_email_sender": {"from_address": "no-reply@artificien.com"},
        **settings,
    }
    return Target("prod", values, None, None)  # type: ignore[arg-type]


@pytest.fixture
def aws():
    with mock_aws():
        yield lambda service: boto3.client(service, region_name=REGION)


def test_stand_ins_are_what_only_the_account_owner_has(aws):
    seeded = rehearse.seed_stand_ins(
        _target(cognito_email_sender={"from_address": "a@b.com", "ses_identity": "b.com"}), aws
    )
    assert seeded == [
        "hosted zone artificien.com",
        "token parameter /artificien/prod/website-repository-token",
        "SES identity b.com",
    ]
    zones = aws("route53").list_hosted_zones_by_name(DNSName="artificien.com")["HostedZones"]
    assert [z["Name"] for z in zones] == ["artificien.com."]
    assert not zones[0]["Config"]["PrivateZone"]
    parameter = aws("ssm").get_parameter(Name="/artificien/prod/website-repository-token")
    assert parameter["Parameter"]["Type"] == "SecureString"
    verified = aws("ses").get_identity_verification_attributes(Identities=["b.com"])
    assert verified["VerificationAttributes"]["b.com"]["VerificationStatus"] == "Success"


def test_an_address_identity_is_verified_as_an_address(aws):
    rehearse.seed_stand_ins(_target(), aws)
    assert aws("ses").list_identities(IdentityType="EmailAddress")["Identities"] == [
        "no-reply@artificien.com"
    ]


def test_nothing_is_seeded_that_the_apply_creates_or_the_env_does_not_use(aws):
    seeded = rehearse.seed_stand_ins(
        _target(create_hosted_zone=True, amplify_enabled=False, cognito_email_sender=None), aws
    )
    assert seeded == []
    assert aws("route53").list_hosted_zones()["HostedZones"] == []
    assert aws("ssm").describe_parameters()["Parameters"] == []


def test_the_rehearsal_has_its_own_build_dir_and_port(ctx):
    private = rehearse.rehearsal_context(ctx, "prod")
    assert private.paths.build == ctx.paths.build / "rehearsal" / "prod"
    assert private.paths.root == ctx.paths.root
    assert private.settings.local_port != ctx.settings.local_port
    assert private.emulator_url is None
    assert private.extra_variables == {}


def test_local_is_not_rehearsed(ctx):
    with pytest.raises(ConfigError, match="rehearse a real env"):
        rehearse.rehearse(ctx, "local")


def test_an_unknown_env_is_refused(ctx):
    with pytest.raises(ConfigError, match="unknown environment"):
        rehearse.rehearse(ctx, "qa")


@pytest.mark.parametrize(
    ("changes", "leftovers", "line"),
    [
        ([], [], "rehearsal of prod: applied 7, re-plan clean, destroyed"),
        (["module.x.aws_lb.this (update)"], [], "rehearsal of prod: applied 7, re-plan NOT clean"),
        ([], ["bucket artificien-prod-logs"], "rehearsal of prod: applied 7, re-plan clean, NOT"),
    ],
)
def test_the_summary_line_says_what_happened(changes, leftovers, line):
    result = rehearse.Rehearsal("prod", applied=7, replan_changes=changes, leftovers=leftovers)
    assert result.summary.startswith(line)


def test_changes_of_a_replan_name_each_address_and_skip_no_ops():
    document = {
        "resource_changes": [
            {"address": "a.b", "change": {"actions": ["no-op"]}},
            {"address": "data.c", "change": {"actions": ["read"]}},
            {"address": "d.e", "change": {"actions": ["delete", "create"]}},
        ]
    }
    assert rehearse._changes(document) == ["d.e (delete/create)"]


def test_leftovers_are_state_resources_and_buckets_but_the_states(ctx, runner, aws):
    (ctx.paths.build / "local").mkdir(parents=True)
    (ctx.paths.build / "local" / "backend.hcl").write_text('bucket = "b"\n')
    private = replace(ctx, emulator_url="http://127.0.0.1:9")
    s3 = aws("s3")
    for bucket in ("artificien-tfstate-local", "artificien-dev-logs-123456789012"):
        s3.create_bucket(Bucket=bucket)
    runner.plan_document = {
        "values": {
            "root_module": {
                "resources": [{"address": "data.aws_caller_identity.current", "mode": "data"}],
                "child_modules": [
                    {
                        "resources": [
                            {"address": "module.storage.aws_s3_bucket.logs", "mode": "managed"}
                        ]
                    }
                ],
            }
        }
    }
    assert rehearse.leftovers(private, "dev", s3) == [
        "module.storage.aws_s3_bucket.logs",
        "bucket artificien-dev-logs-123456789012",
    ]
    s3.delete_bucket(Bucket="artificien-dev-logs-123456789012")
    runner.plan_document = {"values": None}
    assert rehearse.leftovers(private, "dev", s3) == []


def test_only_the_emulators_own_limits_are_overridden():
    # everything else comes from the env's tfvars: a new override here must be argued for
    assert set(rehearse.EMULATOR_VARIABLES) == {
        "pygrid_role_provisioning_enabled",
        "jupyterhub_ami_name_pattern",
    }


def test_a_failed_rehearsal_keeps_the_emulators_log(ctx, monkeypatch):
    private = rehearse.rehearsal_context(ctx, "prod")
    stopped = []

    def up(c):
        c.paths.local_dir.mkdir(parents=True)
        (c.paths.local_dir / "emulator.log").write_text("POST /2015-03-31/functions 409\n")
        return "http://127.0.0.1:9", True

    monkeypatch.setattr(rehearse.local, "up", up)
    monkeypatch.setattr(rehearse.local, "stop_all", lambda c: stopped.append(c))
    with pytest.raises(RuntimeError) as failed, rehearse._emulator(private, keep=False):
        raise RuntimeError("apply failed")
    kept = private.paths.build / rehearse.FAILED_LOG
    assert failed.value.__notes__ == [f"the emulator's log: {kept}"]
    assert kept.read_text() == "POST /2015-03-31/functions 409\n"
    assert stopped == [private]
    assert not private.paths.local_dir.exists()


def test_only_the_plans_after_its_own_applies_skip_the_refresh(ctx, monkeypatch):
    """The first plan and the re-plan read every resource back (the re-plan is the check that a
    clean apply leaves nothing to change); the lift and destroy plans come straight after the
    rehearsal's own applies and plan from that state."""
    plans: list[tuple[bool, bool, bool]] = []  # (destroy, refresh, deletion protection lifted)

    def plan(run, env, *, destroy=False, refresh=True):
        lifted = run.extra_variables.get("deletion_protection") is False
        plans.append((destroy, refresh, lifted))
        totals = {"add": 0 if destroy else 235, "destroy": 235 if destroy else 0}
        return SimpleNamespace(has_changes=len(plans) != 2, summary=SimpleNamespace(totals=totals))

    monkeypatch.setattr(rehearse, "load_target", lambda paths, env: _target())
    monkeypatch.setattr(rehearse, "seed_stand_ins", lambda target, client: [])
    monkeypatch.setattr(rehearse.local, "up", lambda c: ("http://127.0.0.1:9", True))
    monkeypatch.setattr(rehearse.local, "stop_all", lambda c: None)
    monkeypatch.setattr(
        rehearse.local, "client", lambda service, url: SimpleNamespace(put_object=dict)
    )
    monkeypatch.setattr(rehearse.deploy, "plan", plan)
    monkeypatch.setattr(rehearse.deploy, "apply", lambda run, env, **kw: None)
    monkeypatch.setattr(rehearse.deploy, "read_outputs", lambda env, run: {"logs_bucket_name": "l"})
    monkeypatch.setattr(rehearse, "leftovers", lambda run, env, s3: [])

    result = rehearse.rehearse(ctx, "prod")

    assert plans == [
        (False, True, False),  # the first plan
        (False, True, False),  # the re-plan
        (False, False, True),  # deletion protection lifted
        (True, False, True),  # the destroy
    ]
    assert result.summary == "rehearsal of prod: applied 235, re-plan clean, destroyed"
