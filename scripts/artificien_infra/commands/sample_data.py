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

import json
from pathlib import Path
from typing import Any

import click

from artificien_infra.commands.common import Command
from artificien_infra.core.files import write_atomic
from artificien_infra.errors import UserError
from artificien_infra.local.lambdas import import_lambda_module


def read_item(path: Path) -> dict[str, Any]:
    """A dataset item from a JSON file: plain, DynamoDB JSON, or a GetItem answer (``Item``)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{path}: not a readable JSON file: {error}") from None
    if isinstance(document, dict) and isinstance(document.get("Item"), dict):
        document = document["Item"]
    if not isinstance(document, dict):
        raise UserError(f"{path}: the item must be a JSON object")
    return document


@click.command("sample-data", cls=Command)
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
        raise UserError(f"invalid dataset item: {error}") from None
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
