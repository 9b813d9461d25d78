"""``rehearse``: a real env's configuration applied to a private emulator, re-planned, torn down."""

from __future__ import annotations

import click

from artificien_infra.commands.common import Command, context, err
from artificien_infra.core import rehearse as core
from artificien_infra.core.config import ENVIRONMENTS, LOCAL


@click.command(cls=Command)
@click.option(
    "--env",
    "env",
    type=click.Choice([e for e in ENVIRONMENTS if e != LOCAL]),
    default="prod",
    show_default=True,
    help="The real environment whose configuration is rehearsed.",
)
@click.option("--keep", is_flag=True, help="Leave the emulator running afterwards (debugging).")
def rehearse(env: str, keep: bool) -> None:
    """Apply ENV's configuration to a fresh private emulator, re-plan (must be clean), lift the
    deletion protection in that copy, destroy, and check nothing is left. Never touches AWS or
    ENV's real state. Exit 1 on any fault."""
    result = core.rehearse(context(), env, keep=keep, say=lambda line: err.print(line))
    timings = ", ".join(f"{step} {seconds:.0f} s" for step, seconds in result.seconds.items())
    err.print(f"({timings}; {result.destroyed} destroyed)")
    click.echo(result.summary)
