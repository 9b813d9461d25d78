"""The shared provider of the module tests: its address is read, and the process never outlives
the block."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from artificien_infra.core import provider_server

ADDRESS = {
    provider_server.PROVIDER: {
        "Protocol": "grpc",
        "ProtocolVersion": 5,
        "Pid": 4242,
        "Test": True,
        "Addr": {"Network": "unix", "String": "/tmp/plugin123"},
    }
}


def _fake_provider(tmp_path: Path, body: str) -> Path:
    binary = tmp_path / "terraform-provider-aws_v5.100.0_x5"
    binary.write_text("#!/bin/sh\n" + body)
    binary.chmod(0o755)
    return binary


def test_the_address_is_read_from_what_the_provider_prints():
    text = (
        "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment "
        "variable with the following:\n\n"
        f"\tTF_REATTACH_PROVIDERS='{json.dumps(ADDRESS)}'\n"
    )
    assert json.loads(provider_server.reattach_value(text)) == ADDRESS


@pytest.mark.parametrize(
    "text",
    [
        "Starting...\n",
        "\tTF_REATTACH_PROVIDERS='{\"registry.terraform.io/hash",
        "TF_REATTACH_PROVIDERS='{}'",
    ],
    ids=["not-yet", "half-written", "another-provider"],
)
def test_no_address_until_a_whole_one_for_aws_is_printed(text):
    assert provider_server.reattach_value(text) is None


def test_the_provider_runs_for_the_block_only(tmp_path):
    pid_file = tmp_path / "pid"
    printed = tmp_path / "printed"
    printed.write_text(f"Provider started.\n\tTF_REATTACH_PROVIDERS='{json.dumps(ADDRESS)}'\n")
    binary = _fake_provider(tmp_path, f"echo $$ > {pid_file}\ncat {printed}\nexec sleep 60\n")
    with provider_server.shared_provider(binary, tmp_path / "log") as address:
        assert json.loads(address) == ADDRESS
        pid = int(pid_file.read_text())
        os.kill(pid, 0)  # running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_without_an_address_in_time_each_test_starts_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(provider_server, "START_TIMEOUT", 0.5)
    binary = _fake_provider(tmp_path, "exec sleep 60\n")
    with provider_server.shared_provider(binary, tmp_path / "log") as address:
        assert address is None
    with provider_server.shared_provider(None, tmp_path / "log") as address:
        assert address is None


def test_the_binary_is_the_one_init_installed(tmp_path):
    assert provider_server.provider_binary(tmp_path) is None
    for version in ("5.99.0", "5.100.0"):
        folder = tmp_path / "providers" / provider_server.PROVIDER / version / "linux_amd64"
        folder.mkdir(parents=True)
        (folder / f"terraform-provider-aws_v{version}_x5").write_text("")
    # the newest by version, not by text ("5.100.0" < "5.99.0" as strings)
    assert provider_server.provider_binary(tmp_path).name == "terraform-provider-aws_v5.100.0_x5"


def test_the_shared_provider_logs_no_call_and_collects_as_terraform_does(monkeypatch):
    for name in ("GOGC", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"):
        monkeypatch.delenv(name, raising=False)
    env = provider_server.provider_env()
    assert env["GOGC"] == provider_server.GO_GC_PERCENT
    assert {env[n] for n in ("TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK")} == {"off"}
    # an operator debugging the provider keeps their own level
    monkeypatch.setenv("TF_LOG_SDK_PROTO", "trace")
    assert provider_server.provider_env()["TF_LOG_SDK_PROTO"] == "trace"
