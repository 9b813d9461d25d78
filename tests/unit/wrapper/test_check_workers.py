"""Module tests run in parallel processes: how many, and what a bad setting says."""

from __future__ import annotations

import pytest

from artificien_infra.core import checks
from artificien_infra.core.config import ConfigError


def test_one_worker_per_core_capped_by_the_module_count(monkeypatch):
    monkeypatch.delenv("ARTIFICIEN_TEST_WORKERS", raising=False)
    monkeypatch.setattr(checks.os, "cpu_count", lambda: 4)
    assert checks._test_workers(19) == 4
    assert checks._test_workers(2) == 2
    assert checks._test_workers(1) == 1


def test_the_setting_overrides_the_core_count(monkeypatch):
    monkeypatch.setenv("ARTIFICIEN_TEST_WORKERS", "1")
    assert checks._test_workers(19) == 1


@pytest.mark.parametrize("raw", ["0", "two", "-3"])
def test_a_bad_setting_is_refused_by_name(monkeypatch, raw):
    monkeypatch.setenv("ARTIFICIEN_TEST_WORKERS", raw)
    with pytest.raises(ConfigError, match="ARTIFICIEN_TEST_WORKERS"):
        checks._test_workers(19)
