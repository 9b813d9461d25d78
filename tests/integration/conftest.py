"""One private local environment for the whole integration suite.

It never touches a developer's running local env: its own emulator on a free port, its own build
directory (and so its own Terraform data, plans and state bucket). The platform is applied once;
each component's tests use the ``deployed`` fixture; at the end everything is destroyed and the
emulator stopped.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Deployed:
    env_vars: dict[str, str]
    endpoint_url: str
    outputs: dict = field(default_factory=dict)
    replan_exit: int | None = None
    replan_output: str = ""
    region: str = "us-east-1"

    @property
    def aws_env(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint_url,
        }

    def client(self, service: str):
        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def cli(self, *args: str, check: bool = False, timeout: float = 900):
        result = subprocess.run(
            [sys.executable, "-m", "artificien_infra", *args],
            env=self.env_vars,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"artificien-infra {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-6000:]}"
            )
        return result


@pytest.fixture(scope="session")
def deployed(tmp_path_factory) -> Deployed:
    build = tmp_path_factory.mktemp("build")
    port = _free_port()
    env_vars = {
        **os.environ,
        "ARTIFICIEN_BUILD_DIR": str(build),
        "ARTIFICIEN_LOCAL_PORT": str(port),
    }
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        env_vars.pop(var, None)
    env = Deployed(env_vars=env_vars, endpoint_url=f"http://127.0.0.1:{port}")
    env.cli("local", "up", check=True)
    try:
        plan = env.cli("plan", "--env", "local")
        assert plan.returncode == 2, f"first plan should have changes:\n{plan.stderr[-6000:]}"
        env.cli("apply", "--env", "local", check=True)
        out = env.cli("outputs", "--env", "local", "--json", "--show-sensitive", check=True)
        env.outputs = json.loads(out.stdout)
        replan = env.cli("plan", "--env", "local")
        env.replan_exit, env.replan_output = replan.returncode, replan.stderr
        yield env
        env.cli("destroy", "--env", "local", check=True)
        tables = env.client("dynamodb").list_tables()["TableNames"]
        assert not [t for t in tables if t.startswith("local-")], f"left behind: {tables}"
    finally:
        env.cli("local", "down")
        assert not (build / "local" / "emulator.pid").exists()
