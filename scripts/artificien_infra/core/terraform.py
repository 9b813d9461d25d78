"""The one module that runs Terraform. Everything else goes through :class:`Terraform`.

python-terraform drives the process, through its generic ``cmd`` call only: its helpers predate
Terraform 0.15 (``destroy()`` passes ``-force``, ``plan()`` forces ``-detailed-exitcode``), so every
argument is spelled out here. Swapping the library is a change to :class:`PythonTerraformRunner`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from python_terraform import Terraform as _PythonTerraform

from artificien_infra.core.config import LOCAL, LOCAL_CREDENTIALS, LOCAL_REGION, Context
from artificien_infra.errors import UserError


class TerraformError(UserError):
    """Terraform exited with a code the caller did not expect."""

    def __init__(self, command: str, result: TfResult) -> None:
        detail = (result.stderr or result.stdout or "").strip()
        tail = "\n".join(detail.splitlines()[-30:])
        super().__init__(f"terraform {command} failed (exit {result.returncode})\n{tail}".rstrip())
        self.result = result
        self.command = command

    def __reduce__(self):  # picklable: module tests raise it in worker processes
        return (type(self), (self.command, self.result))


@dataclass(frozen=True)
class TfResult:
    returncode: int
    stdout: str = ""
    stderr: str = ""


class Runner(Protocol):
    """Runs ``terraform <command> <args...>`` in ``cwd`` with ``env``. ``stream`` sends Terraform's
    human output to our stderr as it happens instead of capturing it."""

    def __call__(
        self, command: str, args: Sequence[str], *, cwd: Path, env: Mapping[str, str], stream: bool
    ) -> TfResult: ...


# python-terraform hands os.environ to the child process and takes no env parameter, so a call
# swaps the process environment: one call at a time.
_ENVIRON_LOCK = threading.Lock()


@contextlib.contextmanager
def _environ(env: Mapping[str, str]) -> Iterator[None]:
    saved = os.environ.copy()
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class PythonTerraformRunner:
    def __init__(self, binary: str = "terraform") -> None:
        self.binary = binary

    def __call__(
        self, command: str, args: Sequence[str], *, cwd: Path, env: Mapping[str, str], stream: bool
    ) -> TfResult:
        tf = _PythonTerraform(working_dir=str(cwd), terraform_bin_path=self.binary)
        with _ENVIRON_LOCK, _environ(env):
            if stream:
                # Terraform's progress is diagnostics: to stderr; stdout stays machine-readable.
                with contextlib.redirect_stdout(sys.stderr):
                    code, _, _ = tf.cmd(command, *args, capture_output=False)
                return TfResult(code)
            code, out, err = tf.cmd(command, *args, capture_output=True)
        return TfResult(code, out or "", err or "")


def cli_config_text(mirror: Path | None) -> str | None:
    """A Terraform CLI config that installs providers only from the mirror, or None (registry)."""
    if mirror is None:
        return None
    return (
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(mirror))}\n"
        '    include = ["*/*/*"]\n'
        "  }\n"
        "  direct {\n"
        '    exclude = ["*/*/*"]\n'
        "  }\n"
        "}\n"
    )


def point_at_emulator(env: dict[str, str], endpoint_url: str) -> None:
    """Send every service of a Terraform run with ``env`` to the emulator at ``endpoint_url``
    (terraform/providers.tf has no endpoints block: the provider reads the SDK's settings). From
    the caller's shell, a service's own AWS_ENDPOINT_URL_<SERVICE> would win over it and send that
    service elsewhere, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS would send every service to AWS."""
    for var in [v for v in env if v.startswith("AWS_ENDPOINT_URL_")]:
        del env[var]
    env.pop("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", None)
    env["AWS_ENDPOINT_URL"] = endpoint_url


# In a data directory: the digest of the inputs of its last successful ``init`` (Terraform.init).
INIT_MARKER = "artificien-init.sha256"

# The AWS provider is a Go program that builds its whole schema each time it starts, and so does
# Terraform itself on every command (and `terraform test` starts the provider for every run block):
# at Go's default (GOGC=100) about a fifth of their CPU went to the garbage collector. These
# processes hold a few hundred MB, so collecting four times less often is cheap in memory (measured
# on modules/dns' tests: user CPU 8.7 s -> 7.0 s, peak RSS 314 -> 372 MB). An operator's own GOGC
# wins.
GO_GC_PERCENT = "400"


@dataclass
class Terraform:
    """Terraform bound to one working directory and one data directory."""

    ctx: Context
    cwd: Path
    data_dir: Path
    env_name: str | None = None
    endpoint_url: str | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)  # e.g. a reattached provider

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "TF_DATA_DIR": str(self.data_dir),
                "CHECKPOINT_DISABLE": "1",
            }
        )
        env.setdefault("GOGC", GO_GC_PERCENT)
        # The workspace is the one the wrapper selects (select_workspace); a TF_WORKSPACE from the
        # caller's shell would override it without a word.
        env.pop("TF_WORKSPACE", None)
        env.update(self.extra_env)
        rc = cli_config_text(self.ctx.settings.provider_mirror)
        if rc is not None:
            path = self.ctx.paths.build / "terraformrc"
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text() != rc:
                path.write_text(rc)
            env["TF_CLI_CONFIG_FILE"] = str(path)
        if self.env_name == LOCAL or self.endpoint_url is not None:
            # The emulator: placeholder credentials, and never a real profile by accident.
            env.update(LOCAL_CREDENTIALS)
            env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = LOCAL_REGION
            for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
                env.pop(var, None)
        if self.endpoint_url is not None:
            point_at_emulator(env, self.endpoint_url)
        return env

    def run(
        self, command: str, *args: str, ok: Sequence[int] = (0,), stream: bool = False
    ) -> TfResult:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        flags = [] if command.startswith("workspace") else ["-no-color"]
        runner: Runner = self.ctx.runner or PythonTerraformRunner()  # type: ignore[assignment]
        result = runner(
            command, [*flags, *args], cwd=self.cwd, env=self.environment(), stream=stream
        )
        if result.returncode not in ok:
            raise TerraformError(command, result)
        return result

    # Commands -------------------------------------------------------------------------------

    def init(self, *, backend_config: Path | None) -> None:
        """``terraform init``, unless this data directory was initialised from exactly these
        inputs already (``init_inputs``): every wrapper command starts with an init, and on an
        unchanged tree each one spent 2-3 s of CPU to arrive where the last one left off."""
        args = ["-input=false", "-reconfigure"]
        if backend_config is None:
            args.append("-backend=false")
        else:
            args.append(f"-backend-config={backend_config}")
        marker = self.data_dir / INIT_MARKER
        initialised = (self.data_dir / "providers").is_dir() and marker.is_file()
        if initialised and marker.read_text() == self.init_inputs(args, backend_config):
            return
        marker.unlink(missing_ok=True)
        self.run("init", *args)
        # after the init: it writes the lock file that the digest covers
        marker.write_text(self.init_inputs(args, backend_config))

    def init_inputs(self, args: Sequence[str], backend_config: Path | None) -> str:
        """A digest of what an init depends on: its arguments, the backend config, the CLI
        config (provider mirror), the lock file and every Terraform file of the configuration
        and of the modules it can call."""
        digest = hashlib.sha256()
        rc = self.environment().get("TF_CLI_CONFIG_FILE", "")
        for part in (*args, rc):
            digest.update(part.encode() + b"\0")
        files = [self.cwd / ".terraform.lock.hcl"]
        if backend_config is not None:
            files.append(backend_config)
        if rc:
            files.append(Path(rc))
        for root in dict.fromkeys((self.cwd, self.ctx.paths.modules)):
            files += sorted(p for p in root.rglob("*.hcl") if ".terraform" not in p.parts)
            files += sorted(p for p in root.rglob("*.tf") if ".terraform" not in p.parts)
        for path in files:
            digest.update(str(path).encode() + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"<missing>")
            digest.update(b"\0")
        return digest.hexdigest()

    def select_workspace(self, name: str, *, create: bool = False) -> None:
        """Select the workspace, creating it on first use (never the implicit 'default').

        Terraform keeps the selection in the data directory's ``environment`` file. When that
        already names this workspace, nothing runs: every wrapper command starts here, and the
        select cost a second each time to arrive where the last one left off. A plan or an apply
        of a workspace the backend does not hold yet starts from an empty state and writes it,
        just as ``-or-create`` would. ``create=True`` runs the select anyway, for a caller that
        needs the (empty) state to exist in the backend now."""
        selected = self.data_dir / "environment"
        if not create and selected.is_file() and selected.read_text().strip() == name:
            return
        self.run("workspace select", "-or-create=true", name)

    def plan(
        self,
        out: Path,
        var_files: Sequence[Path],
        *,
        targets: Sequence[str] = (),
        destroy: bool = False,
        refresh_only: bool = False,
        refresh: bool = True,
        quiet: bool = False,
    ) -> bool:
        """Write a saved plan; returns True when it holds changes (exit 2 of -detailed-exitcode).
        ``refresh=False`` plans from the state as it is, without reading every resource back."""
        args = ["-input=false", "-detailed-exitcode", f"-out={out}"]
        args += [f"-var-file={f}" for f in var_files]
        args += [f"-target={t}" for t in targets]
        if destroy:
            args.append("-destroy")
        if refresh_only:
            args.append("-refresh-only")
        if not refresh:
            args.append("-refresh=false")
        result = self.run("plan", *args, ok=(0, 2), stream=not quiet)
        return result.returncode == 2

    def show_json(self, plan: Path) -> dict:
        return json.loads(self.run("show", "-json", str(plan)).stdout)

    def apply_plan(self, plan: Path, *, parallelism: int | None = None) -> None:
        """Apply a saved plan; ``parallelism`` overrides Terraform's 10 concurrent operations."""
        args = ["-input=false", "-auto-approve"]
        if parallelism is not None:
            args.append(f"-parallelism={parallelism}")
        self.run("apply", *args, str(plan), stream=True)

    def state_addresses(self) -> list[str]:
        """Addresses of every resource in the selected workspace's state ([] when empty)."""
        values = json.loads(self.run("show", "-json").stdout or "{}").get("values") or {}

        def walk(module: dict) -> Iterator[str]:
            for resource in module.get("resources", []):
                if resource.get("mode") == "managed":  # data sources are read, not owned
                    yield resource["address"]
            for child in module.get("child_modules", []):
                yield from walk(child)

        return list(walk(values.get("root_module") or {}))

    def outputs(self) -> dict[str, dict]:
        return json.loads(self.run("output", "-json").stdout or "{}")

    def validate(self) -> TfResult:
        return self.run("validate", ok=(0, 1))

    def test(self) -> TfResult:
        return self.run("test", ok=(0, 1))

    def fmt_check(self, *paths: str) -> TfResult:
        return self.run("fmt", "-check", "-recursive", "-list=true", *paths, ok=(0, 3))
