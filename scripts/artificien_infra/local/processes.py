"""The local environment: the emulator and the background helpers the project starts.

Every background process gets a pid file and a log under ``<build>/local/``; ``down`` stops all of
them. The emulator binds loopback only.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

from artificien_infra.core import state
from artificien_infra.core.config import LOCAL_CREDENTIALS, LOCAL_REGION, ConfigError, Context
from artificien_infra.core.files import write_atomic

HOST = "127.0.0.1"
LOCAL_STATE_BUCKET = "artificien-tfstate-local"
EMULATOR = "emulator"


@dataclass(frozen=True)
class Process:
    name: str
    pid: int
    log: Path


def endpoint_url(port: int) -> str:
    return f"http://{HOST}:{port}"


def _pid_file(ctx: Context, name: str) -> Path:
    return ctx.paths.local_dir / f"{name}.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours counts as gone
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def _ours(pid: int) -> bool:
    """Only signal a pid that is still one of our processes (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return _alive(pid)
    return b"artificien_infra" in cmdline


def running(ctx: Context, name: str) -> Process | None:
    path = _pid_file(ctx, name)
    try:
        pid = int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    if _alive(pid) and _ours(pid):
        return Process(name, pid, ctx.paths.local_dir / f"{name}.log")
    path.unlink(missing_ok=True)
    return None


def spawn(ctx: Context, name: str, argv: list[str], env: dict[str, str] | None = None) -> Process:
    """Start ``argv`` detached from our session, logging to <build>/local/<name>.log."""
    ctx.paths.local_dir.mkdir(parents=True, exist_ok=True)
    log = ctx.paths.local_dir / f"{name}.log"
    with open(log, "ab") as handle:
        proc = subprocess.Popen(  # noqa: S603 - argv is built by us, never from user text
            argv,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
            cwd=ctx.paths.root,
        )
    _pid_file(ctx, name).write_text(f"{proc.pid}\n")
    return Process(name, proc.pid, log)


def stop(ctx: Context, name: str, timeout: float = 10.0) -> bool:
    proc = running(ctx, name)
    if proc is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(proc.pid):
        with contextlib.suppress(ProcessLookupError):  # it may end between the check and the kill
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):  # reap it when it is our own child
        os.waitpid(proc.pid, os.WNOHANG)
    _pid_file(ctx, name).unlink(missing_ok=True)
    return True


def stop_all(ctx: Context) -> list[str]:
    """Stop every background process of the project; helpers first, the emulator last."""
    names = sorted(p.stem for p in ctx.paths.local_dir.glob("*.pid"))
    names.sort(key=lambda n: n == EMULATOR)
    return [n for n in names if stop(ctx, n)]


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((HOST, port)) != 0


def responds(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=timeout):  # noqa: S310
            return True
    except (urllib.error.URLError, OSError):
        return False


def client(service: str, url: str):
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=LOCAL_REGION,
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"mode": "standard", "max_attempts": 3}),
    )


def status(ctx: Context) -> str | None:
    """The emulator's URL when it runs and answers, else None."""
    proc = running(ctx, EMULATOR)
    url = endpoint_url(ctx.settings.local_port)
    if proc is not None and responds(url):
        return url
    return None


def up(ctx: Context, wait: float = 60.0) -> tuple[str, bool]:
    """Start the emulator unless it runs; create the local state bucket and backend file.
    Returns (url, started)."""
    url = endpoint_url(ctx.settings.local_port)
    started = False
    if running(ctx, EMULATOR) is None:
        if not _port_free(ctx.settings.local_port):
            raise ConfigError(
                f"port {ctx.settings.local_port} is taken by another program; "
                "choose another with ARTIFICIEN_LOCAL_PORT"
            )
        argv = [
            sys.executable,
            "-m",
            "artificien_infra.local.emulator",
            "--host",
            HOST,
            "--port",
            str(ctx.settings.local_port),
        ]
        proc = spawn(ctx, EMULATOR, argv)
        started = True
        # a new emulator has new streams: positions saved against the old ones mean nothing
        (ctx.paths.local_dir / "triggers-positions.json").unlink(missing_ok=True)
        deadline = time.monotonic() + wait
        while not responds(url):
            if not _alive(proc.pid) or time.monotonic() > deadline:
                stop(ctx, EMULATOR)
                tail = proc.log.read_text(errors="replace").splitlines()[-15:]
                raise ConfigError("the emulator did not start:\n" + "\n".join(tail))
            time.sleep(0.2)
    state.ensure_state_bucket(client("s3", url), LOCAL_STATE_BUCKET, LOCAL_REGION, tls_only=False)
    write_atomic(
        ctx.paths.backend_hcl("local"),
        state.backend_hcl(LOCAL_STATE_BUCKET, LOCAL_REGION, endpoint_url=url),
    )
    (ctx.paths.local_dir / "emulator.json").write_text(json.dumps({"url": url}) + "\n")
    return url, started
