"""Process-wide settings that keep the unit suite's moto use cheap, without changing what any test
sees.

- moto builds every EC2 backend (one per account and region a test touches, again after each
  reset) with some 1,300 public AMIs, each with its own snapshot and volume: about a third of a
  second per backend, a fifth of the suite's CPU. Only ``test_emulator_patches_ec2.py`` launches
  an instance from one of them, and it asks for them itself (``MOTO_EC2_LOAD_DEFAULT_AMIS``).
- moto swaps boto3's default session at every ``mock_aws()`` start, so each client built under a
  mock starts with an empty botocore loader and parses the service's JSON model again (EC2's is
  megabytes). The files are botocore's read-only data: parse each once per process. botocore
  already shares one parsed document between every client of a session, and copies before it
  changes one (``botocore.translate``), so sharing it across sessions changes nothing else.
  For the same reason each new loader listed every service directory again (a directory scan
  and a stat per service, some 400 of them) before it loaded a model: 1,367 scans cost 8% of
  the suite's CPU. The list of a set of search paths is kept once per process as well.
- The tests that run ``terraform console`` or ``validate`` start the AWS provider as the static
  gates do, so they get the Go garbage-collector setting every Terraform run of the wrapper gets
  (``terraform.GO_GC_PERCENT``).
"""

from __future__ import annotations

import os
from typing import Any

import botocore.loaders

from artificien_infra.core.terraform import GO_GC_PERCENT

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
os.environ.setdefault("GOGC", GO_GC_PERCENT)

_parsed: dict[str, Any] = {}
_load_file = botocore.loaders.JSONFileLoader.load_file


def _load_file_once(self: botocore.loaders.JSONFileLoader, file_path: str) -> Any:
    if file_path not in _parsed:
        _parsed[file_path] = _load_file(self, file_path)
    return _parsed[file_path]


botocore.loaders.JSONFileLoader.load_file = _load_file_once


_services: dict[tuple[tuple[str, ...], str], list[str]] = {}
_list_available_services = botocore.loaders.Loader.list_available_services


def _list_available_services_once(self: botocore.loaders.Loader, type_name: str) -> list[str]:
    key = (tuple(self.search_paths), type_name)
    if key not in _services:
        _services[key] = _list_available_services(self, type_name)
    return list(_services[key])


botocore.loaders.Loader.list_available_services = _list_available_services_once
