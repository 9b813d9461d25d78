"""The node manager's moto platform (moto_platform.py), shared with every test of this folder and
with tests/unit/test_nodes_cli.py by loading that file by path: pytest runs with
--import-mode=importlib, so helper modules are not importable by name until loaded here (the
tests then import them as ``node_manager_platform``)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

EVENTS = Path(__file__).with_name("events")

_spec = importlib.util.spec_from_file_location(
    "node_manager_platform", Path(__file__).with_name("moto_platform.py")
)
assert _spec is not None
assert _spec.loader is not None
moto_platform = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = moto_platform  # dataclasses resolve annotations through it
_spec.loader.exec_module(moto_platform)

platform = moto_platform.platform  # the fixture, for the tests of this directory


@pytest.fixture
def events() -> Any:
    """Invocation events from events/<name>.json, as the orchestration node or the CLI send them."""

    def load(name: str) -> dict[str, Any]:
        return json.loads((EVENTS / f"{name}.json").read_text())

    return load


@pytest.fixture
def failing() -> Any:
    """``failing(client, method)``: the client, except that ``method`` raises a ClientError."""
    return moto_platform.FailingClient
