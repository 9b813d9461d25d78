"""Lambda cold start, the part the code controls: importing each handler module and the first
``build(environ)`` (where a handler has one; before it, config and clients were built at import).

Each figure is the best of ``REPEATS`` fresh interpreters (as timeit does: the machine's other
load only ever slows a run down): ``-X importtime``'s cumulative time of ``<function>.handler``,
and the wall time of import plus first build; the same two as CPU time of the process, which the
other load of a shared machine disturbs far less. "n/a": the build needs configuration this
benchmark does not fake. Zip sizes come from a packaging run into a temporary
directory. ``--lambdas DIR`` measures another checkout's ``lambdas/`` (a before/after comparison).

Run ``python -m benchmarks.lambdas`` (or ``make bench``). Figures only: nothing fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAMBDAS = ROOT / "lambdas"
REPEATS = 7
# Enough for each function's config to validate; nothing is called, so no endpoint is needed.
ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "DATASET_TABLE": "bench-dataset_table",
    "SAMPLE_DATA_BUCKET": "bench-sample-data",
    "USER_TABLE": "bench-user_table",
    "MODEL_TABLE": "bench-model_table",
    "MODEL_BUCKET": "bench-models",
    "POWERTOOLS_SERVICE_NAME": "bench",
}
_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s+(\S.*)$")


def _child(function: str) -> None:
    """In a fresh interpreter: import the handler, build once, print the timings as JSON."""
    start, cpu_start = time.perf_counter(), time.process_time()
    # __import__, not importlib.import_module: only the former is seen by -X importtime
    __import__(f"{function}.handler")
    module = sys.modules[f"{function}.handler"]
    imported, cpu_imported = time.perf_counter(), time.process_time()
    build = getattr(module, "build", None)
    figures: dict[str, Any] = {
        "import_s": imported - start,
        "cpu_import_s": cpu_imported - cpu_start,
    }
    try:
        if build is not None:
            build(os.environ)
        figures["import_build_s"] = time.perf_counter() - start
        figures["cpu_import_build_s"] = time.process_time() - cpu_start
    except Exception as error:  # noqa: BLE001 - this benchmark's environment lacks what it needs
        figures["build_error"] = f"{type(error).__name__}: {error}"
    print(json.dumps(figures))


def _one_run(function: str, lambdas: Path = LAMBDAS) -> dict[str, Any]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))},
        **ENVIRONMENT,
        "PYTHONPATH": os.pathsep.join([str(lambdas), str(ROOT)]),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-X", "importtime", "-m", "benchmarks.lambdas", "--child", function],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    for line in result.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match and match.group(3).strip() == f"{function}.handler":
            figures["importtime_s"] = int(match.group(2)) / 1e6
    return figures


def measure(function: str, repeats: int = REPEATS, lambdas: Path = LAMBDAS) -> dict[str, Any]:
    runs = [_one_run(function, lambdas) for _ in range(repeats)]
    figures: dict[str, Any] = {
        key: min(run[key] for run in runs) for key in runs[0] if isinstance(runs[0][key], float)
    }
    if "build_error" in runs[0]:
        figures["build_error"] = runs[0]["build_error"]
    return figures


def zip_sizes(lambdas: Path = LAMBDAS) -> dict[str, int]:
    from artificien_infra.core import packaging
    from artificien_infra.core.config import Paths

    with tempfile.TemporaryDirectory(prefix="bench-lambdas-") as build:
        paths = Paths(root=lambdas.parent, build=Path(build))
        return {r.artifact.function: r.artifact.size for r in packaging.package_all(paths)}


def _ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.1f} ms"


def functions(lambdas: Path = LAMBDAS) -> list[str]:
    return sorted(d.name for d in lambdas.iterdir() if (d / "handler.py").is_file())


def main(lambdas: Path = LAMBDAS) -> None:
    from rich.console import Console
    from rich.table import Table

    sizes = zip_sizes(lambdas)
    table = Table(title=f"Lambda cold start of {lambdas} (best of {REPEATS} fresh interpreters)")
    columns = ("function", "import", "import + build", "CPU: import", "CPU: + build", "zip")
    for column in columns:
        table.add_column(column, justify="right")
    for function in functions(lambdas):
        try:
            figures: dict[str, Any] = measure(function, lambdas=lambdas)
        except subprocess.CalledProcessError as error:
            table.add_row(function, "failed", error.stderr.strip().splitlines()[-1][:40], "")
            continue
        table.add_row(
            function,
            _ms(figures.get("importtime_s")),
            _ms(figures.get("import_build_s")),
            _ms(figures.get("cpu_import_s")),
            _ms(figures.get("cpu_import_build_s")),
            f"{sizes.get(function, 0) / 1024:.1f} KiB",
        )
    Console().print(table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--lambdas", type=Path, default=LAMBDAS, help="a lambdas/ directory")
    arguments = parser.parse_args()
    if arguments.child:
        _child(arguments.child)
    else:
        main(arguments.lambdas.resolve())
