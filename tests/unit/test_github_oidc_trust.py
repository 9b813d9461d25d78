"""The GitHub roles' trust policies, as Terraform renders them from modules/github_oidc.

``terraform console`` over a copy of the module (no AWS call, no plan) renders both documents for
one repository and env; the tests pin their ``aud`` and ``sub`` conditions and then ask the IAM
evaluator (tests/iam_eval.py) which GitHub tokens each role admits:

- plan: this repository's pull requests and pushes to main, nothing else;
- apply: only jobs of this repository's GitHub environment of the same name as the env;
- both: only tokens minted for the STS audience, only through the account's GitHub provider.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from artificien_infra.core.terraform import cli_config_text
from iam_eval import Request, evaluate

MODULE = Path(__file__).resolve().parents[2] / "modules" / "github_oidc"
REPOSITORY = "artificien/infrastructure"
STATE_KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PROVIDER = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
HOST = "token.actions.githubusercontent.com"

pytestmark = pytest.mark.skipif(not shutil.which("terraform"), reason="needs terraform")


def _terraform_env(work: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "TF_DATA_DIR": str(work / "data"),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
    }
    mirror = os.environ.get("ARTIFICIEN_PROVIDER_MIRROR")
    rc = cli_config_text(Path(mirror) if mirror else None)
    if rc is not None:
        (work / "terraformrc").write_text(rc)
        env["TF_CLI_CONFIG_FILE"] = str(work / "terraformrc")
    return env


def _state_var(env_name: str) -> str:
    return (
        '{bucket = "artificien-tfstate-111122223333-us-east-1", '
        f'object_key = "env:/{env_name}/artificien.tfstate", '
        f'kms_key_arn = "{STATE_KEY_ARN}", '
        f'saved_plans_prefix = "plans/{env_name}/"}}'
    )


@pytest.fixture(scope="module")
def trust(tmp_path_factory) -> dict[str, dict]:
    """{"plan": ..., "apply": ...}: the documents the roles of env dev carry."""
    work = tmp_path_factory.mktemp("github_oidc")
    copy = work / "module"
    copy.mkdir()
    for item in MODULE.glob("*.tf"):
        shutil.copy(item, copy)
    env = _terraform_env(work)
    run = {"env": env, "capture_output": True, "text": True, "check": False, "timeout": 300}
    done = subprocess.run(
        ["terraform", f"-chdir={copy}", "init", "-backend=false", "-input=false", "-no-color"],
        **run,
    )
    assert done.returncode == 0, done.stderr
    variables = {
        "name": "artificien-dev",
        "repository": REPOSITORY,
        "github_environment": "dev",
        "state": _state_var("dev"),
        "create_oidc_provider": "false",
        "oidc_provider_arn": PROVIDER,
    }
    done = subprocess.run(
        [
            "terraform",
            f"-chdir={copy}",
            "console",
            "-no-color",
            *(f"-var={name}={value}" for name, value in variables.items()),
        ],
        input="base64encode(jsonencode(local.trust_policies))\n",
        **run,
    )
    assert "Error:" not in done.stderr, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    return json.loads(base64.b64decode(last.strip('"')))


def _assume(policy: dict, sub: str, aud: str = "sts.amazonaws.com", provider: str = PROVIDER):
    request = Request(
        action="sts:AssumeRoleWithWebIdentity",
        resource="arn:aws:iam::111122223333:role/artificien-dev-github-plan",
        context={f"{HOST}:aud": aud, f"{HOST}:sub": sub},
        principal=("Federated", provider),
    )
    return evaluate([policy], request).allowed


def test_the_plan_role_trusts_this_repositorys_pull_requests_and_main_exactly(trust):
    (statement,) = trust["plan"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": PROVIDER}
    assert statement["Condition"] == {
        "StringEquals": {
            f"{HOST}:aud": "sts.amazonaws.com",
            f"{HOST}:sub": [
                f"repo:{REPOSITORY}:pull_request",
                f"repo:{REPOSITORY}:ref:refs/heads/main",
            ],
        }
    }


def test_the_apply_role_trusts_only_the_envs_github_environment(trust):
    (statement,) = trust["apply"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": PROVIDER}
    assert statement["Condition"] == {
        "StringEquals": {
            f"{HOST}:aud": "sts.amazonaws.com",
            f"{HOST}:sub": [f"repo:{REPOSITORY}:environment:dev"],
        }
    }


@pytest.mark.parametrize(
    ("sub", "admitted"),
    [
        (f"repo:{REPOSITORY}:pull_request", True),
        (f"repo:{REPOSITORY}:ref:refs/heads/main", True),
        (f"repo:{REPOSITORY}:ref:refs/heads/feature", False),
        (f"repo:{REPOSITORY}:ref:refs/tags/v1.0.0", False),
        (f"repo:{REPOSITORY}:environment:dev", False),
        ("repo:artificien/other:pull_request", False),
        ("repo:someone/infrastructure:ref:refs/heads/main", False),
        (f"repo:{REPOSITORY.upper()}:pull_request", False),
    ],
)
def test_which_tokens_the_plan_role_admits(trust, sub, admitted):
    assert _assume(trust["plan"], sub) is admitted


@pytest.mark.parametrize(
    ("sub", "admitted"),
    [
        (f"repo:{REPOSITORY}:environment:dev", True),
        (f"repo:{REPOSITORY}:environment:prod", False),
        (f"repo:{REPOSITORY}:environment:dev-preview", False),
        (f"repo:{REPOSITORY}:ref:refs/heads/main", False),
        (f"repo:{REPOSITORY}:pull_request", False),
        ("repo:artificien/other:environment:dev", False),
    ],
)
def test_which_tokens_the_apply_role_admits(trust, sub, admitted):
    assert _assume(trust["apply"], sub) is admitted


@pytest.mark.parametrize("role", ["plan", "apply"])
def test_a_token_for_another_audience_or_issuer_is_refused(trust, role):
    sub = (
        f"repo:{REPOSITORY}:environment:dev"
        if role == "apply"
        else f"repo:{REPOSITORY}:pull_request"
    )
    assert _assume(trust[role], sub)
    assert not _assume(trust[role], sub, aud="https://github.com/artificien")
    other = "arn:aws:iam::111122223333:oidc-provider/gitlab.com"
    assert not _assume(trust[role], sub, provider=other)
