"""The static gates: terraform fmt, validate, module tests, the checkov policy scan, the IAM
lint of a plan's rendered policy documents (iam_lint.py), and actionlint over the GitHub
workflows.

The checkov and actionlint gates fail closed: a crash, unreadable output, or a scan that ran no
check (no workflow to lint) is a failure, never a pass.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from artificien_infra.core import iam_lint, provider_server
from artificien_infra.core.config import ENVIRONMENTS, ConfigError, Context
from artificien_infra.core.terraform import Terraform
from artificien_infra.errors import UserError

STEPS = ("fmt", "validate", "docs", "test", "checkov", "iam", "actionlint")
# Selectable with --only, never run by default: checkov over a plan JSON alone, without the two
# directory scans that the default run (and `checkov` with --plan-env) does first.
EXTRA_STEPS = ("checkov-plan",)


@dataclass
class StepResult:
    name: str
    ok: bool
    detail: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float | None = None  # wall time, for the table: where a slow gate spends it


def timed(step: Callable[[], StepResult | list[StepResult]]) -> list[StepResult]:
    """Run one gate and give each result it returns the gate's wall time, unless it timed
    itself (module tests time each module in its own process)."""
    started = time.monotonic()
    outcome = step()
    elapsed = time.monotonic() - started
    results = outcome if isinstance(outcome, list) else [outcome]
    return [r if r.seconds is not None else replace(r, seconds=elapsed) for r in results]


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


def _module_test(ctx: Context, module: Path, env: Mapping[str, str]) -> StepResult:
    try:
        return timed(lambda: _run_module_test(ctx, module, env))[0]
    except UserError as error:
        # a failed init is this module's failure, with Terraform's words (it runs in a worker
        # process, and the error itself would reach the parent only as a pickling traceback)
        return StepResult(f"test {module.name}", False, str(error))


def _run_module_test(ctx: Context, module: Path, env: Mapping[str, str]) -> StepResult:
    tf = _tf(ctx, module, f"modules/{module.name}", env)
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
    workers = _test_workers(len(modules))
    if ctx.runner is not None:
        # A fake runner records calls in this process.
        return [_module_test(ctx, module, {}) for module in modules]
    # One provider process serves every module's tests (see provider_server.py): the first
    # module's init installs it.
    first = longest_first(modules)[0]
    _tf(ctx, first, f"modules/{first.name}").init(backend_config=None)
    binary = provider_server.provider_binary(ctx.paths.tf_data(f"check/modules/{first.name}"))
    log = ctx.paths.tf_data("check") / "shared-provider.log"
    with provider_server.shared_provider(binary, log) as reattach:
        env = {provider_server.REATTACH: reattach} if reattach else {}
        if workers == 1:
            return [_module_test(ctx, module, env) for module in modules]
        # Terraform calls swap the process environment (see terraform.py), so modules run in
        # processes of their own rather than threads; results come back in module order.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
            futures = {m: pool.submit(_module_test, ctx, m, env) for m in longest_first(modules)}
            return [futures[module].result() for module in modules]


def _run_blocks(module: Path) -> int:
    return sum(
        len(re.findall(r'^run\s+"', test.read_text(), re.M))
        for test in module.glob("tests/*.tftest.hcl")
    )


def longest_first(modules: list[Path]) -> list[Path]:
    """The modules by their number of run blocks, most first (then by name): in name order the
    heaviest (orchestration, pygrid_*) started last and ran alone while the other workers idled."""
    return sorted(modules, key=lambda module: (-_run_blocks(module), module.name))


def _test_workers(count: int) -> int:
    """How many modules' tests run at once: ``ARTIFICIEN_TEST_WORKERS``, else one per core."""
    raw = os.environ.get("ARTIFICIEN_TEST_WORKERS", "").strip()
    if raw and (not raw.isdigit() or int(raw) < 1):
        raise ConfigError(f"ARTIFICIEN_TEST_WORKERS must be a whole number >= 1: {raw!r}")
    wanted = int(raw) if raw else (os.cpu_count() or 1)
    return max(1, min(wanted, count))


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


def _summarize(reports: list[dict]) -> tuple[dict[str, int], list[dict]]:
    totals = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0}
    failed: list[dict] = []
    for report in reports:
        summary = report.get("summary")
        if summary is None:
            raise ValueError("no summary in checkov output")
        for key in totals:
            totals[key] += int(summary.get(key, 0))
        failed += report.get("results", {}).get("failed_checks", [])
    return totals, failed


# Inline skips on a plan scan ---------------------------------------------------------------------
# checkov maps plan resources back to their source to honour inline skips, but it matches them by
# type and name only; with a resource named `this` in most modules it reads another module's
# comments. The gate resolves each failed resource's address itself, through the module sources.

_SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)\s*:\s*(\S.*)")
_MODULE_SEGMENT = re.compile(r"module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.")


def _module_source(directory: Path, name: str) -> Path | None:
    pattern = re.compile(rf'module\s+"{re.escape(name)}"\s*{{[^}}]*?source\s*=\s*"([^"]+)"', re.S)
    for tf in sorted(directory.glob("*.tf")):
        found = pattern.search(tf.read_text())
        if found:
            return (directory / found.group(1)).resolve()
    return None


def inline_skips(ctx: Context, address: str) -> dict[str, str]:
    """check id -> reason, from the ``checkov:skip`` comments of the resource at ``address``."""
    directory: Path | None = ctx.paths.terraform
    rest = address
    while directory is not None and (segment := _MODULE_SEGMENT.match(rest)):
        directory = _module_source(directory, segment.group(1))
        rest = rest[segment.end() :]
    if directory is None or "." not in rest:
        return {}
    rtype, rname = rest.split(".", 1)
    rname = rname.split("[", 1)[0]
    header = re.compile(rf'^resource\s+"{re.escape(rtype)}"\s+"{re.escape(rname)}"\s*{{')
    for tf in sorted(directory.glob("*.tf")):
        lines = tf.read_text().splitlines()
        for index, line in enumerate(lines):
            if header.match(line):
                body = []
                for inner in lines[index + 1 :]:
                    if inner.startswith("}"):
                        break
                    body.append(inner)
                return {m.group(1): m.group(2) for m in map(_SKIP.search, body) if m}
    return {}


def run_checkov(
    ctx: Context,
    args: list[str],
    label: str,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
    output_files: tuple[str, ...] = (),
    resolve_skips: bool = False,
) -> StepResult:
    name = f"checkov {label}"
    cmd = [checkov_binary(ctx), *args, "--framework", "terraform", "terraform_plan"]
    cmd += ["--quiet", "--compact", "--skip-download"]
    for fmt in dict.fromkeys(("json", *output_files)):
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
        text = (reports_dir / "results_json.json").read_text() if reports_dir else result.stdout
        counts, failed = _summarize(_json_documents(text))
    except (ValueError, OSError) as err:
        tail = (result.stderr or result.stdout or "").strip()[-2000:]
        return StepResult(name, False, f"unreadable checkov result ({err}): {tail}")
    if counts["passed"] + counts["failed"] == 0:
        return StepResult(name, False, "checkov ran no check", counts)
    if counts["parsing_errors"]:
        return StepResult(name, False, "checkov could not parse files", counts)
    if resolve_skips:
        failed = [f for f in failed if f["check_id"] not in inline_skips(ctx, f["resource"])]
        counts["skipped"] += counts["failed"] - len(failed)
        counts["failed"] = len(failed)
    lines = [
        f"{f['check_id']} {f['resource']} ({f.get('file_path')}) {f.get('check_name')}"
        for f in failed
    ]
    ok = not failed and counts["failed"] == 0 and (resolve_skips or result.returncode == 0)
    detail = "\n".join(lines) or ("" if ok else f"checkov exited {result.returncode}")
    return StepResult(name, ok, detail, counts)


def check_checkov(
    ctx: Context,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
    plan_json: Path | None = None,
    output_files: tuple[str, ...] = (),
    directories: bool = True,
) -> list[StepResult]:
    """checkov over terraform/ and modules/ (unless ``directories`` is False), then over
    ``plan_json`` when given."""
    # One run per directory: with several -d in one run, checkov's summaries are not reliably
    # per directory, and the counts in the report would be wrong.
    results = []
    if directories:
        results += [
            *timed(lambda: run_checkov(ctx, ["-d", "terraform"], "terraform", run, output_files)),
            *timed(lambda: run_checkov(ctx, ["-d", "modules"], "modules", run, output_files)),
        ]
    if plan_json is not None and not plan_json.is_file():
        # asked for, but there is nothing to scan: that is a failure, not a pass
        results.append(StepResult("checkov plan", False, f"no plan JSON at {plan_json}"))
    elif plan_json is not None:
        plan_args = ["-f", str(plan_json), "--repo-root-for-plan-enrichment", "."]
        results += timed(
            lambda: run_checkov(ctx, plan_args, "plan", run, output_files, resolve_skips=True)
        )
    return results


def check_iam(
    ctx: Context, plan_env: str | None = None, analyze=iam_lint.parliament_findings
) -> list[StepResult]:
    """parliament over the policy documents of build/ENV.tfplan.json.

    With ``plan_env`` that plan must exist. Without, every env's plan JSON present in build/ is
    linted; with none there is nothing rendered to lint, and the step says so.
    """
    try:
        waivers = iam_lint.load_waivers(ctx.paths.root / iam_lint.EXCEPTIONS_FILE)
    except iam_lint.LintError as err:
        return [StepResult("iam", False, str(err))]
    envs = [plan_env] if plan_env else [e for e in ENVIRONMENTS if ctx.paths.plan_json(e).is_file()]
    if not envs:
        hint = "no plan JSON in build/: run `artificien-infra plan --env E` (or pass --plan-env)"
        return [StepResult("iam", True, f"skipped: {hint}")]
    results: list[StepResult] = []
    for env in envs:
        name = f"iam {env}"
        path = ctx.paths.plan_json(env)
        if not path.is_file():
            detail = f"no plan JSON at {path}: run `artificien-infra plan --env {env}`"
            results.append(StepResult(name, False, detail))
            continue
        try:
            report = iam_lint.lint(iam_lint.read_plan(path), waivers, analyze)
        except iam_lint.LintError as err:
            results.append(StepResult(name, False, str(err)))
            continue
        results.append(_iam_result(name, report))
    return results


def _iam_result(name: str, report: iam_lint.Report) -> StepResult:
    counts = {
        "documents": report.documents,
        "findings": len(report.findings),
        "excepted": len(report.waived),
        "unknown until apply": len(report.unknown),
    }
    if report.documents == 0:
        detail = "the plan renders no policy document"
        if report.unknown:
            detail += f" yet ({len(report.unknown)} known only after apply): lint an applied env"
        return StepResult(name, False, detail, counts)
    lines = [str(f) for f in report.findings]
    lines += [f"unknown until apply: {u}" for u in report.unknown]
    return StepResult(name, report.ok, "\n".join(lines) or "no finding", counts)


# actionlint --------------------------------------------------------------------------------------

WORKFLOWS = Path(".github") / "workflows"


def _tool(name: str, explicit_env: str) -> str | None:
    """``$explicit_env``, else the tool installed beside this Python (the project's .venv), else
    PATH."""
    explicit = os.environ.get(explicit_env)
    if explicit:
        return shutil.which(explicit)
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else shutil.which(name)


def actionlint_binary() -> str:
    found = _tool("actionlint", "ARTIFICIEN_ACTIONLINT")
    if found is None:
        raise ConfigError("actionlint is not installed: run `make setup` (the dev extra has it)")
    return found


def check_actionlint(
    ctx: Context, run: Callable[..., subprocess.CompletedProcess] = subprocess.run
) -> StepResult:
    """actionlint over every workflow, their ``run:`` scripts through shellcheck. Clean means
    exit 0 and nothing reported; no workflow at all is a failure (nothing was checked)."""
    directory = ctx.paths.root / WORKFLOWS
    files = sorted(p for p in directory.glob("*") if p.suffix in (".yml", ".yaml"))
    if not files:
        return StepResult("actionlint", False, f"no workflow to lint in {WORKFLOWS}/")
    shellcheck = _tool("shellcheck", "ARTIFICIEN_SHELLCHECK")
    if shellcheck is None:
        hint = "the workflows' run: scripts would go unchecked (run `make setup`)"
        return StepResult("actionlint", False, f"shellcheck is not installed: {hint}")
    cmd = [actionlint_binary(), "-no-color", "-oneline", f"-shellcheck={shellcheck}"]
    # pyflakes is not a project tool, and no workflow runs Python inline
    cmd += ["-pyflakes=", *(str(f.relative_to(ctx.paths.root)) for f in files)]
    result = run(cmd, capture_output=True, text=True, check=False, cwd=ctx.paths.root)
    problems = [line for line in result.stdout.splitlines() if line.strip()]
    counts = {"workflows": len(files), "problems": len(problems)}
    if result.returncode == 0 and not problems:
        return StepResult("actionlint", True, "clean", counts)
    if result.returncode == 1 or problems:
        return StepResult("actionlint", False, "\n".join(problems), counts)
    detail = f"actionlint exited {result.returncode}: {(result.stderr or '').strip()[-2000:]}"
    return StepResult("actionlint", False, detail, counts)


def _tf(ctx: Context, cwd: Path, name: str, env: Mapping[str, str] | None = None) -> Terraform:
    data_dir = ctx.paths.tf_data(f"check/{name}")
    return Terraform(ctx=ctx, cwd=cwd, data_dir=data_dir, extra_env=dict(env or {}))
