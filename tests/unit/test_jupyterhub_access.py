"""The JupyterHub host's user data, continued: who may sign in, per-user limits, the data volume."""

import re
import stat
import subprocess
import types
from pathlib import Path

import pytest

from jupyterhub_render import DATA_VOLUME_ID, SECRET, TEST_VARIABLES, _render, _unit


@pytest.fixture(scope="module")
def user_data(tmp_path_factory) -> str:
    return _render(tmp_path_factory.mktemp("user_data"), TEST_VARIABLES)


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
