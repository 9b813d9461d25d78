"""Lambda ``DeadLetterConfig`` on CreateFunction / UpdateFunctionConfiguration, for moto 5.2.

moto 5.2 accepts a function's ``DeadLetterConfig`` but neither stores nor returns it, so Terraform's
``aws_lambda_function`` reads back no ``dead_letter_config`` and plans to add it again on every
run (``plan`` after ``apply`` never reports "no changes"). Every function of the platform has one
(``modules/lambda_function``), so the patch keeps the target on moto's function object and returns
it from GetFunction / GetFunctionConfiguration, the way AWS does.
"""

from typing import Any

from moto.awslambda.models import LambdaFunction

_PATCHED = "_artificien_dead_letter_patched"


def register() -> None:
    """Wrap moto's LambdaFunction so the dead-letter target round-trips (idempotent)."""
    if getattr(LambdaFunction, _PATCHED, False):
        return
    original_init = LambdaFunction.__init__
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        spec = kwargs.get("spec", args[1] if len(args) > 1 else {})
        self.dead_letter_config = dict(spec.get("DeadLetterConfig") or {})

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = original_get(self, *args, **kwargs)
        target = getattr(self, "dead_letter_config", {}).get("TargetArn")
        if target:
            config["DeadLetterConfig"] = {"TargetArn": target}
        return config

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "DeadLetterConfig" in config_updates:
            self.dead_letter_config = dict(config_updates["DeadLetterConfig"] or {})
        return original_update(self, config_updates)

    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
    setattr(LambdaFunction, _PATCHED, True)
