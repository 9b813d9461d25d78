"""Console entry point ``artificien-infra``: the root group that assembles the commands.

Every expected failure is a :class:`~artificien_infra.errors.UserError` (or an AWS error);
``commands.common.Group`` turns it into one line on stderr and exit code 1, never a traceback. The
commands live in ``artificien_infra.commands``; what they drive, in ``core`` and ``local``.
"""

from __future__ import annotations

import click

from artificien_infra.commands import checks, deploy
from artificien_infra.commands.common import Group
from artificien_infra.commands.local import local_group
from artificien_infra.commands.nodes import nodes
from artificien_infra.commands.preflight import preflight
from artificien_infra.commands.rehearse import rehearse
from artificien_infra.commands.sample_data import sample_data


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="artificien-infra")
def main() -> None:
    """Deploy and operate the Artificien platform (Terraform + local AWS emulator)."""


for _module in (deploy, checks):
    for _command in _module.commands.commands.values():
        main.add_command(_command)
main.add_command(local_group)
main.add_command(sample_data)
main.add_command(nodes)
main.add_command(preflight)
main.add_command(rehearse)
