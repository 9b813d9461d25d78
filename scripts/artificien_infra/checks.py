"""The static gates: terraform fmt, validate, module tests, and the checkov policy scan.

The checkov gate fails closed: a crash, unreadable output, or a scan that ran no check is a
failure, never a pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from artificien_infra.config import ConfigError, Context
from artificien_infra.terraform import Terraform

STEPS = ("fmt", "validate", "docs", "test", "checkov")


@dataclass
class StepResult:
    name: str
    ok: bool
    detail: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def modules_with_tests(ctx: Context) -> list[Path]:
    return sorted(
        d for d in ctx.paths.modules.iterdir() if d.is_dir() and any(d.glob("tests/*.tftest.hcl"))
    )


def check_fmt(ctx: Context) -> StepResult:
    tf = _tf(ctx, ctx.paths.root, "fmt")
    result = tf.fmt_check("terraform", "modules")
    files = [line for line in result.stdout.splitlines() if line.strip()]
    if result.returncode == 0:
        return StepResult("fmt", True, "all files formatted")
    detail = "not formatted (run `terraform fmt -recursive`): " + ", ".join(files)
    return StepResult("fmt", False, detail if files else result.stderr.strip())


def check_validate(ctx: Context) -> StepResult:
    tf = _tf(ctx, ctx.paths.terraform, "validate")
    tf.init(backend_config=None)
    result = tf.validate()
    return StepResult("validate", result.returncode == 0, (result.stdout + result.stderr).strip())


def _module_test(ctx: Context, module: Path) -> StepResult:
    tf = _tf(ctx, module, f"modules/{module.name}")
    # modules are not root configurations: their lock files are git-ignored
    tf.init(backend_config=None)
    result = tf.test()
    text = (result.stdout + result.stderr).strip()
    if result.returncode == 0:
        summary = next((ln for ln in reversed(text.splitlines()) if "passed" in ln), "")
        return StepResult(f"test {module.name}", True, summary)
    return StepResult(f"test {module.name}", False, _test_failures(text))


def _test_failures(text: str) -> str:
    """The failed runs and their error headlines, not the (often huge) values around them."""
    lines = text.splitlines()
    keep = [ln for ln in lines if ln.lstrip().startswith("run ") and ln.rstrip().endswith("fail")]
    for index, line in enumerate(lines):
        if line.startswith("Error:"):
            keep += [ln for ln in lines[index : index + 4] if len(ln) < 300]
    keep += [ln for ln in lines if ln.startswith(("Success!", "Failure!"))]
    return "\n".join(keep) or text[-3000:]


def check_tests(ctx: Context, only: str | None = None) -> list[StepResult]:
    modules = modules_with_tests(ctx)
    if only:
        modules = [m for m in modules if m.name == only]
        if not modules:
            raise ConfigError(f"module {only!r} has no tests/*.tftest.hcl")
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda m: _module_test(ctx, m), modules))


def checkov_binary(ctx: Context) -> str:
    explicit = os.environ.get("ARTIFICIEN_CHECKOV")
    candidates = [explicit] if explicit else []
    candidates += [str(ctx.paths.root / ".tools" / "checkov" / "bin" / "checkov"), "checkov"]
    for candidate in candidates:
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    raise ConfigError("checkov is not installed: run `make setup`")


def _json_documents(text: str) -> list[dict]:
    """checkov prints one JSON document per scanned directory (or a list): read them all."""
    decoder = json.JSONDecoder()
    documents: list[dict] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            break
        data, index = decoder.raw_decode(text, index)
        documents.extend(data if isinstance(data, list) else [data])
    if not documents:
        raise ValueError("empty checkov output")
    return documents


def parse_checkov(stdout: str) -> dict[str, int]:
    """Sum checkov's JSON summary over every report it printed; raises on anything else."""
    reports = _json_documents(stdout)
    totals = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0}
    for report in reports:
        summary = report.get("summary")
        if summary is None:
            raise ValueError("no summary in checkov output")
        for key in totals:
            totals[key] += int(summary.get(key, 0))
    return totals


def run_checkov(
    ctx: Context,
    args: list[str],
    label: str,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
    output_files: tuple[str, ...] = (),
) -> StepResult:
    cmd = [checkov_binary(ctx), *args, "--framework", "terraform", "terraform_plan"]
    cmd += ["--quiet", "--compact", "--skip-download"]
    formats = tuple(dict.fromkeys(("json", *output_files)))
    for fmt in formats:
        cmd += ["--output", fmt]
    reports_dir = None
    if output_files:
        # CI artifacts: every format written to files (SARIF for code scanning, JUnit for CI)
        reports_dir = ctx.paths.reports / f"checkov-{label}"
        shutil.rmtree(reports_dir, ignore_errors=True)  # never read a previous run's verdict
        cmd += ["--output-file-path", str(reports_dir)]
    # BC_SKIP_MAPPING: no attempt to fetch guideline links from the vendor's API (offline CI)
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    result = run(cmd, capture_output=True, text=True, check=False, cwd=ctx.paths.root, env=env)
    try:
        counts = parse_checkov(result.stdout) if not output_files else _read_reports(reports_dir)
    except (ValueError, json.JSONDecodeError, OSError) as err:
        tail = (result.stderr or result.stdout or "").strip()[-2000:]
        return StepResult(f"checkov {label}", False, f"unreadable checkov result ({err}): {tail}")
    if counts["passed"] + counts["failed"] == 0:
        return StepResult(f"checkov {label}", False, "checkov ran no check", counts)
    if counts["parsing_errors"]:
        return StepResult(f"checkov {label}", False, "checkov could not parse files", counts)
    ok = counts["failed"] == 0 and result.returncode == 0
    detail = "" if ok else _failed_checks(result.stdout, reports_dir)
    return StepResult(f"checkov {label}", ok, detail, counts)


def _read_reports(reports_dir: Path | None) -> dict[str, int]:
    assert reports_dir is not None
    return parse_checkov((reports_dir / "results_json.json").read_text())


def _failed_checks(stdout: str, reports_dir: Path | None) -> str:
    try:
        text = (reports_dir / "results_json.json").read_text() if reports_dir else stdout
        reports = _json_documents(text)
    except (OSError, ValueError):
        return stdout[-2000:]
    lines = []
    for report in reports:
        for failed in report.get("results", {}).get("failed_checks", []):
            lines.append(
                f"{failed['check_id']} {failed['resource']} "
                f"({failed.get('file_path')}:{failed.get('file_line_range', ['?'])[0]}) "
                f"{failed.get('check_name')}"
            )
    return "\n".join(lines)


def check_checkov(
    ctx: Context,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
    plan_json: Path | None = None,
    output_files: tuple[str, ...] = (),
) -> list[StepResult]:
    results = [run_checkov(ctx, ["-d", "terraform", "-d", "modules"], "static", run, output_files)]
    if plan_json is not None and plan_json.is_file():
        results.append(
            run_checkov(
                ctx,
                ["-f", str(plan_json), "--repo-root-for-plan-enrichment", "."],
                "plan",
                run,
                output_files,
            )
        )
    return results


def _tf(ctx: Context, cwd: Path, name: str) -> Terraform:
    return Terraform(ctx=ctx, cwd=cwd, data_dir=ctx.paths.tf_data(f"check/{name}"))
