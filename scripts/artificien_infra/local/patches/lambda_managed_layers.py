"""Lambda layers published by another account (the AWS-managed Powertools layer), for moto 5.2.

moto 5.2 resolves every layer ARN of CreateFunction / UpdateFunctionConfiguration against the
layers published in the function's own account and region, and answers ResourceNotFoundException
("One or more LayerVersion does not exist") for anything else. The platform's functions use the
Powertools layer AWS publishes from account 017000801446, which moto cannot know, so Terraform's
apply fails on the emulator. The patch accepts a layer version ARN of *another* account as given
(moto stores no layer content anyway: it never runs the code) and returns it from GetFunction, as
AWS does; an unknown layer of the function's own account is still refused.
"""

import re
from typing import Any

from moto.awslambda.exceptions import UnknownLayerVersionException
from moto.awslambda.models import LambdaFunction

_PATCHED = "_artificien_managed_layers_patched"
_LAYER_VERSION_ARN = re.compile(
    r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(?P<account>[0-9]{12}):layer:[A-Za-z0-9_-]+:[0-9]+$"
)


def _foreign(arn: str, account_id: str) -> bool:
    match = _LAYER_VERSION_ARN.match(arn)
    return bool(match) and match.group("account") != account_id


def register() -> None:
    """Wrap moto's layer lookup so other accounts' layer versions are accepted (idempotent)."""
    if getattr(LambdaFunction, _PATCHED, False):
        return
    original = LambdaFunction._get_layers_data

    def _get_layers_data(self: Any, layers_versions_arns: list[str]) -> list[dict[str, Any]]:
        own = [arn for arn in layers_versions_arns if not _foreign(arn, self.account_id)]
        try:
            resolved = iter(original(self, own))
        except UnknownLayerVersionException:
            # moto's message names every ARN it was given; name all of the caller's.
            raise UnknownLayerVersionException(layers_versions_arns) from None
        # AWS keeps the order the layers were given in: it is the order they are extracted.
        return [
            {"Arn": arn, "CodeSize": 0} if _foreign(arn, self.account_id) else next(resolved)
            for arn in layers_versions_arns
        ]

    LambdaFunction._get_layers_data = _get_layers_data  # type: ignore[method-assign]
    setattr(LambdaFunction, _PATCHED, True)
