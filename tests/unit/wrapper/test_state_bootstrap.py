"""``bootstrap``: the remote-state bucket's own KMS key and a bucket policy that admits only the
principals named at bootstrap and the account root, over TLS only; re-runs, and refusals that
write nothing. Through the CLI, against moto, as a role session and as an IAM user."""

from __future__ import annotations

import json

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from artificien_infra.cli import main
from artificien_infra.core import state
from artificien_infra.core.iam_lint import Document, parliament_findings
from iam_eval import Decision, Request, evaluate

ACCOUNT = "123456789012"
REGION = "us-west-2"
BUCKET = f"artificien-tfstate-{ACCOUNT}-{REGION}"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/ops/deployer"  # a role with a path, as SSO roles have
CI = f"arn:aws:iam::{ACCOUNT}:role/ci"


@pytest.fixture
def aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        iam = boto3.client("iam", region_name=REGION)
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "sts:AssumeRole"}
            ],
        }
        iam.create_role(
            RoleName="deployer", Path="/ops/", AssumeRolePolicyDocument=json.dumps(trust)
        )
        iam.create_role(RoleName="ci", AssumeRolePolicyDocument=json.dumps(trust))
        yield


def _role_session(arn: str) -> boto3.session.Session:
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=arn, RoleSessionName="operator"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def _user_session(name: str, path: str = "/") -> boto3.session.Session:
    iam = boto3.client("iam", region_name=REGION)
    iam.create_user(UserName=name, Path=path)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return boto3.session.Session(
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        region_name=REGION,
    )


def _bootstrap(ctx, monkeypatch, session, *args):
    monkeypatch.setattr(state, "session", lambda profile, region: session)
    command = ["bootstrap", "--env", "dev", "--region", REGION, *args]
    return CliRunner().invoke(main, command, obj=ctx)


def _key_arn(alias: str = state.key_alias(BUCKET)) -> str:
    return boto3.client("kms", region_name=REGION).describe_key(KeyId=alias)["KeyMetadata"]["Arn"]


def _key_policy() -> dict:
    kms = boto3.client("kms", region_name=REGION)
    return json.loads(kms.get_key_policy(KeyId=_key_arn(), PolicyName="default")["Policy"])


def _bucket_policy() -> dict:
    s3 = boto3.client("s3", region_name=REGION)
    return json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])


def _statements(policy: dict) -> dict[str, dict]:
    return {s["Sid"]: s for s in policy["Statement"]}


def _decide(policy: dict, principal: str, action: str, resource: str, tls: bool = True):
    context = {"aws:PrincipalArn": principal, "aws:SecureTransport": str(tls).lower()}
    return evaluate([policy], Request(action, resource, context, ("AWS", principal))).decision


def _bucket_and_key_count() -> tuple[list[str], int]:
    buckets = [b["Name"] for b in boto3.client("s3", region_name=REGION).list_buckets()["Buckets"]]
    keys = boto3.client("kms", region_name=REGION).list_keys()["Keys"]
    return buckets, len(keys)


def test_a_first_bootstrap_creates_the_bucket_with_a_key_of_its_own(aws, ctx, monkeypatch):
    # GIVEN a role session (role with a path) and no state bucket or key yet
    ctx.paths.backend_hcl("dev").unlink()
    assert _bucket_and_key_count() == ([], 0)

    # WHEN bootstrap runs without --principal
    result = _bootstrap(ctx, monkeypatch, _role_session(DEPLOYER))

    # THEN the bucket and its key are created, the key rotates, and the bucket encrypts with it
    assert result.exit_code == 0, result.output
    assert f"state bucket {BUCKET} created" in result.output
    key = _key_arn()
    assert f"key {key} created (rotation on)" in result.output
    kms = boto3.client("kms", region_name=REGION)
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    s3 = boto3.client("s3", region_name=REGION)
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": key,
    }
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    # AND the caller's own role (with its path, read from IAM) is the one principal admitted
    assert f"admitted: {DEPLOYER}, the account root" in result.output
    # AND the backend writes the state with that key (encrypt alone would ask S3 for AES256)
    backend = ctx.paths.backend_hcl("dev").read_text()
    assert f'kms_key_id   = "{key}"' in backend
    assert f'bucket       = "{BUCKET}"' in backend
    assert "use_lockfile = true" in backend


def test_the_key_policy_names_the_root_and_the_principals_only(aws, ctx, monkeypatch):
    # GIVEN a bootstrap naming two principals
    result = _bootstrap(
        ctx, monkeypatch, _role_session(DEPLOYER), "--principal", DEPLOYER, "--principal", CI
    )
    assert result.exit_code == 0, result.output

    # THEN the key policy gives the account root everything (recovery) and the named principals
    # the management of this key and its use through S3 in the region, nobody else anything
    statements = _statements(_key_policy())
    assert set(statements) == {
        "AccountRootRecovery",
        "NamedPrincipalsManageThisKey",
        "NamedPrincipalsUseItThroughS3",
    }
    assert statements["AccountRootRecovery"]["Principal"] == {"AWS": ROOT}
    assert statements["AccountRootRecovery"]["Action"] == "kms:*"
    for sid in ("NamedPrincipalsManageThisKey", "NamedPrincipalsUseItThroughS3"):
        assert statements[sid]["Principal"] == {"AWS": sorted([DEPLOYER, CI])}
    use = statements["NamedPrincipalsUseItThroughS3"]
    assert use["Condition"] == {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}}
    assert "kms:ScheduleKeyDeletion" not in json.dumps(statements["NamedPrincipalsManageThisKey"])


def test_the_bucket_admits_only_the_named_principals_and_the_root_over_tls(aws, ctx, monkeypatch):
    # GIVEN a bootstrap naming the deployer and CI roles
    result = _bootstrap(
        ctx, monkeypatch, _role_session(DEPLOYER), "--principal", DEPLOYER, "--principal", CI
    )
    assert result.exit_code == 0, result.output
    policy = _bucket_policy()
    state_object = f"arn:aws:s3:::{BUCKET}/{state.STATE_KEY}"
    bucket = f"arn:aws:s3:::{BUCKET}"

    # THEN the named principals may read, write and list the state over TLS
    for principal in (DEPLOYER, CI):
        for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
            assert _decide(policy, principal, action, state_object) is Decision.ALLOW
        assert _decide(policy, principal, "s3:ListBucket", bucket) is Decision.ALLOW
        # but never over plain HTTP
        assert _decide(policy, principal, "s3:GetObject", state_object, tls=False) is (
            Decision.EXPLICIT_DENY
        )
    # AND any other principal of the account is denied, whatever its IAM policies allow
    other = f"arn:aws:iam::{ACCOUNT}:role/admin"
    for action in ("s3:GetObject", "s3:PutBucketPolicy", "s3:DeleteBucket"):
        assert _decide(policy, other, action, state_object) is Decision.EXPLICIT_DENY
    # AND the account root is not denied (recovery), nor granted anything by the bucket
    assert _decide(policy, ROOT, "s3:PutBucketPolicy", bucket) is Decision.IMPLICIT_DENY
    assert _decide(policy, ROOT, "s3:PutBucketPolicy", bucket, tls=False) is (
        Decision.EXPLICIT_DENY
    )
    deny = _statements(policy)["DenyAllButTheNamedPrincipals"]
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [CI, DEPLOYER, ROOT]}}


def test_a_rerun_keeps_the_key_and_replaces_both_policies(aws, ctx, monkeypatch):
    # GIVEN a bucket and key bootstrapped for the deployer alone
    session = _role_session(DEPLOYER)
    first = _bootstrap(ctx, monkeypatch, session)
    assert first.exit_code == 0, first.output
    key = _key_arn()

    # WHEN bootstrap runs again naming CI too
    again = _bootstrap(ctx, monkeypatch, session, "--principal", DEPLOYER, "--principal", CI)

    # THEN the same bucket and key are updated, not duplicated, and both policies name both
    assert again.exit_code == 0, again.output
    assert f"state bucket {BUCKET} updated" in again.output
    assert f"key {key} updated" in again.output
    assert _bucket_and_key_count() == ([BUCKET], 1)
    assert _key_arn() == key
    kms = boto3.client("kms", region_name=REGION)
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    bucket_deny = _statements(_bucket_policy())["DenyAllButTheNamedPrincipals"]
    assert bucket_deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == [CI, DEPLOYER, ROOT]
    key_use = _statements(_key_policy())["NamedPrincipalsUseItThroughS3"]
    assert key_use["Principal"] == {"AWS": [CI, DEPLOYER]}
    assert f'kms_key_id   = "{key}"' in ctx.paths.backend_hcl("dev").read_text()


def test_a_bucket_from_the_old_bootstrap_gets_its_key_and_policy(aws, ctx, monkeypatch):
    # GIVEN a state bucket the previous bootstrap made: AWS-managed KMS key, TLS-only policy
    s3 = boto3.client("s3", region_name=REGION)
    state.ensure_state_bucket(s3, BUCKET, REGION)
    assert set(_statements(_bucket_policy())) == {"DenyInsecureTransport"}

    # WHEN bootstrap runs
    result = _bootstrap(ctx, monkeypatch, _role_session(DEPLOYER))

    # THEN the bucket is updated to its own key and to the principals' policy
    assert result.exit_code == 0, result.output
    assert f"state bucket {BUCKET} updated" in result.output
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == _key_arn()
    assert set(_statements(_bucket_policy())) == {
        "DenyInsecureTransport",
        "DenyAllButTheNamedPrincipals",
        "NamedPrincipalsListTheState",
        "NamedPrincipalsReadAndWriteTheState",
    }


def test_a_list_that_locks_the_caller_out_is_refused_and_writes_nothing(aws, ctx, monkeypatch):
    # GIVEN no state bucket yet, and a deployer naming only the CI role
    backend = ctx.paths.backend_hcl("dev")
    before = backend.read_text()

    # WHEN bootstrap runs
    result = _bootstrap(ctx, monkeypatch, _role_session(DEPLOYER), "--principal", CI)

    # THEN it is refused in one line naming the caller, and nothing is created or written
    assert result.exit_code == 1
    assert "locks out the caller" in result.output
    assert "assumed-role/deployer/operator" in result.output
    assert "Traceback" not in result.output
    assert _bucket_and_key_count() == ([], 0)
    assert backend.read_text() == before


def test_a_rerun_that_would_lock_the_caller_out_leaves_the_policies_as_they_were(
    aws, ctx, monkeypatch
):
    # GIVEN a bucket bootstrapped for the deployer
    session = _role_session(DEPLOYER)
    assert _bootstrap(ctx, monkeypatch, session).exit_code == 0
    bucket_policy, key_policy = _bucket_policy(), _key_policy()

    # WHEN the deployer re-runs bootstrap naming only CI (and the root)
    result = _bootstrap(ctx, monkeypatch, session, "--principal", CI, "--principal", ROOT)

    # THEN it is refused and neither policy changed
    assert result.exit_code == 1
    assert "locks out the caller" in result.output
    assert _bucket_policy() == bucket_policy
    assert _key_policy() == key_policy


def test_the_callers_role_named_without_its_path_is_refused(aws, ctx, monkeypatch):
    # GIVEN the deployer role lives under /ops/; role/deployer would be another (absent) role,
    # and aws:PrincipalArn of the session would not match it
    # WHEN it is named without its path
    result = _bootstrap(
        ctx,
        monkeypatch,
        _role_session(DEPLOYER),
        "--principal",
        f"arn:aws:iam::{ACCOUNT}:role/deployer",
    )

    # THEN bootstrap refuses it as a lock-out
    assert result.exit_code == 1
    assert "locks out the caller" in result.output
    assert _bucket_and_key_count() == ([], 0)


@pytest.mark.parametrize(
    ("principal", "message"),
    [
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/operator", "that is a role session"),
        (f"arn:aws:iam::{ACCOUNT}:group/admins", "not an IAM role, user or account-root ARN"),
        ("deployer", "not an IAM role, user or account-root ARN"),
        (f"arn:aws:iam::{ACCOUNT}:role/", "not an IAM role, user or account-root ARN"),
        (f"arn:aws:iam::{ACCOUNT}:root/x", "not an IAM role, user or account-root ARN"),
        (f"arn:aws-cn:iam::{ACCOUNT}:role/ci", "outside partition aws"),
    ],
)
def test_a_principal_no_policy_can_name_is_refused_and_writes_nothing(
    aws, ctx, monkeypatch, principal, message
):
    result = _bootstrap(
        ctx, monkeypatch, _role_session(DEPLOYER), "--principal", DEPLOYER, "--principal", principal
    )
    assert result.exit_code == 1
    assert message in result.output
    assert _bucket_and_key_count() == ([], 0)


def test_an_iam_user_is_its_own_default_principal(aws, ctx, monkeypatch):
    # GIVEN an IAM user under a path running bootstrap
    user = f"arn:aws:iam::{ACCOUNT}:user/bots/release"

    # WHEN it names nobody
    result = _bootstrap(ctx, monkeypatch, _user_session("release", "/bots/"))

    # THEN the user is the one principal of both policies
    assert result.exit_code == 0, result.output
    deny = _statements(_bucket_policy())["DenyAllButTheNamedPrincipals"]
    assert deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == [user, ROOT]
    assert _statements(_key_policy())["NamedPrincipalsManageThisKey"]["Principal"] == {
        "AWS": [user]
    }


@pytest.mark.parametrize("disable", ["disable_key", "schedule_key_deletion"])
def test_a_state_key_that_cannot_encrypt_is_refused(aws, ctx, monkeypatch, disable):
    # GIVEN a bootstrapped bucket whose key was then disabled or scheduled for deletion
    session = _role_session(DEPLOYER)
    assert _bootstrap(ctx, monkeypatch, session).exit_code == 0
    kms = boto3.client("kms", region_name=REGION)
    key = _key_arn()
    getattr(kms, disable)(KeyId=key.rsplit("/", 1)[1])  # moto takes the key id here
    policy = _bucket_policy()

    # WHEN bootstrap runs again
    result = _bootstrap(ctx, monkeypatch, session)

    # THEN it says what to do with the key, and changes nothing (no second key either)
    assert result.exit_code == 1
    assert "enable it or cancel its deletion" in result.output
    assert _bucket_and_key_count() == ([BUCKET], 1)
    assert _bucket_policy() == policy


def test_a_role_whose_path_iam_will_not_tell_must_be_named(monkeypatch):
    # GIVEN a role session whose caller may not read its own role from IAM
    class DeniedIam:
        def get_role(self, RoleName):
            error = {"Error": {"Code": "AccessDenied", "Message": "no"}}
            raise state.ClientError(error, "GetRole")

    caller = state.Caller.from_identity(
        {"Account": ACCOUNT, "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/operator"}
    )

    # THEN the default principal cannot be worked out, and the message says how to name it
    with pytest.raises(
        state.StateError, match=r"--principal arn:aws:iam::123456789012:role/<path>deployer"
    ):
        state.admitted_principals(caller, (), DeniedIam())
    # AND once named, the role's name is what matches the session
    assert state.admitted_principals(caller, (DEPLOYER,), DeniedIam()) == (DEPLOYER,)
    with pytest.raises(state.StateError, match="locks out the caller"):
        state.admitted_principals(caller, (CI,), DeniedIam())


def test_the_account_root_needs_no_named_principal():
    # GIVEN the account root running bootstrap
    caller = state.Caller.from_identity({"Account": ACCOUNT, "Arn": ROOT})

    # THEN by default only the root is admitted, and any list is fine for it
    assert state.admitted_principals(caller, (), iam=None) == ()
    assert state.admitted_principals(caller, (CI, ROOT), iam=None) == (CI,)
    deny = _statements(state.bucket_policy(BUCKET, caller, ()))["DenyAllButTheNamedPrincipals"]
    assert deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == [ROOT]


def test_both_policies_pass_parliament():
    # GIVEN the documents bootstrap writes for a role caller naming two principals
    caller = state.Caller.from_identity(
        {"Account": ACCOUNT, "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/operator"}
    )
    principals = (CI, DEPLOYER)
    documents = {
        "key": state.key_policy(caller, principals, REGION),
        "bucket": state.bucket_policy(BUCKET, caller, principals),
    }

    # WHEN the IAM linter the platform's own policies pass reads them
    findings = {
        name: parliament_findings(Document(f"bootstrap.{name}", "policy", policy))
        for name, policy in documents.items()
    }

    # THEN the bucket policy has no finding, and the key policy only the one iam-lint.toml
    # accepts for the platform key: "Resource": "*" in a key policy means the key itself
    assert findings["bucket"] == []
    assert [f.issue for f in findings["key"]] == ["RESOURCE_STAR"] * 3
