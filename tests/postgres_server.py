"""A real PostgreSQL server for tests, from the pip-installed ``pgserver`` wheel's binaries.

``pgserver``'s own ``get_server`` trusts every local connection and listens on a Unix socket
only; the role tests need what Aurora does: password (SCRAM-SHA-256) authentication over TCP, a
server log with DDL statements (``log_statement = ddl``, as the cluster's parameter group sets).
So this starts the wheel's ``postgres`` itself: ``initdb`` with SCRAM for every connection, a
free loopback port, a log file the tests can read. As root (CI), the server runs as the same
unprivileged system user ``pgserver`` creates for itself: PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "pgserver"
SUPERUSER = "postgres"
START_TIMEOUT = 60


class ServerUnavailableError(RuntimeError):
    """The PostgreSQL binaries are not installed (``make setup`` installs ``pgserver``)."""


def bin_dir() -> Path:
    try:
        with warnings.catch_warnings():
            # platformdirs warns at pgserver's import when XDG_RUNTIME_DIR is unset (CI).
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError as error:
        raise ServerUnavailableError(
            "the pgserver package (PostgreSQL server binaries) is not installed: run `make setup`"
        ) from error
    return Path(pgserver.pg_config(["--bindir"]).strip())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> str | None:
    """The unprivileged user to run the server as when the tests run as root, else None."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--shell", "/usr/sbin/nologin", SERVER_USER],
            check=True,
            capture_output=True,
        )
    return SERVER_USER


@dataclass
class PostgresServer:
    """One running server: connect to ``host``:``port`` as ``SUPERUSER`` with ``password``."""

    root: Path
    port: int
    password: str
    user: str | None
    bin: Path
    host: str = "127.0.0.1"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _command(self, *args: str, timeout: float = START_TIMEOUT) -> None:
        subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.user,
        )

    def start(self) -> None:
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.user:
            shutil.chown(self.root, self.user, self.user)
            shutil.chown(pwfile, self.user, self.user)
        self._command(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
            "--encoding=UTF8",
            "--no-instructions",
        )
        pwfile.unlink()
        options = (
            f"-c listen_addresses={self.host} -c port={self.port} -c unix_socket_directories=''"
            " -c log_statement=ddl -c password_encryption=scram-sha-256"
            " -c log_connections=on -c fsync=off"
        )
        self._command(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")

    def psql(self, url: str, sql: str) -> subprocess.CompletedProcess:
        """libpq's own reading of a connection URL: ``psql <url> -c <sql>``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        return subprocess.run(
            [str(self.bin / "psql"), "--no-psqlrc", "-X", "-At", "-c", sql, url],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
            check=False,
        )


def start_server() -> PostgresServer:
    """Start a fresh server in a temporary directory; the caller stops it and removes ``root``."""
    binaries = bin_dir()
    root = Path(tempfile.mkdtemp(prefix="artificien-pg-"))
    server = PostgresServer(
        root=root,
        port=_free_port(),
        password=secrets.token_urlsafe(24),
        user=_run_as(),
        bin=binaries,
    )
    try:
        server.start()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        log = server.log_text()
        shutil.rmtree(root, ignore_errors=True)
        output = getattr(error, "stderr", "") or ""
        raise RuntimeError(f"PostgreSQL did not start: {output}\n{log}") from error
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex((server.host, server.port)) == 0:
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"PostgreSQL did not listen on port {server.port}:\n{server.log_text()}")
