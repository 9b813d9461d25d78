"""Console entry point ``artificien-infra``: thin commands over importable functions.

Diagnostics and progress go to stderr; machine-readable output (outputs --json, local status) to
stdout. Exit codes: 0 success (plan/drift: nothing to do), 2 changes found, 1 error.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from collections.abc import Callable

import click
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.table import Table

from artificien_infra import checks, deploy, docs, local, packaging, state
from artificien_infra.config import ENVIRONMENTS, LOCAL, ConfigError, Context
from artificien_infra.files import write_atomic
from artificien_infra.nodes_cli import nodes
from artificien_infra.redact import MARK
from artificien_infra.sample_data_cli import sample_data
from artificien_infra.summary import DRIFT_COLUMNS, PlanSummary, render
from artificien_infra.terraform import TerraformError

err = Console(stderr=True, highlight=False)
EXIT_CHANGES = 2
TRIGGERS = "triggers"

env_option = click.option(
    "--env",
    "env",
    type=click.Choice(ENVIRONMENTS),
    default=LOCAL,
    show_default=True,
    help="Environment: selects the workspace, var-file and backend together.",
)


def handled(func: Callable) -> Callable:
    """Turn expected failures into one clear line on stderr and exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (ConfigError, TerraformError) as error:
            err.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
            sys.exit(1)
        except (ClientError, BotoCoreError) as error:
            err.print(f"[red]AWS error:[/red] {error}")
            sys.exit(1)

    return wrapper


def context() -> Context:
    ctx = click.get_current_context()
    if ctx.obj is None:
        ctx.obj = Context.create()
    return ctx.obj


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="artificien-infra")
def main() -> None:
    """Deploy and operate the Artificien platform (Terraform + local AWS emulator)."""


# package ------------------------------------------------------------------------------------


@main.command()
@handled
def package() -> None:
    """Build reproducible Lambda zips into build/lambdas/ (no-op when nothing changed)."""
    ctx = context()
    results = packaging.package_all(ctx.paths)
    table = Table(title="Lambda packages", title_justify="left")
    for column in ("function", "size", "sha256 (base64)", "status"):
        table.add_column(column)
    for r in results:
        status = "[green]built[/green]" if r.rebuilt else "unchanged"
        table.add_row(
            r.artifact.function,
            f"{r.artifact.size:,} B",
            r.artifact.source_code_hash[:16] + "…",
            status,
        )
    err.print(table)


# plan / apply / destroy -----------------------------------------------------------------------


@main.command()
@env_option
@click.option("--component", help="Plan only this module of the composition (e.g. dynamodb).")
@handled
def plan(env: str, component: str | None) -> None:
    """Plan ENV into build/ENV.tfplan (+ .json). Exit 0: no changes, 2: changes, 1: error."""
    outcome = deploy.plan(context(), env, component=component)
    render(outcome.summary, f"Plan for {env}" + (f" ({component})" if component else ""), err)
    err.print(f"saved plan: {outcome.plan_file}")
    sys.exit(EXIT_CHANGES if outcome.has_changes else 0)


def _confirmer(env: str, yes: bool, confirm_env: str | None, action: str):
    def confirm(summary: PlanSummary) -> bool:
        render(summary, f"{action.capitalize()} {env}", err)
        if env == LOCAL:
            return True
        if env == "prod":
            typed = confirm_env
            if typed is None:
                if not sys.stdin.isatty():
                    raise ConfigError(
                        f"{action} on prod needs the env name typed, or --confirm-env prod"
                    )
                typed = click.prompt(f"Type the environment name to {action} it", err=True)
            return typed == env
        return yes or click.confirm(f"{action.capitalize()} {env}?", err=True, default=False)

    return confirm


@main.command()
@env_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (dev/staging).")
@click.option(
    "--confirm-env", metavar="NAME", help="Type-ahead of the env name that prod requires."
)
@handled
def apply(env: str, yes: bool, confirm_env: str | None) -> None:
    """Apply exactly the saved plan of ENV (refuses a missing or stale plan)."""
    summary = deploy.apply(context(), env, confirm=_confirmer(env, yes, confirm_env, "apply"))
    totals = summary.totals
    err.print(
        f"[green]applied[/green] {env}: {totals['add']} added, {totals['change']} changed, "
        f"{totals['replace']} replaced, {totals['destroy']} destroyed"
    )


@main.command()
@env_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (dev/staging).")
@click.option(
    "--confirm-env", metavar="NAME", help="Type-ahead of the env name that prod requires."
)
@click.option("--allow-prod-destroy", is_flag=True, help="Needed, with --confirm-env, for prod.")
@handled
def destroy(env: str, yes: bool, confirm_env: str | None, allow_prod_destroy: bool) -> None:
    """Plan and apply the destruction of everything in ENV."""
    ctx = context()
    if env == "prod" and not allow_prod_destroy:
        raise ConfigError("refusing to destroy prod without --allow-prod-destroy")
    deploy.plan(ctx, env, destroy=True)
    deploy.apply(ctx, env, destroy=True, confirm=_confirmer(env, yes, confirm_env, "destroy"))
    err.print(f"[green]destroyed[/green] {env}")


@main.command()
@env_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")
@click.option("--show-sensitive", is_flag=True, help="Print sensitive values instead of masking.")
@handled
def outputs(env: str, as_json: bool, show_sensitive: bool) -> None:
    """Print the Terraform outputs of ENV (sensitive values masked unless asked)."""
    raw = deploy.outputs(context(), env)
    values = {
        name: (item["value"] if show_sensitive or not item.get("sensitive") else MARK)
        for name, item in sorted(raw.items())
    }
    if as_json:
        click.echo(json.dumps(values, indent=2, sort_keys=True))
        return
    table = Table(title=f"Outputs of {env}", title_justify="left")
    table.add_column("output")
    table.add_column("value", overflow="fold")
    for name, value in values.items():
        shown = value if isinstance(value, str) else json.dumps(value)
        table.add_row(name, shown)
    Console().print(table)


# checks ---------------------------------------------------------------------------------------


@main.command()
@click.option("--only", type=click.Choice(checks.STEPS), multiple=True, help="Run only these.")
@click.option("--module", "module", help="With --only test: one module's terraform tests.")
@click.option(
    "--plan-env",
    type=click.Choice(ENVIRONMENTS),
    help="Also scan build/ENV.tfplan.json (checkov) and lint its IAM policies (iam).",
)
@click.option("--reports", is_flag=True, help="Write checkov SARIF/JUnit/JSON into build/reports/.")
@handled
def check(only: tuple[str, ...], module: str | None, plan_env: str | None, reports: bool) -> None:
    """fmt -check, validate, terraform test (every module with tests), checkov, IAM lint."""
    ctx = context()
    steps = only or checks.STEPS
    results: list[checks.StepResult] = []
    if "fmt" in steps:
        results.append(checks.check_fmt(ctx))
    if "validate" in steps:
        results.append(checks.check_validate(ctx))
    if "test" in steps:
        results.extend(checks.check_tests(ctx, only=module))
    if "docs" in steps:
        stale = docs.sync_all(ctx.paths.root, check=True)
        names = ", ".join(str(p.relative_to(ctx.paths.root)) for p in stale)
        detail = f"out of date (run `artificien-infra docs`): {names}" if stale else "up to date"
        results.append(checks.StepResult("docs", not stale, detail))
    if "checkov" in steps:
        plan_json = ctx.paths.plan_json(plan_env) if plan_env else None
        formats = ("json", "sarif", "junitxml") if reports else ()
        results.extend(checks.check_checkov(ctx, plan_json=plan_json, output_files=formats))
    if "iam" in steps:
        results.extend(checks.check_iam(ctx, plan_env))
    table = Table(title="Checks", title_justify="left")
    for column in ("check", "result", "detail"):
        table.add_column(column, overflow="fold")
    for r in results:
        counts = ", ".join(f"{k} {v}" for k, v in r.counts.items() if v) if r.counts else ""
        mark = "[green]ok[/green]" if r.ok else "[red]FAILED[/red]"
        first = r.detail.splitlines()[0] if r.detail and r.ok else ""
        table.add_row(r.name, mark, counts or first)
    err.print(table)
    failed = [r for r in results if not r.ok]
    for r in failed:
        err.print(f"[red]{r.name}[/red]:\n{r.detail}", markup=True, highlight=False)
    sys.exit(1 if failed else 0)


@main.command()
@env_option
@handled
def drift(env: str) -> None:
    """Report resources changed outside Terraform. Exit 0: none, 2: drift, 1: error."""
    summary = deploy.drift(context(), env)
    render(summary, f"Drift in {env}", err, columns=DRIFT_COLUMNS)
    for component in sorted(summary.addresses):
        for line in summary.addresses[component]:
            err.print(f"  {line}")
    sys.exit(EXIT_CHANGES if summary.has_changes else 0)


@main.command("docs")
@click.option("--check", "check_only", is_flag=True, help="Only report out-of-date READMEs.")
@handled
def docs_command(check_only: bool) -> None:
    """Regenerate the inputs/outputs tables of every modules/<m>/README.md."""
    ctx = context()
    stale = docs.sync_all(ctx.paths.root, check=check_only)
    names = ", ".join(str(p.relative_to(ctx.paths.root)) for p in stale)
    if check_only and stale:
        err.print(f"[red]out of date:[/red] {names}: run `artificien-infra docs`")
        sys.exit(1)
    err.print(f"updated: {names}" if stale else "docs are up to date")


@main.command()
@handled
def diagram() -> None:
    """Write docs/architecture.dot from the composition and render .svg and .png (Graphviz)."""
    ctx = context()
    dot = ctx.paths.root / "docs" / "architecture.dot"
    dot.parent.mkdir(parents=True, exist_ok=True)
    dot.write_text(docs.diagram_dot(ctx.paths.root))
    for path in docs.render_diagram(dot):
        err.print(f"wrote {path.relative_to(ctx.paths.root)}")


# local environment ------------------------------------------------------------------------------


@main.group(name="local")
def local_group() -> None:
    """The local AWS emulator and the background helpers of the local env."""


@local_group.command("up")
@handled
def local_up() -> None:
    """Start the emulator on loopback (no-op when it runs); prints its URL on stdout."""
    url, started = local.up(context())
    err.print(f"emulator {'started' if started else 'already running'} at {url}")
    click.echo(url)


@local_group.command("down")
@handled
def local_down() -> None:
    """Stop everything the project started in the background (the emulator forgets all)."""
    stopped = local.stop_all(context())
    err.print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


@local_group.command("status")
@handled
def local_status() -> None:
    """Print the emulator's URL on stdout; exit 1 when it is not running."""
    url = local.status(context())
    if url is None:
        err.print("the emulator is not running (make local-up)")
        sys.exit(1)
    click.echo(url)


# Outputs the trigger runner needs; none is sensitive.
TRIGGER_OUTPUTS = (
    "dataset_table_name",
    "dataset_table_stream_arn",
    "sample_data_bucket_name",
    "sample_data_environment",
    "sample_data_event_filter_pattern",
)


@local_group.command("triggers")
@click.option("--background", is_flag=True, help="Run detached; `local down` stops it.")
@click.option("--once", is_flag=True, help="Deliver what is in the stream now, then exit.")
@click.option("--stop", is_flag=True, help="Stop the background runner (before a destroy).")
@handled
def local_triggers(background: bool, once: bool, stop: bool) -> None:
    """Feed the dataset stream to the sample-data handler, as Lambda would (the emulator runs
    no Lambda code)."""
    ctx = context()
    if stop:
        err.print("trigger runner stopped" if local.stop(ctx, TRIGGERS) else "no trigger runner")
        return
    url = deploy.endpoint_for(ctx, LOCAL)
    values = deploy.read_outputs(LOCAL, ctx)
    missing = [name for name in TRIGGER_OUTPUTS if name not in values]
    if missing:
        raise ConfigError(f"outputs {', '.join(missing)} are missing: run `make apply` first")
    ctx.paths.local_dir.mkdir(parents=True, exist_ok=True)
    outputs_file = ctx.paths.local_dir / "triggers-outputs.json"
    outputs_file.write_text(json.dumps({k: values[k] for k in TRIGGER_OUTPUTS}, indent=2))
    argv = [sys.executable, "-m", "artificien_infra.triggers", "--endpoint-url", url,
            "--outputs-json", str(outputs_file),
            "--state-file", str(ctx.paths.local_dir / "triggers-positions.json")]  # fmt: skip
    if background:
        local.stop(ctx, TRIGGERS)  # restart: the outputs may have changed with this apply
        proc = local.spawn(ctx, TRIGGERS, argv)
        err.print(f"trigger runner running (pid {proc.pid}, log {proc.log})")
        return
    if once:
        argv.append("--once")
    sys.exit(subprocess.call(argv))  # noqa: S603 - our own module, fixed argv


# remote state -----------------------------------------------------------------------------------


@main.command()
@click.option(
    "--env",
    "env",
    type=click.Choice([e for e in ENVIRONMENTS if e != LOCAL]),
    required=True,
    help="The real environment to prepare.",
)
@click.option("--region", required=True, help="Region of the state bucket.")
@click.option("--profile", help="AWS credentials profile (e.g. prod in its own account).")
@click.option("--bucket", help="State bucket name (default artificien-tfstate-<account>-<region>).")
@handled
def bootstrap(env: str, region: str, profile: str | None, bucket: str | None) -> None:
    """Create the remote-state bucket of ENV and write terraform/envs/ENV.backend.hcl."""
    ctx = context()
    session = state.session(profile, region)
    account = session.client("sts").get_caller_identity()["Account"]
    name = bucket or state.state_bucket_name(account, region)
    created = state.ensure_state_bucket(session.client("s3"), name, region)
    path = ctx.paths.backend_hcl(env)
    write_atomic(path, state.backend_hcl(name, region, profile=profile))
    err.print(f"state bucket {name} {'created' if created else 'checked'}; wrote {path}")


# Commands that live next to the code they drive.
main.add_command(sample_data)
main.add_command(nodes)
