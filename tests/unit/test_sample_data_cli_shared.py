"""`artificien-infra sample-data` as installed: only scripts/ importable, lambdas/ loaded by path,
the shared package included (the generator's config imports it, as in the function's zip)."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

ITEM = {
    "dataset_id": "Shared Check",
    "attributes": ["age", "city"],
    "attributeTypes": ["N", "S"],
    "attributeRangeMins": ["1"],
    "attributeRangeMaxes": ["9"],
    "num_devices": 12,
}


def test_the_preview_runs_without_lambdas_on_the_path(tmp_path):
    # GIVEN a dataset item, and a process whose path has no lambdas/ (no PYTHONPATH, other cwd)
    item = tmp_path / "item.json"
    item.write_text(json.dumps(ITEM))
    out = tmp_path / "sample.csv"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # WHEN the command runs
    result = subprocess.run(
        [sys.executable, "-m", "artificien_infra", "sample-data", str(item), "--out", str(out)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # THEN it writes the item's sample
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(Path(out).read_text().splitlines()))
    assert rows[0] == ["age", "city"]
    assert len(rows) == 1 + 12
