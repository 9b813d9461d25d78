"""The Amplify build step that writes the website's src/aws-exports.js, run as the build runs it.

modules/amplify renders one pre-build command (``node -e '<script>' <path> '<spec>'``) into the
app's build spec. Here Terraform renders it from the module itself (``terraform console``), and
bash runs it in an empty checkout with the environment variables the app sets: the file the real
site imports (``import awsconfig from './aws-exports'``) must come out with its keys and this
env's values, and a missing variable must fail the build without writing a file.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from artificien_infra.core.terraform import cli_config_text

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "modules" / "amplify"

ENVIRONMENT = {
    "REACT_APP_AWS_REGION": "us-east-1",
    "REACT_APP_USER_POOL_ID": "us-east-1_AbCdEf123",
    "REACT_APP_USER_POOL_WEB_CLIENT_ID": "1example23456789abcdefghij",
    "REACT_APP_IDENTITY_POOL_ID": "us-east-1:0123abcd-4567-89ab-cdef-0123456789ab",
    "REACT_APP_OAUTH_DOMAIN": "artificien-dev-auth.auth.us-east-1.amazoncognito.com",
}

VARIABLES = {
    "name": "artificien-dev",
    "account_id": "123456789012",
    "region": "us-east-1",
    "repository_url": "https://github.com/artificien/website",
    "repository_token": {"ssm_parameter_name": "/artificien/dev/website-repository-token"},
    "branches": {"master": "dev"},
    "cognito": {
        "user_pool_id": ENVIRONMENT["REACT_APP_USER_POOL_ID"],
        "web_client_id": ENVIRONMENT["REACT_APP_USER_POOL_WEB_CLIENT_ID"],
        "identity_pool_id": ENVIRONMENT["REACT_APP_IDENTITY_POOL_ID"],
        "oauth_domain": ENVIRONMENT["REACT_APP_OAUTH_DOMAIN"],
    },
}

pytestmark = pytest.mark.skipif(
    not (shutil.which("terraform") and shutil.which("node") and shutil.which("bash")),
    reason="needs terraform, node and bash",
)


def _terraform(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        ["terraform", f"-chdir={MODULE}", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"terraform {args[0]} failed:\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def command(tmp_path_factory) -> str:
    """The pre-build command exactly as the module renders it for the app's build spec."""
    work = tmp_path_factory.mktemp("amplify")
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
    var_file = work / "vars.tfvars.json"
    var_file.write_text(json.dumps(VARIABLES))
    _terraform(["init", "-input=false", "-no-color"], env)
    out = _terraform(
        ["console", f"-var-file={var_file}", "-no-color"],
        env,
        stdin="base64encode(local.aws_exports_command)\n",
    )
    return base64.b64decode(out.strip().strip('"')).decode()


def _run(command: str, checkout: Path, environment: dict[str, str]):
    env = {"PATH": os.environ["PATH"], **environment}
    return subprocess.run(
        ["bash", "-c", command],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _config(text: str) -> dict:
    match = re.search(r"const awsmobile = (\{.*\});\n\nexport default awsmobile;\n$", text, re.S)
    assert match, f"not an aws-exports module:\n{text}"
    return json.loads(match.group(1))


def test_the_build_writes_the_config_the_site_imports(command, tmp_path):
    # GIVEN a checkout of the site and the app's environment WHEN the pre-build step runs
    done = _run(command, tmp_path, ENVIRONMENT)

    # THEN it succeeds and src/aws-exports.js holds the real file's keys with this env's values
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "src" / "aws-exports.js").read_text()
    assert text.startswith("/* eslint-disable */\n")
    assert _config(text) == {
        "aws_project_region": "us-east-1",
        "aws_cognito_region": "us-east-1",
        "aws_cognito_identity_pool_id": ENVIRONMENT["REACT_APP_IDENTITY_POOL_ID"],
        "aws_user_pools_id": ENVIRONMENT["REACT_APP_USER_POOL_ID"],
        "aws_user_pools_web_client_id": ENVIRONMENT["REACT_APP_USER_POOL_WEB_CLIENT_ID"],
        "oauth": {"domain": ENVIRONMENT["REACT_APP_OAUTH_DOMAIN"]},
    }


def test_the_committed_file_is_replaced(command, tmp_path):
    # GIVEN the site's own src/aws-exports.js, which names the original project's pool
    (tmp_path / "src").mkdir()
    committed = 'const awsmobile = {"aws_user_pools_id": "us-east-1_gxjsNZ82v"};'
    (tmp_path / "src" / "aws-exports.js").write_text(committed)

    done = _run(command, tmp_path, ENVIRONMENT)

    assert done.returncode == 0, done.stderr
    config = _config((tmp_path / "src" / "aws-exports.js").read_text())
    assert config["aws_user_pools_id"] == ENVIRONMENT["REACT_APP_USER_POOL_ID"]


def test_a_missing_variable_fails_the_build_and_writes_nothing(command, tmp_path):
    environment = {k: v for k, v in ENVIRONMENT.items() if k != "REACT_APP_IDENTITY_POOL_ID"}
    environment["REACT_APP_USER_POOL_ID"] = ""

    done = _run(command, tmp_path, environment)

    assert done.returncode == 1
    assert "REACT_APP_USER_POOL_ID" in done.stderr
    assert "REACT_APP_IDENTITY_POOL_ID" in done.stderr
    assert not (tmp_path / "src" / "aws-exports.js").exists()
