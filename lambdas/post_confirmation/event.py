"""Validation of the event Cognito sends to a post-confirmation trigger."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    PostConfirmationTriggerEvent,
)

CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"
CONFIRM_FORGOT_PASSWORD = "PostConfirmation_ConfirmForgotPassword"  # noqa: S105 - a trigger name


class MalformedEventError(ValueError):
    """The event is not a post-confirmation event this function can act on."""


@dataclass(frozen=True)
class ConfirmedSignUp:
    """A user who has just confirmed their sign-up."""

    user_pool_id: str
    username: str
    email: str


def _text(container: Mapping[str, Any], key: str, where: str) -> str:
    value = container.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MalformedEventError(f"{where}.{key} must be a non-empty string")
    return value


def parse_event(event: Any) -> ConfirmedSignUp | None:
    """The confirmed sign-up in ``event``, or ``None`` when the trigger needs no action.

    Raises :class:`MalformedEventError` on anything that is not a post-confirmation event with a
    user name and an email address.
    """
    if not isinstance(event, Mapping):
        raise MalformedEventError("event must be a JSON object")
    # Powertools' data class reads the fields by name; presence and types are checked here first,
    # since its properties raise KeyError on a missing field.
    typed = PostConfirmationTriggerEvent(dict(event))
    trigger = _text(typed, "triggerSource", "event")
    if trigger == CONFIRM_FORGOT_PASSWORD:
        return None
    if trigger != CONFIRM_SIGN_UP:
        raise MalformedEventError(f"event.triggerSource {trigger!r} is not a post-confirmation")

    request = typed.get("request")
    if not isinstance(request, Mapping):
        raise MalformedEventError("event.request must be an object")
    attributes = request.get("userAttributes")
    if not isinstance(attributes, Mapping):
        raise MalformedEventError("event.request.userAttributes must be an object")

    email = _text(typed.request.user_attributes, "email", "event.request.userAttributes").strip()
    if "@" not in email:
        raise MalformedEventError("event.request.userAttributes.email is not an email address")
    _text(typed, "userPoolId", "event")
    _text(typed, "userName", "event")
    return ConfirmedSignUp(user_pool_id=typed.user_pool_id, username=typed.user_name, email=email)
