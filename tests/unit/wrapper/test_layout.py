"""The wrapper's rooms stay apart: the deploy core needs neither the emulator nor the commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CORE = sorted(
    p.stem for p in (ROOT / "scripts/artificien_infra/core").glob("*.py") if p.stem != "__init__"
)


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "scripts"), "PATH": ""},
    )
    return {name.split(".")[0] for name in result.stdout.split()} | set(result.stdout.split())


@pytest.mark.parametrize("module", CORE)
def test_the_deploy_core_loads_neither_moto_nor_the_commands(module: str) -> None:
    # GIVEN one module of the deploy core WHEN it is imported on its own
    loaded = _loaded_after(f"import artificien_infra.core.{module}")
    # THEN the emulator (moto) and the click commands stayed out
    assert "moto" not in loaded
    assert "artificien_infra.commands" not in loaded
    assert "artificien_infra.local.emulator" not in loaded


def test_the_check_fails_when_the_core_reaches_for_the_emulator() -> None:
    # the probe itself can fail: the emulator's patches do load moto
    assert "moto" in _loaded_after("import artificien_infra.local.patches.cognito_domain")


def test_every_user_error_is_one_family() -> None:
    from artificien_infra.commands.nodes import FunctionError
    from artificien_infra.core.config import ConfigError
    from artificien_infra.core.iam_lint import LintError
    from artificien_infra.core.terraform import TerraformError
    from artificien_infra.errors import UserError
    from artificien_infra.local.triggers import TriggerError

    for error in (ConfigError, TerraformError, TriggerError, LintError, FunctionError):
        assert issubclass(error, UserError), error
