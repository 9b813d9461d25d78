"""One AWS provider process shared by every module's ``terraform test``.

Each run block of ``terraform test`` starts the AWS provider (a 700 MB Go program) about three
times, only to read its schema and validate configurations: every module test mocks the provider
(``mock_provider "aws"``), so no call ever configures it or reaches AWS. Terraform's documented
way of using a provider that is already running is ``TF_REATTACH_PROVIDERS``: start the provider
once with ``-debug``, and every Terraform process given the address it prints talks to that one
process instead of starting its own. Measured on modules/storage (6 run blocks, 17 provider
starts): 12.8 s of CPU on its own, 3.8 s reattached (Terraform and the provider together).

Only for mocked tests: a shared process holds one configuration, so a plan or apply against a real
account must never be given this address.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from artificien_infra.core.terraform import GO_GC_PERCENT

REATTACH = "TF_REATTACH_PROVIDERS"
PROVIDER = "registry.terraform.io/hashicorp/aws"
# how long a starting provider may take to print its address (it starts in about a second)
START_TIMEOUT = 60.0


def provider_binary(data_dir: Path) -> Path | None:
    """The AWS provider that ``terraform init`` installed into ``data_dir`` (newest version)."""
    found = (data_dir / "providers" / PROVIDER).glob("*/*/terraform-provider-aws*")
    return max(found, key=lambda path: _version(path.parent.parent.name), default=None)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in text.split("."))


def reattach_value(text: str) -> str | None:
    """The reattach configuration a provider started with ``-debug`` prints, once it has."""
    for line in text.splitlines():
        _, sep, rest = line.partition(f"{REATTACH}=")
        if sep:
            value = rest.strip().strip("'")
            try:
                config = json.loads(value)
            except ValueError:  # the line is still being written
                return None
            if isinstance(config, dict) and PROVIDER in config:
                return value
    return None


def provider_env() -> dict[str, str]:
    """The shared provider's environment: the Go collector setting every Terraform run gets, and
    its SDK's per-call logging off (in -debug mode it logs every call at debug level: 83 MB for
    one make test; 4.8 MB -> 462 bytes for modules/storage). An operator's own settings win."""
    env = dict(os.environ)
    env.setdefault("GOGC", GO_GC_PERCENT)
    for name in ("TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"):
        env.setdefault(name, "off")
    return env


@contextlib.contextmanager
def shared_provider(binary: Path | None, log: Path) -> Iterator[str | None]:
    """Start ``binary -debug`` and yield its reattach configuration; stop it on the way out.

    Yields None (each test starts its own provider, as without this) when there is no binary, or
    when it does not print an address in time.
    """
    if binary is None:
        yield None
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - the provider that terraform init installed
            [str(binary), "-debug"], stdout=out, stderr=subprocess.STDOUT, env=provider_env()
        )
    try:
        yield _wait_for_address(process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_address(process: subprocess.Popen, log: Path) -> str | None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        value = reattach_value(log.read_text(errors="replace"))
        if value is not None:
            return value
        time.sleep(0.1)
    return None
