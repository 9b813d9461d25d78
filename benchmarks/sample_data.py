"""Sample-data generator: throughput against a per-row reference, and peak memory.

- rows/s at 1M rows of a 10-column mixed item (integers, decimals, strings, booleans), for the
  project's generator and for a straightforward per-row generator (``random.randint``/``uniform``/
  ``choice`` per value, ``csv.writer`` per row), measured in the same run;
- the time to generate the item's default sample (``DEFAULT_SAMPLE_ROWS``, what the function
  writes for an app that names no device count);
- peak resident memory of a process that generates 1M and 5M rows into a discarding sink, each in
  its own subprocess (``resource.getrusage``), next to the same process generating 0 rows.

Run ``python -m benchmarks.sample_data`` (or ``make bench``). Figures only: nothing fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

from artificien_infra.local.lambdas import import_lambda_module

ITEM: dict[str, Any] = {
    "dataset_id": "Benchmark Health",
    "attributes": [
        "age",
        "bmi",
        "city",
        "smoker",
        "steps",
        "latitude",
        "income",
        "score",
        "name",
        "active",
    ],
    "attributeTypes": ["N", "N", "S", "B", "N", "N", "N", "N", "S", "B"],
    "attributeRangeMins": ["0", "10.5", "0", "-90.000001", "0", "0.001"],
    "attributeRangeMaxes": ["100", "40.25", "30000", "90", "1000000", "1"],
}
THROUGHPUT_ROWS = 1_000_000
# Best of a few runs, as timeit does: the machine's other load only ever slows a run down.
REPEATS = 3
MEMORY_ROWS = (0, 1_000_000, 5_000_000)


class _Discard(io.RawIOBase):
    """A sink that counts bytes and keeps none."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


def reference_csv(item: dict[str, Any], rows: int, sink: io.RawIOBase) -> None:
    """What a straightforward generator does: draw and write one row at a time."""
    words = import_lambda_module("sample_data.words").WORDS
    rng = random.Random(item["dataset_id"])  # noqa: S311 - sample data
    bounds = iter(zip(item["attributeRangeMins"], item["attributeRangeMaxes"], strict=True))
    columns = []
    for kind in item["attributeTypes"]:
        if kind == "N":
            low, high = sorted(Decimal(b) for b in next(bounds))
            if low == low.to_integral_value() and high == high.to_integral_value():
                columns.append(("int", int(low), int(high), 0))
            else:
                places = max(-low.as_tuple().exponent, -high.as_tuple().exponent, 2)
                columns.append(("dec", float(low), float(high), places))
        else:
            columns.append((kind, 0, 0, 0))
    text = io.TextIOWrapper(sink, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(item["attributes"])
    for _ in range(rows):
        row = []
        for kind, low, high, places in columns:
            if kind == "int":
                row.append(rng.randint(low, high))
            elif kind == "dec":
                row.append(f"{rng.uniform(low, high):.{places}f}")
            elif kind == "B":
                row.append(rng.randint(0, 1))
            else:
                row.append(rng.choice(words))
        writer.writerow(row)
    text.flush()
    text.detach()


def project_csv(item: dict[str, Any], rows: int, sink: io.RawIOBase) -> None:
    dataset = import_lambda_module("sample_data.dataset")
    generator = import_lambda_module("sample_data.generator")
    generator.write_csv(dataset.parse_item(item), rows, sink)


def _rows_per_second(function: Any, rows: int) -> tuple[float, int]:
    best = float("inf")
    for _ in range(REPEATS):
        sink = _Discard()
        start = time.perf_counter()
        function(ITEM, rows, sink)
        best = min(best, time.perf_counter() - start)
    return rows / best, sink.size


def _peak_memory_mib(rows: int) -> float:
    """Peak RSS of a fresh interpreter generating ``rows`` rows (this module, --memory)."""
    output = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.sample_data", "--memory", str(rows)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(output.strip())


def _measure_memory(rows: int) -> None:
    project_csv(ITEM, rows, _Discard())
    # ru_maxrss is in KiB on Linux
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=False)
    console.print(
        f"[bold]sample_data[/bold]: 10-column mixed item, {THROUGHPUT_ROWS:,} rows, "
        f"best of {REPEATS} runs each"
    )
    project_rate, project_bytes = _rows_per_second(project_csv, THROUGHPUT_ROWS)
    reference_rate, reference_bytes = _rows_per_second(reference_csv, THROUGHPUT_ROWS)

    speed = Table(title="throughput")
    for column in ("generator", "rows/s", "µs/row", "CSV MB", "speed-up"):
        speed.add_column(column, justify="right")
    speed.add_row(
        "project (chunked, columnar)",
        f"{project_rate:,.0f}",
        f"{1e6 / project_rate:.2f}",
        f"{project_bytes / 1e6:.1f}",
        f"{project_rate / reference_rate:.1f}x",
    )
    speed.add_row(
        "reference (per row)",
        f"{reference_rate:,.0f}",
        f"{1e6 / reference_rate:.2f}",
        f"{reference_bytes / 1e6:.1f}",
        "1.0x",
    )
    console.print(speed)

    default_rows = import_lambda_module("sample_data.config").DEFAULT_SAMPLE_ROWS
    default_rate, _ = _rows_per_second(project_csv, default_rows)
    console.print(
        f"default sample ({default_rows:,} rows): {1e3 * default_rows / default_rate:.1f} ms"
    )

    memory = Table(title="peak memory (own process, RSS)")
    memory.add_column("rows", justify="right")
    memory.add_column("peak MiB", justify="right")
    for rows in MEMORY_ROWS:
        memory.add_row(f"{rows:,}", f"{_peak_memory_mib(rows):.1f}")
    console.print(memory)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memory", type=int, default=None, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.memory is not None:
        _measure_memory(arguments.memory)
    else:
        main()
