"""``bootstrap --github-repository``: the account's GitHub OIDC provider, the env's workspace, the
github_oidc module applied from a generated root into a state of its own, and a bucket policy
that lets each env's GitHub roles reach only their own env's state. Through the CLI, against moto,
with the fake Terraform runner; one test renders and validates the generated root for real."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from artificien_infra.cli import main
from artificien_infra.core import github_oidc, state
from artificien_infra.core.terraform import cli_config_text
from iam_eval import Decision, Request, evaluate

ACCOUNT = "123456789012"
REGION = "us-west-2"
BUCKET = f"artificien-tfstate-{ACCOUNT}-{REGION}"
REPOSITORY = "artificien/infrastructure"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
ROOT = Path(__file__).resolve().parents[3]


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
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        boto3.client("iam", region_name=REGION).create_role(
            RoleName="deployer", AssumeRolePolicyDocument=json.dumps(trust)
        )
        yield


@pytest.fixture
def roles_applied(runner):
    """What the generated root's apply reports (the fake runner's ``output -json``)."""
    runner.outputs = {
        "plan_role_arn": {"value": f"arn:aws:iam::{ACCOUNT}:role/artificien-dev-github-plan"},
        "apply_role_arn": {"value": f"arn:aws:iam::{ACCOUNT}:role/artificien-dev-github-apply"},
        "oidc_provider_arn": {"value": PROVIDER},
    }
    return runner


def _deployer() -> boto3.session.Session:
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/deployer", RoleSessionName="operator"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def _bootstrap(ctx, monkeypatch, env: str, *args: str):
    session = _deployer()
    monkeypatch.setattr(state, "session", lambda profile, region: session)
    command = ["bootstrap", "--env", env, "--region", REGION, *args]
    return CliRunner().invoke(main, command, obj=ctx)


def _bucket_policy() -> dict:
    s3 = boto3.client("s3", region_name=REGION)
    return json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])


def _decide(policy: dict, principal: str, action: str, key: str) -> Decision:
    resource = f"arn:aws:s3:::{BUCKET}/{key}"
    context = {"aws:PrincipalArn": principal, "aws:SecureTransport": "true"}
    return evaluate([policy], Request(action, resource, context, ("AWS", principal))).decision


def _role(env: str, kind: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/artificien-{env}-github-{kind}"


def _create_plan_role(env: str) -> None:
    """An env bootstrapped for GitHub earlier: its plan role exists in the account."""
    trust = {"Version": "2012-10-17", "Statement": []}
    boto3.client("iam", region_name=REGION).create_role(
        RoleName=f"artificien-{env}-github-plan", AssumeRolePolicyDocument=json.dumps(trust)
    )


def _calls(runner) -> list[tuple[str, str]]:
    """(command, working directory name) of every Terraform call, in order."""
    return [(command, Path(env["TF_DATA_DIR"]).name) for command, _, env in runner.calls]


def test_a_repository_gets_the_provider_the_workspace_and_the_envs_roles(
    aws, ctx, roles_applied, monkeypatch
):
    # WHEN dev is bootstrapped for a GitHub repository
    result = _bootstrap(ctx, monkeypatch, "dev", "--github-repository", REPOSITORY)
    assert result.exit_code == 0, result.output

    # THEN the account has GitHub's provider, for the STS audience
    iam = boto3.client("iam", region_name=REGION)
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER)
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    # AND the platform's dev workspace exists before any role could plan, then the roles' root is
    # initialised on a state of its own, planned and that plan applied
    assert _calls(roles_applied) == [
        ("init", "dev"),
        ("workspace select", "dev"),
        ("init", "dev"),
        ("workspace select", "dev"),
        ("plan", "dev"),
        ("apply", "dev"),
        ("output", "dev"),
    ]
    data_dirs = [env["TF_DATA_DIR"] for _, _, env in roles_applied.calls]
    assert data_dirs[0] == str(ctx.paths.tf_data("dev"))
    assert data_dirs[2] == str(ctx.paths.tf_data("github-oidc/dev"))
    directory = github_oidc.root_dir(ctx, "dev")
    backend = (directory / "backend.hcl").read_text()
    assert f'bucket       = "{BUCKET}"' in backend
    assert 'key          = "github-oidc.tfstate"' in backend
    # AND the module gets this repository, env and state, and reuses the provider just made
    config = json.loads((directory / "main.tf.json").read_text())
    module = config["module"]["github_oidc"]
    assert (directory / module["source"]).resolve() == (ctx.paths.modules / "github_oidc")
    assert module["repository"] == REPOSITORY
    assert module["github_environment"] == "dev"
    assert module["create_oidc_provider"] is False
    assert module["oidc_provider_arn"] == PROVIDER
    key_arn = boto3.client("kms", region_name=REGION).describe_key(KeyId=state.key_alias(BUCKET))[
        "KeyMetadata"
    ]["Arn"]
    assert module["state"] == {
        "bucket": BUCKET,
        "object_key": "env:/dev/artificien.tfstate",
        "kms_key_arn": key_arn,
        "saved_plans_prefix": "plans/dev/",
    }
    # AND the saved plan is gone, the operator is told the roles and the one repository variable
    assert not list(directory.glob("*.tfplan"))
    assert _role("dev", "plan") in result.output
    assert _role("dev", "apply") in result.output
    assert f"AWS_ACCOUNT_ID = {ACCOUNT}" in result.output


def test_each_envs_github_roles_reach_only_their_own_state(aws, ctx, roles_applied, monkeypatch):
    # GIVEN staging bootstrapped for GitHub before, in the same account and bucket
    _create_plan_role("staging")
    # WHEN dev is bootstrapped for GitHub
    result = _bootstrap(ctx, monkeypatch, "dev", "--github-repository", REPOSITORY)
    assert result.exit_code == 0, result.output
    policy = _bucket_policy()

    for role in (_role("dev", "plan"), _role("dev", "apply")):
        # THEN dev's roles are not denied their state, its lock and their saved plans (their
        # IAM policies grant them; the bucket grants nothing)
        for key in ("env:/dev/artificien.tfstate", "env:/dev/artificien.tfstate.tflock"):
            assert _decide(policy, role, "s3:GetObject", key) is Decision.IMPLICIT_DENY
        assert _decide(policy, role, "s3:PutObject", "plans/dev/1-1/bundle.tgz") is (
            Decision.IMPLICIT_DENY
        )
        # BUT are denied staging's state, their own roles' state and anything else
        for key in (
            "env:/staging/artificien.tfstate",
            "env:/dev/github-oidc.tfstate",
            "plans/staging/1-1/bundle.tgz",
            "artificien.tfstate",
        ):
            assert _decide(policy, role, "s3:GetObject", key) is Decision.EXPLICIT_DENY, key
    # AND staging's roles, kept in the policy, are denied dev's state
    assert _decide(
        policy, _role("staging", "apply"), "s3:GetObject", "env:/dev/artificien.tfstate"
    ) is (Decision.EXPLICIT_DENY)
    assert (
        _decide(policy, _role("staging", "plan"), "s3:GetObject", "env:/staging/artificien.tfstate")
        is Decision.IMPLICIT_DENY
    )
    # AND any other role of the account is still denied everything
    other = f"arn:aws:iam::{ACCOUNT}:role/artificien-prod-github-plan"
    assert _decide(policy, other, "s3:GetObject", "env:/prod/artificien.tfstate") is (
        Decision.EXPLICIT_DENY
    )
    assert "GitHub roles admitted to their own state: dev, staging" in result.output


def test_saved_plans_expire_in_the_state_bucket(aws, ctx, roles_applied, monkeypatch):
    assert _bootstrap(ctx, monkeypatch, "dev", "--github-repository", REPOSITORY).exit_code == 0
    rules = boto3.client("s3", region_name=REGION).get_bucket_lifecycle_configuration(
        Bucket=BUCKET
    )["Rules"]
    assert [(r["ID"], r["Filter"], r["Expiration"]) for r in rules] == [
        ("expire-saved-plans", {"Prefix": "plans/"}, {"Days": 7})
    ]


def test_an_existing_provider_is_reused(aws, ctx, roles_applied, monkeypatch):
    # GIVEN the account already has GitHub's provider (another env's bootstrap, or by hand)
    iam = boto3.client("iam", region_name=REGION)
    iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"]
    )
    # WHEN staging is bootstrapped for GitHub
    result = _bootstrap(ctx, monkeypatch, "staging", "--github-repository", REPOSITORY)
    assert result.exit_code == 0, result.output
    # THEN that provider is kept as the only one and the module is pointed at it
    providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert [p["Arn"] for p in providers] == [PROVIDER]
    config = json.loads((github_oidc.root_dir(ctx, "staging") / "main.tf.json").read_text())
    assert config["module"]["github_oidc"]["oidc_provider_arn"] == PROVIDER
    assert f"GitHub OIDC provider {PROVIDER} reused" in result.output


class _ProviderWithoutAudience:
    """IAM holding GitHub's provider made for another audience (moto lacks the call that adds
    one, so this records it)."""

    def __init__(self) -> None:
        self.added: list[tuple[str, str]] = []

    def add_client_id_to_open_id_connect_provider(self, OpenIDConnectProviderArn, ClientID):
        self.added.append((OpenIDConnectProviderArn, ClientID))


def test_a_provider_without_the_sts_audience_gets_it():
    iam = _ProviderWithoutAudience()
    existing = {"arn": PROVIDER, "client_ids": ["https://github.com/org"]}
    provider = github_oidc.ensure_oidc_provider(iam, existing)
    assert provider == github_oidc.Provider(PROVIDER, "audience added")
    assert iam.added == [(PROVIDER, "sts.amazonaws.com")]
    # and one that has it is left alone
    again = github_oidc.ensure_oidc_provider(iam, {**existing, "client_ids": ["sts.amazonaws.com"]})
    assert again.status == "reused"
    assert len(iam.added) == 1


def test_a_rerun_without_a_repository_keeps_the_github_roles_in(aws, ctx, runner, monkeypatch):
    # GIVEN dev's GitHub roles exist
    _create_plan_role("dev")
    # WHEN bootstrap runs for dev again, without --github-repository
    result = _bootstrap(ctx, monkeypatch, "dev")
    assert result.exit_code == 0, result.output
    # THEN the bucket policy still lets them reach dev's state, and nothing else was applied
    deny = {s["Sid"]: s for s in _bucket_policy()["Statement"]}
    assert "GitHubRolesOfDevReachOnlyTheirState" in deny
    assert (
        _role("dev", "plan")
        in deny["DenyAllButTheNamedPrincipals"]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    )
    assert runner.calls == []


@pytest.mark.parametrize(
    "repository",
    [
        "https://github.com/artificien/infrastructure",
        "artificien/*",
        "artificien",
        "artificien/infrastructure.git/extra",
        "-artificien/infrastructure",
    ],
)
def test_a_malformed_repository_is_refused_before_anything_is_written(
    aws, ctx, runner, monkeypatch, repository
):
    result = _bootstrap(ctx, monkeypatch, "dev", "--github-repository", repository)
    assert result.exit_code == 1
    assert "must be owner/repo" in result.output
    assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []
    assert (
        boto3.client("iam", region_name=REGION).list_open_id_connect_providers()[
            "OpenIDConnectProviderList"
        ]
        == []
    )
    assert runner.calls == []
    assert ctx.paths.backend_hcl("dev").read_text() == 'bucket = "b"\n'  # as it was


@pytest.mark.skipif(not shutil.which("terraform"), reason="needs terraform")
def test_the_generated_root_is_valid_terraform(tmp_path):
    # GIVEN the root bootstrap writes for dev, beside a link to the real modules
    (tmp_path / "modules").symlink_to(ROOT / "modules")
    directory = tmp_path / "build" / "github-oidc" / "dev"
    directory.mkdir(parents=True)
    inputs = github_oidc.module_inputs(
        "dev",
        REPOSITORY,
        BUCKET,
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        PROVIDER,
    )
    source = os.path.relpath(tmp_path / "modules" / "github_oidc", directory)
    config = github_oidc.root_config(source, REGION, inputs, profile="ops")
    (directory / "main.tf.json").write_text(json.dumps(config))
    env = {**os.environ, "TF_DATA_DIR": str(tmp_path / "data"), "TF_IN_AUTOMATION": "1"}
    mirror = os.environ.get("ARTIFICIEN_PROVIDER_MIRROR")
    rc = cli_config_text(Path(mirror) if mirror else None)
    if rc is not None:
        (tmp_path / "terraformrc").write_text(rc)
        env["TF_CLI_CONFIG_FILE"] = str(tmp_path / "terraformrc")

    def terraform(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["terraform", f"-chdir={directory}", *args, "-no-color"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    # WHEN Terraform initialises and validates it THEN it is a valid configuration
    init = terraform("init", "-backend=false", "-input=false")
    assert init.returncode == 0, init.stderr
    validate = terraform("validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    # AND the provider uses the operator's profile, the outputs are the roles the CLI prints
    assert config["provider"]["aws"]["profile"] == "ops"
    assert sorted(config["output"]) == ["apply_role_arn", "oidc_provider_arn", "plan_role_arn"]
