"""Preflight's account and state-bucket checks, and what it reads from the backend file."""

from __future__ import annotations

import pytest

from artificien_infra.core import preflight_checks as checks
from artificien_infra.core.config import ConfigError
from artificien_infra.core.preflight_probe import Backend, Verdict, read_backend


def test_credentials_of_the_backends_account_pass(world):
    outcome = checks.check_account(world.probe(backend=world.backend()))
    assert outcome.verdict is Verdict.PASS
    assert outcome.found.startswith("account 123456789012 (arn:aws:sts::123456789012:")


def test_credentials_of_another_account_fail_naming_both(world):
    # GIVEN prod's backend, in its own account behind a profile
    key = "arn:aws:kms:us-east-1:210987654321:key/abc"
    backend = world.backend(bucket="prod-state", kms_key_id=key, profile="artificien-prod")
    outcome = checks.check_account(world.probe("prod", backend=backend))
    assert outcome.verdict is Verdict.FAIL
    assert outcome.found == "credentials of account 123456789012, state in account 210987654321"
    assert outcome.fix == (
        "use credentials of account 210987654321: profile artificien-prod (the backend's)"
    )


def test_no_backend_file_fails_pointing_at_bootstrap(world):
    for check in (checks.check_account, checks.check_state_bucket):
        outcome = check(world.probe(backend=None))
        assert outcome.verdict is Verdict.FAIL
        assert outcome.fix == "artificien-infra bootstrap --env dev --region us-east-1"


def test_a_backend_that_names_no_account_warns(world):
    backend = Backend(bucket="my-own-state-bucket", region="us-east-1")
    assert backend.account is None
    outcome = checks.check_account(world.probe(backend=backend))
    assert outcome.verdict is Verdict.WARN


def test_the_backends_account_comes_from_its_key_then_its_default_bucket_name():
    by_key = Backend(
        "any-bucket", "us-east-1", kms_key_id="arn:aws:kms:eu-west-1:111122223333:key/k"
    )
    assert by_key.account == "111122223333"
    assert Backend("artificien-tfstate-444455556666-us-east-1", "us-east-1").account == (
        "444455556666"
    )


def test_local_skips_the_account(world):
    assert checks.check_account(world.probe("local")).verdict is Verdict.SKIP


def test_a_versioned_encrypted_state_bucket_passes(world):
    world.state_bucket()
    outcome = checks.check_state_bucket(world.probe(backend=world.backend()))
    assert outcome.verdict is Verdict.PASS
    assert outcome.found == (
        "artificien-tfstate-123456789012-us-east-1: versioning Enabled, default encryption aws:kms"
    )


def test_a_missing_state_bucket_fails_pointing_at_bootstrap(world):
    outcome = checks.check_state_bucket(world.probe(backend=world.backend()))
    assert outcome.verdict is Verdict.FAIL
    assert outcome.found == "no bucket artificien-tfstate-123456789012-us-east-1"
    assert outcome.fix == "artificien-infra bootstrap --env dev --region us-east-1"


@pytest.mark.parametrize(
    ("versioning", "encryption", "verdict"),
    [(False, "aws:kms", Verdict.FAIL), (True, None, Verdict.FAIL), (True, "AES256", Verdict.WARN)],
)
def test_a_state_bucket_without_versioning_or_its_key_is_not_passed(
    world, versioning, encryption, verdict
):
    world.state_bucket(versioning=versioning, encryption=encryption)
    outcome = checks.check_state_bucket(world.probe(backend=world.backend()))
    assert outcome.verdict is verdict
    assert "artificien-infra bootstrap --env dev" in outcome.fix


def test_read_backend_takes_bootstraps_file(tmp_path):
    path = tmp_path / "dev.backend.hcl"
    assert read_backend(path) is None
    path.write_text(
        'bucket       = "artificien-tfstate-123456789012-us-east-1"\n'
        'key          = "artificien.tfstate"\n'
        'region       = "us-east-1"\n'
        "encrypt      = true\n"
        'kms_key_id   = "arn:aws:kms:us-east-1:123456789012:key/k"\n'
        'profile      = "artificien-dev"\n'
    )
    backend = read_backend(path)
    assert backend == Backend(
        bucket="artificien-tfstate-123456789012-us-east-1",
        region="us-east-1",
        kms_key_id="arn:aws:kms:us-east-1:123456789012:key/k",
        profile="artificien-dev",
    )
    path.write_text('key = "artificien.tfstate"\n')
    with pytest.raises(ConfigError, match="lacks bucket, region"):
        read_backend(path)
