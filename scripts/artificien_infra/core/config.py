"""Where things are, and what one ``--env`` value implies (workspace, var-file, backend config)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from artificien_infra.errors import UserError

ENVIRONMENTS = ("local", "dev", "staging", "prod")
LOCAL = "local"
DEFAULT_LOCAL_PORT = 4566
LOCAL_REGION = "us-east-1"
# The emulator accepts any credentials; these are placeholders, not secrets.
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}


class ConfigError(UserError):
    """A problem with the configuration, the arguments or the files that the user can fix."""


def _find_root() -> Path:
    explicit = os.environ.get("ARTIFICIEN_ROOT")
    if explicit:
        return Path(explicit).resolve()
    # Installed editable from the repo: scripts/artificien_infra/core/config.py -> repo root.
    candidate = Path(__file__).resolve().parents[3]
    if (candidate / "terraform").is_dir() and (candidate / "modules").is_dir():
        return candidate
    for parent in [Path.cwd(), *Path.cwd().parents]:
        if (parent / "terraform").is_dir() and (parent / "modules").is_dir():
            return parent
    raise ConfigError("cannot find the repository root (set ARTIFICIEN_ROOT)")


@dataclass(frozen=True)
class Paths:
    """Every path the wrapper reads or writes. ``build`` can be moved (``ARTIFICIEN_BUILD_DIR``)
    so that the integration suite never touches a developer's local environment."""

    root: Path
    build: Path

    @classmethod
    def discover(cls) -> Paths:
        root = _find_root()
        build = Path(os.environ.get("ARTIFICIEN_BUILD_DIR") or root / "build").resolve()
        return cls(root=root, build=build)

    @property
    def terraform(self) -> Path:
        return self.root / "terraform"

    @property
    def modules(self) -> Path:
        return self.root / "modules"

    @property
    def lambdas(self) -> Path:
        return self.root / "lambdas"

    @property
    def lambda_build(self) -> Path:
        return self.build / "lambdas"

    @property
    def manifest(self) -> Path:
        return self.lambda_build / "manifest.json"

    @property
    def local_dir(self) -> Path:
        return self.build / "local"

    @property
    def reports(self) -> Path:
        return self.build / "reports"

    def tfvars(self, env: str) -> Path:
        return self.terraform / "envs" / f"{env}.tfvars"

    def backend_hcl(self, env: str) -> Path:
        if env == LOCAL:
            return self.local_dir / "backend.hcl"
        return self.terraform / "envs" / f"{env}.backend.hcl"

    def auto_tfvars(self, env: str) -> Path:
        return self.build / f"{env}.auto.tfvars.json"

    def plan_file(self, env: str, *, destroy: bool = False) -> Path:
        return self.build / (f"{env}.destroy.tfplan" if destroy else f"{env}.tfplan")

    def plan_json(self, env: str, *, destroy: bool = False) -> Path:
        return self.plan_file(env, destroy=destroy).with_suffix(".tfplan.json")

    def plan_meta(self, env: str, *, destroy: bool = False) -> Path:
        return self.plan_file(env, destroy=destroy).with_suffix(".tfplan.meta.json")

    def tf_data(self, name: str) -> Path:
        return self.build / "tf" / name


@dataclass(frozen=True)
class Settings:
    """Process-wide knobs read from the environment."""

    provider_mirror: Path | None
    local_port: int

    @classmethod
    def from_env(cls) -> Settings:
        mirror = os.environ.get("ARTIFICIEN_PROVIDER_MIRROR") or None
        mirror_path = Path(mirror).resolve() if mirror else None
        if mirror_path is not None and not mirror_path.is_dir():
            raise ConfigError(
                f"ARTIFICIEN_PROVIDER_MIRROR={mirror} is not a directory "
                "(it must be laid out as a Terraform filesystem mirror)"
            )
        raw_port = os.environ.get("ARTIFICIEN_LOCAL_PORT", str(DEFAULT_LOCAL_PORT))
        try:
            port = int(raw_port)
        except ValueError:
            raise ConfigError(f"ARTIFICIEN_LOCAL_PORT={raw_port!r} is not a port number") from None
        if not 1024 <= port <= 65535:
            raise ConfigError(f"ARTIFICIEN_LOCAL_PORT={port} must be between 1024 and 65535")
        return cls(provider_mirror=mirror_path, local_port=port)


def validate_env(env: str) -> str:
    if env not in ENVIRONMENTS:
        raise ConfigError(f"unknown environment {env!r}: choose one of {', '.join(ENVIRONMENTS)}")
    return env


@dataclass
class Context:
    """What every command needs: paths and settings, created once per CLI invocation."""

    paths: Paths
    settings: Settings
    # How Terraform is run (artificien_infra.core.terraform.Runner); None: the real binary.
    # Tests put a fake here.
    runner: object | None = None
    # A rehearsal (core/rehearse.py) points whichever env it plans at this emulator instead of
    # AWS, keeps that env's state in the emulator's S3 (the local backend file) and adds its
    # stand-in variables to the injected ones. None everywhere else.
    emulator_url: str | None = None
    extra_variables: dict = field(default_factory=dict)

    @classmethod
    def create(cls) -> Context:
        return cls(paths=Paths.discover(), settings=Settings.from_env())

    @cached_property
    def components(self) -> tuple[str, ...]:
        """Module blocks of the root composition (the names COMPONENT may take)."""
        import re

        names: set[str] = set()
        for tf in sorted(self.paths.terraform.glob("*.tf")):
            names.update(re.findall(r'^module\s+"([a-z0-9_]+)"', tf.read_text(), re.MULTILINE))
        return tuple(sorted(names))
