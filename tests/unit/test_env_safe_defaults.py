"""What each environment's tfvars make of the root's safe defaults for a new AWS account.

The root's own values, evaluated by Terraform from the committed ``terraform/envs/<env>.tfvars``
(``terraform console`` over a copy of the root with a local backend; no AWS call, no plan):

- destroy empties every bucket, the log bucket included, in every env but prod (one root local,
  not a tfvars value), so ``make destroy`` of dev or staging does not stop on logged buckets;
- no env reserves Lambda concurrency (a new account cannot grant it: docs/aws-account.md);
- prod mails through SES, the others through Cognito's default sender, and prod without a sender
  is refused with the reason.
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
MAIN_TF = ROOT / "terraform" / "main.tf"
ENVS = ("local", "dev", "staging", "prod")

pytestmark = pytest.mark.skipif(not shutil.which("terraform"), reason="needs terraform")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """An initialised copy of terraform/ (modules linked), with a local backend instead of S3."""
    work = tmp_path_factory.mktemp("root")
    copy = work / "terraform"
    copy.mkdir()
    for item in (ROOT / "terraform").glob("*.tf"):
        shutil.copy(item, copy)
    shutil.copy(ROOT / "terraform" / ".terraform.lock.hcl", copy)
    shutil.copytree(ROOT / "terraform" / "envs", copy / "envs")
    (work / "modules").symlink_to(ROOT / "modules")
    # An override file replaces the S3 backend block in this copy only.
    (copy / "backend_override.tf").write_text('terraform {\n  backend "local" {}\n}\n')
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
    done = subprocess.run(
        ["terraform", f"-chdir={copy}", "init", "-input=false", "-no-color"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return copy, env


def _lambda_packages() -> str:
    """A placeholder package for every function the root names, so the console stays quiet."""
    names = sorted(set(re.findall(r'var\.lambda_packages\["(\w+)"\]', MAIN_TF.read_text())))
    package = {"filename": "x.zip", "source_code_hash": "eA=="}
    return json.dumps({name: package for name in names})


def _console(root, env_name: str, expression: str, *extra: str) -> subprocess.CompletedProcess:
    copy, env = root
    return subprocess.run(
        [
            "terraform",
            f"-chdir={copy}",
            "console",
            "-no-color",
            f"-var-file=envs/{env_name}.tfvars",
            f"-var=environment={env_name}",
            f"-var=lambda_packages={_lambda_packages()}",
            *extra,
        ],
        input=f"base64encode(jsonencode({expression}))\n",
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


# One console run per env answers every question below (each run loads the provider: seconds).
SAFE_DEFAULTS = (
    "{force_destroy = local.storage_force_destroy, reservations = var.lambda_reserved_concurrency,"
    " sender = var.cognito_email_sender, names = {orchestration = local.orchestration_fqdn,"
    " nodes = local.nodes_domain, api = local.api_fqdn, jupyter = local.jupyter_domain,"
    " website = local.website_sub_domains}, extra_origins = var.model_api_cors_allowed_origins}"
)


@pytest.fixture(scope="module")
def defaults(root) -> dict[str, dict]:
    values = {}
    for env_name in ENVS:
        done = _console(root, env_name, SAFE_DEFAULTS)
        assert "Error:" not in done.stderr, f"{env_name}: {done.stderr}"
        last = done.stdout.strip().splitlines()[-1]
        values[env_name] = json.loads(base64.b64decode(last.strip('"')))
    return values


@pytest.mark.parametrize("env_name", ENVS)
def test_destroy_empties_the_buckets_of_every_env_but_prod(defaults, env_name):
    assert defaults[env_name]["force_destroy"] is (env_name != "prod")


@pytest.mark.parametrize("env_name", ENVS)
def test_no_env_reserves_lambda_concurrency(defaults, env_name):
    assert defaults[env_name]["reservations"] == {}


@pytest.mark.parametrize("env_name", ENVS)
def test_only_prod_mails_through_ses(defaults, env_name):
    sender = defaults[env_name]["sender"]
    if env_name == "prod":
        assert sender["from_address"] == "no-reply@artificien.com"
        assert sender["ses_identity"] == "artificien.com"
    else:
        assert sender is None


def test_prod_without_a_sender_is_refused(root):
    # terraform console reports a failed validation on stderr (its exit code stays 0).
    done = _console(root, "prod", "var.cognito_email_sender", "-var=cognito_email_sender=null")
    assert "prod needs cognito_email_sender" in done.stderr


def test_an_unknown_function_in_the_reservations_is_refused(root):
    done = _console(
        root,
        "dev",
        "var.lambda_reserved_concurrency",
        '-var=lambda_reserved_concurrency={"model-api": 10}',
    )
    assert "lambda_reserved_concurrency keys must be among" in done.stderr


REAL_DOMAINS = {
    "dev": "dev.artificien.com",
    "staging": "staging.artificien.com",
    "prod": "artificien.com",
}


@pytest.mark.parametrize("env_name", ENVS)
def test_no_tfvars_holds_a_placeholder(env_name):
    text = (ROOT / "terraform" / "envs" / f"{env_name}.tfvars").read_text()
    assert "replace-me" not in text
    assert "111111111111" not in text


@pytest.mark.parametrize("env_name", sorted(REAL_DOMAINS))
def test_every_public_name_of_a_real_env_comes_from_its_domain(defaults, env_name):
    domain = REAL_DOMAINS[env_name]
    names = defaults[env_name]["names"]
    assert names["orchestration"] == f"orchestration.{domain}"
    assert names["nodes"] == f"nodes.{domain}"
    assert names["api"] == f"api.{domain}"
    assert names["jupyter"] == f"jupyter.{domain}"
    # the env's own branch is served on the domain itself
    assert list(names["website"].values()) == [""]
    # the website's origins are derived, never written out (they were wrong before: CORS refused it)
    assert not any(domain in o for o in defaults[env_name]["extra_origins"])


def test_local_has_no_dns_and_names_its_own_hosts(defaults):
    names = defaults["local"]["names"]
    assert names["orchestration"] is None
    assert names["api"] is None
    assert names["nodes"] == "nodes.artificien.local"
    assert names["jupyter"] == "jupyter.local.artificien.test"


def test_a_real_env_without_a_domain_is_refused(root):
    # -var passes a string variable's value literally ("null"): a var-file can unset it
    copy, _ = root
    (copy / "no-domain.tfvars").write_text("domain = null\n")
    done = _console(root, "dev", "var.domain", "-var-file=no-domain.tfvars")
    assert "domain is required outside local" in done.stderr
