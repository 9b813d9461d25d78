import base64
import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from artificien_infra.core import packaging
from artificien_infra.core.config import ConfigError, Paths


def _tree(root: Path) -> Path:
    fn = root / "lambdas" / "sample_data"
    (fn / "words").mkdir(parents=True)
    (fn / "__pycache__").mkdir()
    (fn / "tests").mkdir()
    (fn / "__init__.py").write_text("")
    (fn / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    (fn / "words" / "list.txt").write_text("apple\nbanana\n")
    (fn / "__pycache__" / "handler.cpython-312.pyc").write_bytes(b"\0junk")
    (fn / "tests" / "test_handler.py").write_text("def test(): pass\n")
    (fn / "test_local.py").write_text("x = 1\n")
    return root


def _paths(root: Path) -> Paths:
    return Paths(root=root, build=root / "build")


def test_two_clones_build_byte_identical_zips(tmp_path):
    # GIVEN the same sources in two places, with different mtimes and permissions
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    for path in (b / "lambdas").rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
        if path.is_file():
            path.chmod(0o755)
    # WHEN both are packaged
    [ra] = packaging.package_all(_paths(a))
    [rb] = packaging.package_all(_paths(b))
    # THEN the zips are the same bytes and the hash is the base64 SHA-256 of those bytes
    za, zb = Path(ra.artifact.zip_path).read_bytes(), Path(rb.artifact.zip_path).read_bytes()
    assert za == zb
    assert ra.artifact.source_code_hash == base64.b64encode(hashlib.sha256(za).digest()).decode()


def test_zip_holds_the_package_without_caches_or_tests(tmp_path):
    [result] = packaging.package_all(_paths(_tree(tmp_path)))
    with zipfile.ZipFile(result.artifact.zip_path) as archive:
        names = archive.namelist()
        infos = archive.infolist()
    assert names == sorted(names)
    assert names == [
        "sample_data/__init__.py",
        "sample_data/handler.py",
        "sample_data/words/list.txt",
    ]
    assert {i.date_time for i in infos} == {packaging.FIXED_DATE}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_unchanged_sources_are_not_rebuilt(tmp_path):
    paths = _paths(_tree(tmp_path))
    [first] = packaging.package_all(paths)
    mtime = Path(first.artifact.zip_path).stat().st_mtime_ns
    [second] = packaging.package_all(paths)
    assert first.rebuilt
    assert not second.rebuilt
    assert Path(second.artifact.zip_path).stat().st_mtime_ns == mtime
    assert second.artifact == first.artifact


def test_a_changed_source_rebuilds_and_changes_the_hash(tmp_path):
    root = _tree(tmp_path)
    paths = _paths(root)
    [first] = packaging.package_all(paths)
    handler = root / "lambdas" / "sample_data" / "handler.py"
    handler.write_text("def handler(e, c):\n    return 2\n")
    [second] = packaging.package_all(paths)
    assert second.rebuilt
    assert second.artifact.source_code_hash != first.artifact.source_code_hash


def test_a_zip_tampered_with_after_packaging_is_rebuilt(tmp_path):
    paths = _paths(_tree(tmp_path))
    [first] = packaging.package_all(paths)
    Path(first.artifact.zip_path).write_bytes(b"not a zip")
    [second] = packaging.package_all(paths)
    assert second.rebuilt
    assert zipfile.is_zipfile(second.artifact.zip_path)


def test_a_failed_write_leaves_no_partial_zip(tmp_path, monkeypatch):
    paths = _paths(_tree(tmp_path))

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", boom)
    with pytest.raises(OSError, match="disk full"):
        packaging.package_all(paths)
    assert list(paths.lambda_build.iterdir()) == []


def test_requirements_are_vendored_at_the_zip_root(tmp_path):
    root = _tree(tmp_path)
    (root / "lambdas" / "sample_data" / "requirements.txt").write_text("tiny==1.0\n")
    seen = []

    def fake_vendor(requirements: Path, target: Path) -> None:
        seen.append(requirements.read_text())
        (target / "tiny").mkdir()
        (target / "tiny" / "__init__.py").write_text("VERSION = 1\n")
        (target / "tiny" / "__pycache__").mkdir()
        (target / "tiny" / "__pycache__" / "x.pyc").write_bytes(b"0")

    [result] = packaging.package_all(_paths(root), vendor=fake_vendor)
    with zipfile.ZipFile(result.artifact.zip_path) as archive:
        names = archive.namelist()
    assert seen == ["tiny==1.0\n"]
    assert "tiny/__init__.py" in names
    assert not any("__pycache__" in n or n.endswith("requirements.txt") for n in names)


def test_vendoring_asks_pip_for_lambda_platform_wheels_only(tmp_path, monkeypatch):
    calls = []

    class Done:
        returncode = 1
        stderr = "no matching distribution"

    monkeypatch.setattr(packaging.subprocess, "run", lambda cmd, **kw: calls.append(cmd) or Done())
    with pytest.raises(ConfigError, match="no matching distribution"):
        packaging.vendor_requirements(tmp_path / "requirements.txt", tmp_path)
    cmd = calls[0]
    assert "--only-binary=:all:" in cmd
    assert cmd[cmd.index("--platform") + 1].startswith("manylinux")


def test_terraform_variable_points_at_the_zips_relative_to_terraform(tmp_path):
    paths = _paths(_tree(tmp_path))
    (paths.root / "terraform").mkdir()
    [result] = packaging.package_all(paths)
    var = packaging.lambda_packages_var(paths)
    assert var == {
        "sample_data": {
            "filename": "../build/lambdas/sample_data.zip",
            "source_code_hash": result.artifact.source_code_hash,
        }
    }


def test_missing_package_is_a_clear_error(tmp_path):
    paths = _paths(_tree(tmp_path))
    with pytest.raises(ConfigError, match="no package for sample_data"):
        packaging.lambda_packages_var(paths)


def _with_shared(root: Path) -> Path:
    """A second function and the shared package beside them (no handler: not a function)."""
    other = root / "lambdas" / "model_api"
    other.mkdir(parents=True)
    (other / "__init__.py").write_text("")
    (other / "handler.py").write_text("from shared import config\n")
    shared = root / "lambdas" / "shared"
    (shared / "__pycache__").mkdir(parents=True)
    (shared / "__init__.py").write_text("")
    (shared / "config.py").write_text("TABLE = 1\n")
    (shared / "__pycache__" / "config.cpython-312.pyc").write_bytes(b"\0junk")
    return root


def test_the_shared_package_goes_into_every_zip_and_is_no_function(tmp_path):
    # GIVEN two functions and lambdas/shared/
    paths = _paths(_with_shared(_tree(tmp_path)))
    # WHEN they are packaged
    results = packaging.package_all(paths)
    # THEN there is one zip per function, none for shared
    assert [r.artifact.function for r in results] == ["model_api", "sample_data"]
    for result in results:
        with zipfile.ZipFile(result.artifact.zip_path) as archive:
            names = archive.namelist()
        # AND each holds its own package and shared/ at the root, without caches, sorted
        assert names == sorted(names)
        assert [n for n in names if n.startswith("shared/")] == [
            "shared/__init__.py",
            "shared/config.py",
        ]
        assert all(n.startswith((f"{result.artifact.function}/", "shared/")) for n in names)


def test_a_changed_shared_file_rebuilds_every_function(tmp_path):
    root = _with_shared(_tree(tmp_path))
    paths = _paths(root)
    first = {r.artifact.function: r.artifact for r in packaging.package_all(paths)}
    (root / "lambdas" / "shared" / "config.py").write_text("TABLE = 2\n")
    second = packaging.package_all(paths)
    assert all(r.rebuilt for r in second)
    for result in second:
        before = first[result.artifact.function]
        assert result.artifact.content_hash != before.content_hash
        assert result.artifact.source_code_hash != before.source_code_hash


def test_zips_with_the_shared_package_are_reproducible(tmp_path):
    a = _with_shared(_tree(tmp_path / "a"))
    b = _with_shared(_tree(tmp_path / "b"))
    for path in (b / "lambdas").rglob("*"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    za = {
        r.artifact.function: r.artifact.source_code_hash for r in packaging.package_all(_paths(a))
    }
    zb = {
        r.artifact.function: r.artifact.source_code_hash for r in packaging.package_all(_paths(b))
    }
    assert za == zb


def test_the_repositorys_zips_carry_shared_and_no_powertools(tmp_path):
    # GIVEN this repository's lambdas/ (Powertools comes from the AWS-managed layer)
    root = Path(__file__).resolve().parents[3]
    paths = Paths(root=root, build=tmp_path / "build")
    requirements = [f / "requirements.txt" for f in packaging.functions(paths)]
    assert not [r for r in requirements if r.is_file() and "powertools" in r.read_text().lower()]
    # WHEN every function is packaged (vendoring recorded, not run: no network in unit tests)
    vendored: list[Path] = []
    results = packaging.package_all(paths, vendor=lambda req, _target: vendored.append(req))
    # THEN each zip has the shared package and its handler, and no copy of Powertools
    assert results
    for result in results:
        with zipfile.ZipFile(result.artifact.zip_path) as archive:
            names = archive.namelist()
        assert "shared/config.py" in names
        assert f"{result.artifact.function}/handler.py" in names
        assert not [n for n in names if n.startswith("aws_lambda_powertools/")]
