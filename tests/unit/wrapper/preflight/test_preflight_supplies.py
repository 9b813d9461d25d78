"""Preflight's checks of what only the account owner supplies: the repository token, the images
and the SES identity."""

from __future__ import annotations

import pytest

from artificien_infra.core import preflight_checks as checks
from artificien_infra.core.preflight_probe import Verdict

SENDER = {"from_address": "no-reply@example.com", "ses_identity": "example.com"}


def test_the_token_parameter_present_passes(world):
    world.token_parameter()
    outcome = checks.check_repository_token(world.probe())
    assert outcome.verdict is Verdict.PASS
    assert outcome.found == "/artificien/dev/website-repository-token (SecureString)"


def test_a_missing_token_parameter_fails_with_put_parameter(world):
    outcome = checks.check_repository_token(world.probe())
    assert outcome.verdict is Verdict.FAIL
    assert outcome.found == "no SSM parameter /artificien/dev/website-repository-token"
    # the token goes in from a file, never on the command line
    assert outcome.fix.startswith(
        "aws ssm put-parameter --name /artificien/dev/website-repository-token "
        "--type SecureString --value file://token.txt --region us-east-1"
    )


def test_a_plain_string_token_parameter_warns(world):
    world.token_parameter(kind="String")
    assert checks.check_repository_token(world.probe()).verdict is Verdict.WARN


def test_a_token_secret_is_checked_instead_when_named(world):
    probe = world.probe(
        amplify_repository_token_ssm_parameter=None,
        amplify_repository_token_secret_name="artificien/dev/token",
    )
    missing = checks.check_repository_token(probe)
    assert missing.verdict is Verdict.FAIL
    assert "aws secretsmanager create-secret --name artificien/dev/token" in missing.fix
    world.client("secretsmanager").create_secret(Name="artificien/dev/token", SecretString="x")
    assert checks.check_repository_token(probe).verdict is Verdict.PASS


def test_the_token_is_skipped_without_amplify_and_required_with_it(world):
    assert checks.check_repository_token(world.probe(amplify_enabled=False)).verdict is (
        Verdict.SKIP
    )
    unnamed = checks.check_repository_token(
        world.probe(amplify_repository_token_ssm_parameter=None)
    )
    assert unnamed.verdict is Verdict.FAIL
    assert "set amplify_repository_token_ssm_parameter" in unnamed.fix


@pytest.mark.parametrize(
    ("check", "repository", "tag"),
    [
        (checks.check_orchestration_image, "orchestration", "ec2c677"),
        (checks.check_pygrid_image, "pygrid-node", "31e9ed9"),
    ],
)
def test_images_at_the_configured_tags(world, check, repository, tag):
    # GIVEN no repository: the apply of the ecr component creates it
    none = check(world.probe())
    assert none.verdict is Verdict.FAIL
    assert none.found == f"no repository artificien-dev/{repository}"
    assert none.fix.startswith("ENV=dev COMPONENT=ecr make apply, then push")
    # GIVEN the repository without the tag: the push to make
    world.image(repository, tag=None)
    untagged = check(world.probe())
    assert untagged.verdict is Verdict.FAIL
    assert untagged.found == f"no image artificien-dev/{repository}:{tag}"
    registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    assert untagged.fix.startswith(f"docker push {registry}/artificien-dev/{repository}:{tag}")
    # GIVEN the tag pushed: pass; another configured tag is missing again
    world.client("ecr").delete_repository(repositoryName=f"artificien-dev/{repository}")
    world.image(repository, tag=tag)
    assert check(world.probe()).verdict is Verdict.PASS
    other = {"orchestration": "orchestration_image_tag", "pygrid-node": "pygrid_image_tag"}
    assert check(world.probe(**{other[repository]: "v2"})).verdict is Verdict.FAIL


def test_an_external_image_or_local_skips_the_image_check(world):
    external = world.probe(orchestration_image="ghcr.io/example/orchestration:1.0")
    assert checks.check_orchestration_image(external).verdict is Verdict.SKIP
    assert checks.check_pygrid_image(world.probe("local")).verdict is Verdict.SKIP


def test_a_verified_ses_identity_passes(world):
    world.client("ses").verify_domain_identity(Domain="example.com")
    outcome = checks.check_ses_identity(world.probe(cognito_email_sender=SENDER))
    assert outcome.verdict is Verdict.PASS
    assert outcome.found == "example.com verified in us-east-1"


def test_a_missing_ses_identity_fails_with_create_email_identity(world):
    # GIVEN another identity verified, not the sender's
    world.client("ses").verify_email_identity(EmailAddress="someone@else.example")
    outcome = checks.check_ses_identity(world.probe(cognito_email_sender=SENDER))
    assert outcome.verdict is Verdict.FAIL
    assert "aws sesv2 create-email-identity --email-identity example.com" in outcome.fix


def test_the_from_address_is_the_identity_when_none_is_named(world):
    sender = {"from_address": "no-reply@example.com"}
    missing = checks.check_ses_identity(world.probe(cognito_email_sender=sender))
    assert missing.found == "no-reply@example.com is not an SES identity in us-east-1"
    world.client("ses").verify_email_identity(EmailAddress="no-reply@example.com")
    assert checks.check_ses_identity(world.probe(cognito_email_sender=sender)).verdict is (
        Verdict.PASS
    )


def test_no_sender_skips_ses(world):
    assert checks.check_ses_identity(world.probe()).verdict is Verdict.SKIP
