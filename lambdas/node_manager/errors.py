"""Every error the node manager reports to its caller; the handler maps each to a status code."""

from __future__ import annotations


class NodeError(Exception):
    """Base of the node manager's own errors."""


class InvalidAppIdError(NodeError):
    """The app id cannot name a node (empty or not a string, or too long to tag)."""


class UnknownAppError(NodeError):
    """No dataset item (and, for down/status, no node) exists for the app."""


class SlugCollisionError(NodeError):
    """Two app ids map to the same DNS label."""


class NodeNotStableError(NodeError):
    """The node's service did not become stable within the timeout."""


class BadRequestError(NodeError):
    """The function's event is not a valid request."""


class NodeBusyError(NodeError):
    """Another up, down or reconcile of the same app holds its lock; retry once it is done."""


class DatabaseRoleError(NodeError):
    """The role function refused or failed to make (or take away) a node's database role."""
