"""``preflight``: read-only checks of an env's AWS account before its first plan.

The table (check, found, verdict, what to do) goes to stderr; ``--json`` also writes the findings
to stdout. Exit 1 when a check failed, 0 otherwise (warnings and skips included).
"""

from __future__ import annotations

import json

import click
from rich.table import Table

from artificien_infra.commands.common import Command, context, env_option, err
from artificien_infra.core import preflight as checks
from artificien_infra.core.deploy import endpoint_for

# How the public DNS is asked for a domain's NS records; tests put a stub here.
resolve_name_servers = checks.public_name_servers

_STYLE = {
    checks.Verdict.PASS: "green",
    checks.Verdict.FAIL: "red",
    checks.Verdict.WARN: "yellow",
    checks.Verdict.SKIP: "dim",
}


def render(env: str, findings: list[checks.Finding]) -> Table:
    table = Table(title=f"Preflight of {env}", title_justify="left")
    for column in ("check", "found", "verdict", "what to do"):
        table.add_column(column, overflow="fold")
    for f in findings:
        style = _STYLE[f.verdict]
        table.add_row(f.check, f.found, f"[{style}]{f.verdict}[/{style}]", f.fix)
    return table


@click.command(cls=Command)
@env_option
@click.option("--json", "as_json", is_flag=True, help="Also write the findings as JSON to stdout.")
def preflight(env: str, as_json: bool) -> None:
    """Check ENV's AWS account before a plan: account, quotas, DNS, token, images, SES, state.

    Read-only. Exit 1 when a check failed; the table names each fix.
    """
    ctx = context()
    endpoint = endpoint_for(ctx, env)  # an emulator's (local's), None on AWS
    findings = checks.preflight(ctx, env, endpoint_url=endpoint, resolve=resolve_name_servers)
    err.print(render(env, findings))
    counts = checks.tally(findings)
    err.print(f"preflight of {env}: " + ", ".join(f"{n} {v}" for v, n in counts.items()))
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in findings], indent=2))
    checks.require_no_failure(env, findings)
