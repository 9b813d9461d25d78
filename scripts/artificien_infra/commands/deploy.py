"""``package``, ``plan``, ``apply``, ``destroy``, ``outputs``, ``drift`` and ``bootstrap``.

Diagnostics and progress go to stderr; machine-readable output (``outputs --json``) to stdout.
Exit codes: 0 success (plan/drift: nothing to do), 2 changes found, 1 error.
"""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.table import Table

from artificien_infra.commands import destroy_nodes
from artificien_infra.commands.common import EXIT_CHANGES, context, env_option, err
from artificien_infra.core import deploy, github_oidc, packaging, state, teardown
from artificien_infra.core.config import ENVIRONMENTS, LOCAL, ConfigError, Context
from artificien_infra.core.files import write_atomic
from artificien_infra.core.redact import MARK
from artificien_infra.core.summary import DRIFT_COLUMNS, PlanSummary, render


@click.group()
def commands() -> None:
    """Holder of this module's commands; ``artificien_infra.cli`` adds them to the root."""


@commands.command()
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


@commands.command()
@env_option
@click.option("--component", help="Plan only this module of the composition (e.g. dynamodb).")
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


@commands.command()
@env_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (dev/staging).")
@click.option(
    "--confirm-env", metavar="NAME", help="Type-ahead of the env name that prod requires."
)
def apply(env: str, yes: bool, confirm_env: str | None) -> None:
    """Apply exactly the saved plan of ENV (refuses a missing or stale plan)."""
    summary = deploy.apply(context(), env, confirm=_confirmer(env, yes, confirm_env, "apply"))
    totals = summary.totals
    err.print(
        f"[green]applied[/green] {env}: {totals['add']} added, {totals['change']} changed, "
        f"{totals['replace']} replaced, {totals['destroy']} destroyed"
    )


@commands.command()
@env_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (dev/staging).")
@click.option(
    "--confirm-env", metavar="NAME", help="Type-ahead of the env name that prod requires."
)
@click.option("--allow-prod-destroy", is_flag=True, help="Needed, with --confirm-env, for prod.")
def destroy(env: str, yes: bool, confirm_env: str | None, allow_prod_destroy: bool) -> None:
    """Plan and apply the destruction of everything in ENV.

    Its PyGrid nodes go first, once the destroy is confirmed (non-prod); prod refuses while
    any runs: stop them with `nodes down --all --env prod`.
    """
    ctx = context()
    if env == "prod" and not allow_prod_destroy:
        raise ConfigError("refusing to destroy prod without --allow-prod-destroy")
    teardown.destroy(
        ctx,
        env,
        confirm=_confirmer(env, yes, confirm_env, "destroy"),
        nodes_for=lambda outputs: destroy_nodes.nodes_for(ctx, env, outputs),
    )
    err.print(f"[green]destroyed[/green] {env}")


@commands.command()
@env_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")
@click.option("--show-sensitive", is_flag=True, help="Print sensitive values instead of masking.")
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


@commands.command()
@env_option
def drift(env: str) -> None:
    """Report resources changed outside Terraform. Exit 0: none, 2: drift, 1: error."""
    summary = deploy.drift(context(), env)
    render(summary, f"Drift in {env}", err, columns=DRIFT_COLUMNS)
    for component in sorted(summary.addresses):
        for line in summary.addresses[component]:
            err.print(f"  {line}")
    sys.exit(EXIT_CHANGES if summary.has_changes else 0)


@commands.command()
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
@click.option(
    "--principal",
    "principals",
    multiple=True,
    metavar="ARN",
    help="IAM role or user that may read and write the state (repeat for several). Default: the "
    "caller's own role or user. The account root is always admitted; a list that leaves the "
    "caller out is refused.",
)
@click.option(
    "--github-repository",
    metavar="OWNER/REPO",
    help="Also let this GitHub repository's workflows in, without keys: the account's OIDC "
    "provider and ENV's plan and apply roles (modules/github_oidc).",
)
def bootstrap(
    env: str,
    region: str,
    profile: str | None,
    bucket: str | None,
    principals: tuple[str, ...],
    github_repository: str | None,
) -> None:
    """Create or update ENV's state bucket and its own KMS key; write ENV.backend.hcl.

    The bucket admits only the named principals, the GitHub roles (each to its own env's state)
    and the account root, over TLS only; a re-run replaces both policies with the principals
    given then.
    """
    ctx = context()
    repository = github_oidc.parse_repository(github_repository) if github_repository else None
    clients = state.Clients.from_session(state.session(profile, region))
    real_envs = [e for e in ENVIRONMENTS if e != LOCAL]
    github_envs = state.existing_github_envs(clients.iam, real_envs)
    if repository:
        github_envs = [e for e in real_envs if e in github_envs or e == env]
    provider = github_oidc.find_oidc_provider(clients.iam) if repository else None
    done = state.bootstrap(
        clients, region, bucket=bucket, principals=principals, github_envs=github_envs
    )
    path = ctx.paths.backend_hcl(env)
    write_atomic(
        path, state.backend_hcl(done.bucket, region, profile=profile, kms_key_id=done.key_arn)
    )
    lines = [
        f"state bucket {done.bucket} {'created' if done.bucket_created else 'updated'}",
        f"key {done.key_arn} {'created' if done.key_created else 'updated'} (rotation on)",
        f"admitted: {', '.join([*done.principals, 'the account root'])} (TLS only)",
        f"wrote {path}",
    ]
    if github_envs:
        lines.append(f"GitHub roles admitted to their own state: {', '.join(github_envs)}")
    if repository:
        lines += _github_setup(ctx, clients, env, region, repository, done, provider, profile)
    for line in lines:
        err.print(line, soft_wrap=True)


def _github_setup(
    ctx: Context,
    clients: state.Clients,
    env: str,
    region: str,
    repository: str,
    done: state.Bootstrapped,
    provider: dict | None,
    profile: str | None,
) -> list[str]:
    """The GitHub part of bootstrap, after the state: what it made, and what to do next."""
    made = github_oidc.setup(
        ctx, clients.iam, env, region, repository, done, existing_provider=provider, profile=profile
    )
    variable = "AWS_PROD_ACCOUNT_ID (prod in an account of its own) or AWS_ACCOUNT_ID"
    return [
        f"GitHub OIDC provider {made.provider.arn} {made.provider.status}",
        f"workspace {env} ready (the plan role never writes the state)",
        f"plan role {made.roles.plan_role_arn} ({repository}: pull requests and main)",
        f"apply role {made.roles.apply_role_arn} ({repository}: GitHub environment {env} only)",
        f"next: commit {ctx.paths.backend_hcl(env).relative_to(ctx.paths.root)}, set the "
        f"repository variable {variable if env == 'prod' else 'AWS_ACCOUNT_ID'} = {made.account}"
        f", and give the GitHub environment {env} its required reviewers (README)",
    ]
