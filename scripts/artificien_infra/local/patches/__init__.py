"""Small extensions that teach the local emulator (moto) the few API calls Terraform needs and
moto lacks. Each submodule exposes ``register()``; :func:`apply_all` runs them all, in the
emulator's own process, before the server starts. Keep each patch the narrowest thing that lets
Terraform's call succeed, and name the moto version it was written against.
"""

import importlib
import pkgutil


def apply_all() -> list[str]:
    """Register every patch in this package; returns their module names (for the emulator log)."""
    applied = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register()
        applied.append(info.name)
    return applied
