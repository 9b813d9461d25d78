"""A resource that is replaced create-before-destroy must not carry a fixed name.

With ``create_before_destroy`` the replacement exists next to the old resource until the old one
is deleted; names such as a security group's are unique per VPC, so a fixed ``name`` makes every
replacement fail on the name it collides with. ``name_prefix`` (a fresh suffix each time) is the
fix. This scans every ``.tf`` file of the root and the modules, so a new resource cannot bring the
collision back unnoticed.
"""

from __future__ import annotations

from pathlib import Path

import hcl2
import pytest

ROOT = Path(__file__).resolve().parents[2]
TF_FILES = sorted([*ROOT.glob("terraform/*.tf"), *ROOT.glob("modules/*/*.tf")])


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _create_before_destroy(body: dict) -> bool:
    return any(block.get("create_before_destroy") is True for block in body.get("lifecycle", []))


def fixed_names_under_create_before_destroy(text: str) -> list[str]:
    """Addresses (type.name) of resources with create_before_destroy and a ``name`` argument."""
    found = []
    for entry in hcl2.loads(text).get("resource", []):
        for rtype, resources in entry.items():
            for rname, body in resources.items():
                if _create_before_destroy(body) and "name" in body:
                    found.append(f"{_unquote(rtype)}.{_unquote(rname)}")
    return found


def test_the_scan_sees_terraform_files():
    # GIVEN the repository WHEN it is globbed THEN the modules are there (an empty scan passes
    # vacuously, so guard against a moved layout).
    assert len(TF_FILES) > 20
    assert ROOT / "modules" / "jupyterhub" / "network.tf" in TF_FILES


def test_a_fixed_name_with_create_before_destroy_is_found():
    # GIVEN the JupyterHub security group as it was WHEN scanned THEN it is reported.
    text = """
resource "aws_security_group" "this" {
  name   = "${var.name}-jupyterhub"
  vpc_id = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}
"""
    assert fixed_names_under_create_before_destroy(text) == ["aws_security_group.this"]


def test_name_prefix_or_no_create_before_destroy_is_fine():
    text = """
resource "aws_security_group" "this" {
  name_prefix = "${var.name}-jupyterhub-"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "other" {
  name = "fixed"
}
"""
    assert fixed_names_under_create_before_destroy(text) == []


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_fixed_name_meets_create_before_destroy(path: Path):
    offenders = fixed_names_under_create_before_destroy(path.read_text())
    assert not offenders, (
        f"{path.relative_to(ROOT)}: {', '.join(offenders)} has create_before_destroy and a fixed "
        "name, so its replacement collides with it: use name_prefix"
    )
