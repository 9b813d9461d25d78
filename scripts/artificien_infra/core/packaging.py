"""Reproducible Lambda zips: one per function directory of ``lambdas/`` (one with a handler.py).

The shared packages (``SHARED_PACKAGES``, e.g. ``lambdas/shared/``: config parsing, clients,
logging) are no function of their own; every function's zip carries them at its root, next to
the function's package, and they count in its content hash. Powertools is not vendored: the
functions get it from the AWS-managed layer (``modules/lambda_function``'s ``layers``).

The same sources give the same bytes on any machine: entries are sorted, timestamps and
permissions fixed, caches and tests left out. A content hash of the inputs decides whether a zip
is rebuilt, so an unchanged ``package`` is a no-op. Each zip is written to a temp file and renamed,
so a crash never leaves a half-written artifact where Terraform would read it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from artificien_infra.core.config import ConfigError, Paths
from artificien_infra.core.files import write_json_atomic

FORMAT_VERSION = "2"  # bump to force every zip to be rebuilt when the layout rules change
# Directories of lambdas/ that go into every function's zip, under their own name.
SHARED_PACKAGES = ("shared",)
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
EXCLUDED_DIRS = {"__pycache__", "tests", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
EXCLUDED_SUFFIXES = {".pyc", ".pyo"}
EXCLUDED_NAMES = {".DS_Store", "requirements.txt", "conftest.py"}
# Lambda's arm64 platform (the module default); x86_64 is manylinux2014_x86_64.
LAMBDA_PLATFORM = "manylinux2014_aarch64"
LAMBDA_PYTHON = "3.12"


@dataclass(frozen=True)
class Artifact:
    function: str
    zip_path: str  # absolute
    source_code_hash: str  # base64 SHA-256 of the zip, as Lambda and Terraform report it
    content_hash: str  # hex SHA-256 of the inputs
    size: int


@dataclass(frozen=True)
class PackageResult:
    artifact: Artifact
    rebuilt: bool


def _included(rel: Path) -> bool:
    if any(part in EXCLUDED_DIRS or part.startswith(".") for part in rel.parts[:-1]):
        return False
    name = rel.name
    return not (
        name.startswith(".")  # .env, .secrets and editor files never ship
        or name in EXCLUDED_NAMES
        or name.startswith("test_")
        or name.endswith("_test.py")
        or rel.suffix in EXCLUDED_SUFFIXES
    )


def _package_files(package_dir: Path) -> list[tuple[str, Path]]:
    files = []
    for path in package_dir.rglob("*"):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(package_dir)
            if _included(rel):
                files.append(((Path(package_dir.name) / rel).as_posix(), path))
    return files


def shared_dirs(function_dir: Path) -> list[Path]:
    """The shared packages next to ``function_dir`` (in ``lambdas/``) that exist."""
    return [
        function_dir.parent / name
        for name in SHARED_PACKAGES
        if (function_dir.parent / name).is_dir() and name != function_dir.name
    ]


def source_files(function_dir: Path) -> list[tuple[str, Path]]:
    """(archive name, file) for every file that goes into the zip, sorted by archive name: the
    function's package and the shared packages beside it."""
    files = _package_files(function_dir)
    for shared in shared_dirs(function_dir):
        files.extend(_package_files(shared))
    return sorted(files)


def content_hash(function_dir: Path) -> str:
    digest = hashlib.sha256(f"format:{FORMAT_VERSION}\n".encode())
    entries = source_files(function_dir)
    requirements = function_dir / "requirements.txt"
    if requirements.is_file():
        entries.append(("requirements.txt", requirements))
    for name, path in entries:
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def vendor_requirements(requirements: Path, target: Path) -> None:
    """Install a function's dependencies as Lambda-platform wheels (never sdists built here)."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",
        "--target",
        str(target),
        "--platform",
        LAMBDA_PLATFORM,
        "--implementation",
        "cp",
        "--python-version",
        LAMBDA_PYTHON,
        "--only-binary=:all:",
        "-r",
        str(requirements),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise ConfigError(f"vendoring {requirements} failed:\n{result.stderr.strip()}")


def _write_zip(destination: Path, entries: Iterable[tuple[str, Path]]) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            for name, path in entries:
                info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
                info.external_attr = FILE_MODE << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # unix, whatever the building machine is
                archive.writestr(info, path.read_bytes(), compresslevel=9)
        os.replace(tmp, destination)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _b64sha256(path: Path) -> str:
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def functions(paths: Paths) -> list[Path]:
    if not paths.lambdas.is_dir():
        return []
    return sorted(d for d in paths.lambdas.iterdir() if d.is_dir() and (d / "handler.py").is_file())


def read_manifest(paths: Paths) -> dict[str, dict]:
    try:
        return json.loads(paths.manifest.read_text())
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as err:
        raise ConfigError(
            f"{paths.manifest} is corrupt ({err}); delete it and package again"
        ) from err


def package_function(
    function_dir: Path,
    paths: Paths,
    previous: dict | None,
    vendor: Callable[[Path, Path], None] = vendor_requirements,
) -> PackageResult:
    name = function_dir.name
    zip_path = paths.lambda_build / f"{name}.zip"
    digest = content_hash(function_dir)
    if (
        previous
        and previous.get("content_hash") == digest
        and zip_path.is_file()
        and _b64sha256(zip_path) == previous.get("source_code_hash")
    ):
        return PackageResult(Artifact(**previous), rebuilt=False)

    entries = source_files(function_dir)
    requirements = function_dir / "requirements.txt"
    with tempfile.TemporaryDirectory(prefix=f"vendor-{name}-") as vendored:
        if requirements.is_file():
            vendor(requirements, Path(vendored))
            vendored_root = Path(vendored)
            extra = [
                (p.relative_to(vendored_root).as_posix(), p)
                for p in vendored_root.rglob("*")
                if p.is_file() and _included(p.relative_to(vendored_root))
            ]
            entries = sorted(entries + extra)
        _write_zip(zip_path, entries)

    artifact = Artifact(
        function=name,
        zip_path=str(zip_path),
        source_code_hash=_b64sha256(zip_path),
        content_hash=digest,
        size=zip_path.stat().st_size,
    )
    return PackageResult(artifact, rebuilt=True)


def package_all(paths: Paths, vendor: Callable[[Path, Path], None] = vendor_requirements):
    """Build every function's zip and write the manifest; returns the results in name order."""
    previous = read_manifest(paths)
    results = [package_function(d, paths, previous.get(d.name), vendor) for d in functions(paths)]
    manifest = {r.artifact.function: asdict(r.artifact) for r in results}
    if manifest != previous:
        write_json_atomic(paths.manifest, manifest)
    # zips of functions that no longer exist would only confuse: remove them
    for stale in set(previous) - set(manifest):
        Path(previous[stale].get("zip_path", "")).unlink(missing_ok=True)
    return results


def lambda_packages_var(paths: Paths) -> dict[str, dict[str, str]]:
    """The ``lambda_packages`` root variable: paths relative to terraform/, and their hashes."""
    manifest = read_manifest(paths)
    missing = [f.name for f in functions(paths) if f.name not in manifest]
    if missing:
        raise ConfigError(f"no package for {', '.join(missing)}: run `artificien-infra package`")
    return {
        name: {
            "filename": os.path.relpath(entry["zip_path"], paths.terraform),
            "source_code_hash": entry["source_code_hash"],
        }
        for name, entry in sorted(manifest.items())
    }
