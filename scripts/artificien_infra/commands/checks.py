"""``check``, ``docs`` and ``diagram``: the static gates and the generated docs."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from artificien_infra.commands.common import context, err
from artificien_infra.core import checks, docs
from artificien_infra.core.config import ENVIRONMENTS


@click.group()
def commands() -> None:
    """Holder of this module's commands; ``artificien_infra.cli`` adds them to the root."""


@commands.command()
@click.option(
    "--only",
    type=click.Choice(checks.STEPS + checks.EXTRA_STEPS),
    multiple=True,
    help="Run only these (checkov-plan: only the plan scan of --plan-env).",
)
@click.option("--module", "module", help="With --only test: one module's terraform tests.")
@click.option(
    "--plan-env",
    type=click.Choice(ENVIRONMENTS),
    help="Also scan build/ENV.tfplan.json (checkov) and lint its IAM policies (iam).",
)
@click.option("--reports", is_flag=True, help="Write checkov SARIF/JUnit/JSON into build/reports/.")
def check(only: tuple[str, ...], module: str | None, plan_env: str | None, reports: bool) -> None:
    """fmt -check, validate, terraform test (every module with tests), checkov, IAM lint,
    actionlint (the GitHub workflows)."""
    steps = only or checks.STEPS
    if "checkov-plan" in steps and plan_env is None:
        raise click.UsageError("--only checkov-plan scans a plan: give --plan-env")
    ctx = context()
    formats = ("json", "sarif", "junitxml") if reports else ()
    results: list[checks.StepResult] = []
    if "fmt" in steps:
        results += checks.timed(lambda: checks.check_fmt(ctx))
    if "validate" in steps:
        results += checks.timed(lambda: checks.check_validate(ctx))
    if "test" in steps:
        results += checks.check_tests(ctx, only=module)
    if "docs" in steps:
        results += checks.timed(lambda: _docs_step(ctx))
    if "actionlint" in steps:
        results += checks.timed(lambda: checks.check_actionlint(ctx))
    if "checkov" in steps:
        plan_json = ctx.paths.plan_json(plan_env) if plan_env else None
        results += checks.check_checkov(ctx, plan_json=plan_json, output_files=formats)
    elif "checkov-plan" in steps:  # with checkov, the plan is scanned there already
        results += checks.check_checkov(
            ctx, plan_json=ctx.paths.plan_json(plan_env), output_files=formats, directories=False
        )
    if "iam" in steps:
        results += checks.timed(lambda: checks.check_iam(ctx, plan_env))
    table = Table(title="Checks", title_justify="left")
    for column in ("check", "result", "time", "detail"):
        table.add_column(column, overflow="fold", justify="right" if column == "time" else "left")
    for r in results:
        counts = ", ".join(f"{k} {v}" for k, v in r.counts.items() if v) if r.counts else ""
        mark = "[green]ok[/green]" if r.ok else "[red]FAILED[/red]"
        first = r.detail.splitlines()[0] if r.detail and r.ok else ""
        seconds = f"{r.seconds:.1f} s" if r.seconds is not None else ""
        table.add_row(r.name, mark, seconds, counts or first)
    err.print(table)
    failed = [r for r in results if not r.ok]
    for r in failed:
        err.print(f"[red]{r.name}[/red]:\n{r.detail}", markup=True, highlight=False)
    sys.exit(1 if failed else 0)


def _docs_step(ctx) -> checks.StepResult:
    stale = docs.sync_all(ctx.paths.root, check=True)
    names = ", ".join(str(p.relative_to(ctx.paths.root)) for p in stale)
    detail = f"out of date (run `artificien-infra docs`): {names}" if stale else "up to date"
    return checks.StepResult("docs", not stale, detail)


@commands.command("docs")
@click.option("--check", "check_only", is_flag=True, help="Only report out-of-date READMEs.")
def docs_command(check_only: bool) -> None:
    """Regenerate the inputs/outputs tables of every modules/<m>/README.md."""
    ctx = context()
    stale = docs.sync_all(ctx.paths.root, check=check_only)
    names = ", ".join(str(p.relative_to(ctx.paths.root)) for p in stale)
    if check_only and stale:
        err.print(f"[red]out of date:[/red] {names}: run `artificien-infra docs`")
        sys.exit(1)
    err.print(f"updated: {names}" if stale else "docs are up to date")


@commands.command()
def diagram() -> None:
    """Write docs/architecture.dot from the composition and render .svg and .png (Graphviz)."""
    ctx = context()
    dot = ctx.paths.root / "docs" / "architecture.dot"
    dot.parent.mkdir(parents=True, exist_ok=True)
    dot.write_text(docs.diagram_dot(ctx.paths.root))
    for path in docs.render_diagram(dot):
        err.print(f"wrote {path.relative_to(ctx.paths.root)}")
