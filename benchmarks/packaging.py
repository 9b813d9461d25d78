"""Lambda packaging: a cold build of every function, and the no-op rebuild that `make plan`
pays on every run (the content hash says nothing changed).

Run ``python -m benchmarks.packaging`` (or ``make bench``). Figures only: nothing fails.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from artificien_infra.core import packaging
from artificien_infra.core.config import Paths

ROOT = Path(__file__).resolve().parents[1]


def _timed(paths: Paths) -> float:
    start = time.perf_counter()
    packaging.package_all(paths)
    return time.perf_counter() - start


def main(repeats: int = 5) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-package-") as build:
        paths = Paths(root=ROOT, build=Path(build))
        cold = []
        for _ in range(repeats):
            shutil.rmtree(paths.lambda_build, ignore_errors=True)
            cold.append(_timed(paths))
        noop = [_timed(paths) for _ in range(repeats)]
        sizes = {p.name: p.stat().st_size for p in sorted(paths.lambda_build.glob("*.zip"))}
    table = Table(title=f"Lambda packaging (median of {repeats})", title_justify="left")
    table.add_column("what")
    table.add_column("time", justify="right")
    table.add_row(f"cold build, {len(sizes)} functions", f"{statistics.median(cold) * 1000:.1f} ms")
    table.add_row("no-op rebuild (unchanged sources)", f"{statistics.median(noop) * 1000:.1f} ms")
    for name, size in sizes.items():
        table.add_row(f"  {name}", f"{size / 1024:.1f} KiB")
    Console().print(table)


if __name__ == "__main__":
    main()
