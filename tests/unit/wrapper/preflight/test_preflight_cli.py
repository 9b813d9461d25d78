"""`artificien-infra preflight` through the CLI: the env's files as bootstrap and the tfvars have
them, moto in-process (or the emulator on loopback for local), a stubbed public resolver."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from click.testing import CliRunner
from moto.server import ThreadedMotoServer

from artificien_infra.cli import main
from artificien_infra.commands import preflight as preflight_cli
from artificien_infra.core import preflight, state
from artificien_infra.core.config import ConfigError
from artificien_infra.core.preflight_probe import Backend, Outcome, Target, Verdict, aws_for
from artificien_infra.local import processes as local
from artificien_infra.local.processes import LOCAL_STATE_BUCKET

ROOT = Path(__file__).resolve().parents[4]
DEV_TFVARS = """\
aws_region = "us-east-1"
domain     = "dev.example.com"

lambda_reserved_concurrency = { model_api = 25 }

nat_gateway_enabled = true
single_nat_gateway  = true

website_repository_url                 = "https://github.com/artificien/website"
amplify_repository_token_ssm_parameter = "/artificien/dev/website-repository-token"
"""


@pytest.fixture
def dev(ctx, world, monkeypatch):
    """The repo fixture with the real variables.tf, dev.tfvars and the backend bootstrap writes."""
    shutil.copy(ROOT / "terraform" / "variables.tf", ctx.paths.terraform / "variables.tf")
    ctx.paths.tfvars("dev").write_text(DEV_TFVARS)
    ctx.paths.backend_hcl("dev").write_text(
        state.backend_hcl(world.state_bucket_name, world.region, kms_key_id=world.key_arn)
    )
    servers: list[str] = []
    monkeypatch.setattr(preflight_cli, "resolve_name_servers", lambda domain: servers)
    world.public_name_servers = servers
    return ctx


def invoke(ctx, *args):
    return CliRunner().invoke(main, ["preflight", *args], obj=ctx)


def _by_check(result) -> dict[str, dict]:
    return {row["check"]: row for row in json.loads(result.stdout)}


def test_a_ready_account_passes_and_prints_the_table(dev, world):
    # GIVEN everything dev needs, delegated, and a quota above 25 + 100
    world.public_name_servers.extend(world.everything())
    result = invoke(dev, "--env", "dev", "--json")
    # THEN exit 0, the table on stderr, the findings on stdout
    assert result.exit_code == 0, result.output
    rows = _by_check(result)
    assert list(rows) == [check.name for check in preflight.CHECKS]
    assert {row["verdict"] for row in rows.values()} == {"pass", "skip"}
    assert rows["SES identity"]["verdict"] == "skip"  # dev keeps Cognito's sender
    for heading in ("Preflight of dev", "check", "found", "verdict", "what to do"):
        assert heading in result.stderr
    assert "preflight of dev: 10 pass, 0 fail, 0 warn, 1 skip" in result.stderr


def test_missing_zone_token_and_quota_fail_with_each_fix_named(dev, world):
    # GIVEN the state bucket and the images, but no zone, no token, a quota of 110
    world.state_bucket()
    world.image("orchestration", world.orchestration_tag)
    world.image("pygrid-node", world.pygrid_tag)
    world.set_quota("lambda", "L-B99A9384", 110)
    result = invoke(dev, "--env", "dev", "--json")
    # THEN exit 1 naming the three, and each row says what to do
    assert result.exit_code == 1
    assert (
        "error: preflight of dev: 3 check(s) failed (Lambda concurrency, hosted zone, "
        "repository token)"
    ) in result.stderr
    rows = _by_check(result)
    assert "--quota-code L-B99A9384 --desired-value 125" in rows["Lambda concurrency"]["fix"]
    assert "aws route53 create-hosted-zone --name dev.example.com" in rows["hosted zone"]["fix"]
    assert rows["repository token"]["fix"].startswith(
        "aws ssm put-parameter --name /artificien/dev/website-repository-token"
    )
    assert rows["delegation"]["verdict"] == "skip"


def test_prod_checks_its_ses_sender_and_its_own_account(dev, world):
    # GIVEN prod's tfvars with an SES sender, and a backend in another account
    dev.paths.tfvars("prod").write_text(
        DEV_TFVARS.replace("dev.example.com", "example.com")
        + 'cognito_email_sender = { from_address = "no-reply@example.com", '
        'ses_identity = "example.com" }\n'
    )
    other = "arn:aws:kms:us-east-1:210987654321:key/k"
    dev.paths.backend_hcl("prod").write_text(
        state.backend_hcl("prod-state", "us-east-1", kms_key_id=other)
    )
    rows = _by_check(invoke(dev, "--env", "prod", "--json"))
    assert rows["credentials' account"]["verdict"] == "fail"
    assert rows["SES identity"]["verdict"] == "fail"
    assert "create-email-identity --email-identity example.com" in rows["SES identity"]["fix"]


def test_preflight_only_reads(dev, world, monkeypatch):
    # GIVEN every call any client makes recorded
    world.public_name_servers.extend(world.everything())
    calls: list[str] = []
    original = BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        calls.append(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    assert invoke(dev, "--env", "dev").exit_code == 0
    # THEN every call is a read
    assert calls
    assert all(c.startswith(("Get", "List", "Describe", "Head")) for c in calls), calls


# The IAM action of each call where it is not "<service>:<operation>".
_ACTION_OF = {"HeadBucket": "s3:ListBucket", "GetBucketEncryption": "s3:GetEncryptionConfiguration"}


def test_each_check_declares_the_actions_its_calls_need(world, monkeypatch):
    # GIVEN a ready account, every path of each check taken (missing and present)
    world.everything()
    operations: list[tuple[str, str]] = []
    original = BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        operations.append((self.meta.service_model.signing_name, operation_name))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    for check in preflight.CHECKS:
        operations.clear()
        for probe in (
            world.probe(backend=world.backend()),
            world.probe("staging"),
            world.probe(orchestration_image_tag="v2", pygrid_image_tag="v2"),
            world.probe(
                amplify_repository_token_ssm_parameter=None,
                amplify_repository_token_secret_name="artificien/dev/token",
            ),
        ):
            check.run(probe)
        needed = {_ACTION_OF.get(op, f"{service}:{op}") for service, op in operations}
        # THEN what it would tell the operator to allow covers what it calls
        assert needed <= set(check.actions), (check.name, needed - set(check.actions))


def test_a_check_that_aws_refuses_fails_naming_the_actions_to_allow(world):
    def refused(probe):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetServiceQuota")

    def fine(probe):
        return Outcome(Verdict.PASS, "ok")

    checks = (
        preflight.Check("quota", ("servicequotas:GetServiceQuota",), refused),
        preflight.Check("next", (), fine),
    )
    first, second = preflight.run(world.probe(), checks)
    assert (first.verdict, first.found) == (Verdict.FAIL, "AWS refused: AccessDenied no")
    assert first.fix == "allow the caller servicequotas:GetServiceQuota"
    assert second.verdict is Verdict.PASS  # the others still run


def test_missing_tfvars_is_a_clear_error_that_writes_nothing(dev, world):
    dev.paths.tfvars("staging").unlink()
    result = invoke(dev, "--env", "staging")
    assert result.exit_code == 1
    assert "error: missing" in result.stderr
    assert "staging.tfvars" in result.stderr
    assert not dev.paths.build.exists()
    assert invoke(dev, "--env", "qa").exit_code == 2


def test_local_runs_against_the_emulator_on_loopback(ctx, quotas_patch, monkeypatch):
    # GIVEN the emulator (moto's server, with the patch) on a free loopback port, its state
    # bucket as `local up` creates it, and the repo's own local tfvars
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        s3 = local.client("s3", url)
        state.ensure_state_bucket(s3, LOCAL_STATE_BUCKET, "us-east-1", tls_only=False)
        shutil.copy(ROOT / "terraform/variables.tf", ctx.paths.terraform / "variables.tf")
        shutil.copy(ROOT / "terraform/envs/local.tfvars", ctx.paths.tfvars("local"))
        backend = state.backend_hcl(LOCAL_STATE_BUCKET, "us-east-1", endpoint_url=url)
        ctx.paths.backend_hcl("local").parent.mkdir(parents=True)
        ctx.paths.backend_hcl("local").write_text(backend)
        monkeypatch.setattr(preflight_cli, "endpoint_for", lambda ctx, env: url)
        # WHEN preflight runs for local
        result = invoke(ctx, "--env", "local", "--json")
    finally:
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))  # noqa: S310
        server.stop()
    # THEN it passes: what local has is there, what it does not use is skipped
    assert result.exit_code == 0, result.output
    rows = _by_check(result)
    assert rows["state bucket"]["verdict"] == "pass"
    assert rows["Elastic IPs"]["found"].endswith("local needs 1 address(es)")
    skipped = {name for name, row in rows.items() if row["verdict"] == "skip"}
    assert skipped == {
        "credentials' account", "hosted zone", "delegation", "repository token",
        "orchestration image", "PyGrid image", "SES identity",
    }  # fmt: skip


def test_an_emulator_gets_placeholder_keys_and_aws_the_backends_profile(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.write_text("[profile artificien-prod]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    backend = Backend("prod-state", "us-east-1", profile="artificien-prod")
    prod = Target("prod", {"aws_region": "us-east-1"}, backend, Path("prod.backend.hcl"))
    # a rehearsal's emulator (any env): its placeholder keys, never the profile's
    emulated = aws_for(prod, "http://127.0.0.1:4599")
    keys = emulated.session.get_credentials()
    assert (keys.access_key, keys.secret_key) == ("test", "test")
    assert emulated.client("sts", "us-east-1").meta.endpoint_url == "http://127.0.0.1:4599"
    # AWS: the profile the backend names
    assert aws_for(prod, None).session.profile_name == "artificien-prod"
    # local without its emulator is refused
    local_target = Target("local", {"aws_region": "us-east-1"}, None, Path("backend.hcl"))
    with pytest.raises(ConfigError, match="needs the emulator's endpoint"):
        aws_for(local_target, None)
