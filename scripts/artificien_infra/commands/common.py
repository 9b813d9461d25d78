"""What every command shares: the stderr console, the ``--env`` option and the run context."""

from __future__ import annotations

import sys
from typing import Any

import click
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console

from artificien_infra.core.config import ENVIRONMENTS, LOCAL, Context
from artificien_infra.errors import UserError

err = Console(stderr=True, highlight=False)
EXIT_CHANGES = 2

env_option = click.option(
    "--env",
    "env",
    type=click.Choice(ENVIRONMENTS),
    default=LOCAL,
    show_default=True,
    help="Environment: selects the workspace, var-file and backend together.",
)


def _message(error: BaseException) -> str:
    return "; ".join([str(error), *getattr(error, "__notes__", [])])


class _MapsErrors:
    """The one place where an expected failure becomes one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except UserError as error:
            err.print(
                f"[red]error:[/red] {_message(error)}", markup=True, highlight=False, soft_wrap=True
            )
            sys.exit(1)
        except (ClientError, BotoCoreError) as error:
            err.print(
                f"[red]AWS error:[/red] {_message(error)}",
                markup=True,
                highlight=False,
                soft_wrap=True,
            )
            sys.exit(1)


class Group(_MapsErrors, click.Group):
    """A command group whose commands' errors are mapped (the root, and groups run alone)."""


class Command(_MapsErrors, click.Command):
    """A command whose errors are mapped when it runs on its own (tests, ``python -m``)."""


def context() -> Context:
    """The run's :class:`Context`, created once per command line."""
    ctx = click.get_current_context()
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Context.create()
    return root.obj
