"""The one base of every failure the operator can act on.

Raise a subclass (or ``UserError`` itself) with a message that names what is wrong and what to
run next; ``artificien_infra.cli`` prints it as one line on stderr and exits 1, never a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure with a message for the operator: bad input, missing state, a refused action."""
