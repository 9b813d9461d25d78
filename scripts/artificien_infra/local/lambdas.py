"""Import a Lambda package from ``lambdas/`` for local use, as the Lambda runtime would.

The emulator stores Lambda code but cannot run it, so the local helpers (the trigger runner, the
node manager's ``--remote`` on local, the sample-data preview) load the same package in-process,
with its shared packages beside it exactly as its zip carries them.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from artificien_infra.core.packaging import SHARED_PACKAGES

LAMBDAS_DIR = Path(__file__).resolve().parents[3] / "lambdas"


def import_lambda_module(dotted: str, lambdas_dir: Path = LAMBDAS_DIR) -> ModuleType:
    """Import ``<package>.<module>`` of a Lambda package from ``lambdas_dir``.

    When the package is already imported (tests run with ``lambdas/`` on ``sys.path``) it must be
    the one in ``lambdas_dir``; a different module of the same name is an error, not a silent swap.
    """
    package_name = dotted.split(".", 1)[0]
    # A function's zip carries the shared packages beside its own (``from shared import ...``);
    # load them the same way first.
    for shared in SHARED_PACKAGES:
        if shared != package_name and (lambdas_dir / shared / "__init__.py").is_file():
            import_lambda_module(shared, lambdas_dir)
    package_dir = (lambdas_dir / package_name).resolve()
    init = package_dir / "__init__.py"
    loaded = sys.modules.get(package_name)
    if loaded is not None:
        origin = Path(getattr(loaded, "__file__", "") or "").resolve()
        if origin != init:
            raise ImportError(f"a different module named {package_name!r} is loaded ({origin})")
    else:
        if not init.is_file():
            raise ImportError(f"Lambda package {package_name!r} not found under {lambdas_dir}")
        spec = importlib.util.spec_from_file_location(
            package_name, init, submodule_search_locations=[str(package_dir)]
        )
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {init}")
        package = importlib.util.module_from_spec(spec)
        sys.modules[package_name] = package
        try:
            spec.loader.exec_module(package)
        except BaseException:
            del sys.modules[package_name]
            raise
    return importlib.import_module(dotted)
