"""The click commands of ``artificien-infra``: thin, each over an importable function.

``artificien_infra.cli`` assembles them and turns every :class:`~artificien_infra.errors.UserError`
into one line on stderr and exit code 1, in one place.
"""
