"""``artificien-infra sample-data``: preview the sample CSV the platform makes for a dataset item.

The generator lives in ``lambdas/sample_data`` (it ships inside the Lambda zip, so there is one
copy of it). The console script runs with only ``scripts/`` importable, so the Lambda packages
are loaded *by path* from the checkout: :func:`import_lambda_module` builds the package from
``lambdas/<package>/__init__.py`` with importlib and registers it under its own name, which is the
name its modules import each other by (``from sample_data.dataset import ...``), exactly as in
the Lambda runtime. Nothing is added to ``sys.path``, so no other directory of the checkout can
shadow an installed module.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from artificien_infra.files import write_atomic
from artificien_infra.packaging import SHARED_PACKAGES

LAMBDAS_DIR = Path(__file__).resolve().parents[2] / "lambdas"


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


def read_item(path: Path) -> dict[str, Any]:
    """A dataset item from a JSON file: plain, DynamoDB JSON, or a GetItem answer (``Item``)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{path}: not a readable JSON file: {error}") from None
    if isinstance(document, dict) and isinstance(document.get("Item"), dict):
        document = document["Item"]
    if not isinstance(document, dict):
        raise click.ClickException(f"{path}: the item must be a JSON object")
    return document


@click.command("sample-data")
@click.argument(
    "item_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="ITEM.json"
)
@click.option(
    "--rows",
    type=click.IntRange(min=0),
    default=None,
    help="Rows to generate. Default: what the Lambda would write (num_devices, else 1000; "
    "at most 1000000).",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    help="CSV file to write ('-' for stdout).",
)
@click.option("--seed", default=None, help="Seed of the random values. Default: the dataset id.")
def sample_data(item_file: Path, rows: int | None, out: Path, seed: str | None) -> None:
    """Write the sample CSV the platform would make for the dataset item in ITEM.json.

    The item is the dataset_table item the website writes, as plain JSON or DynamoDB JSON.
    """
    dataset = import_lambda_module("sample_data.dataset")
    generator = import_lambda_module("sample_data.generator")
    config = import_lambda_module("sample_data.config")

    try:
        spec = dataset.parse_item(read_item(item_file))
    except dataset.InvalidDataset as error:
        raise click.ClickException(f"invalid dataset item: {error}") from None
    if rows is None:
        rows = generator.row_count(spec, config.DEFAULT_SAMPLE_ROWS, config.DEFAULT_MAX_SAMPLE_ROWS)
    chunks = generator.generate_csv(spec, rows, seed)

    if str(out) == "-":
        with click.open_file("-", "wb") as stdout:
            written = 0
            for chunk in chunks:
                stdout.write(chunk)
                written += len(chunk)
    else:
        written = write_atomic(out, chunks)
    click.echo(
        f"{spec.dataset_id}: {rows} rows, {len(spec.columns)} columns, {written} bytes -> {out}",
        err=True,
    )
