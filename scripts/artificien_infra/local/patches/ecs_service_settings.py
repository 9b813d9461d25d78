"""ECS CreateService: keep the settings moto 5.2 drops on create.

moto's ``create_service`` ignores ``healthCheckGracePeriodSeconds``, ``enableECSManagedTags``,
``enableExecuteCommand`` and ``availabilityZoneRebalancing``, so DescribeServices omits them and
every plan after an apply wants to update the service. UpdateService already stores whatever it is
sent; this teaches CreateService the same for exactly these fields. Written against moto 5.2.x.
"""

from typing import Any

from botocore import xform_name

#: Request fields of CreateService that DescribeServices must echo back.
KEPT_FIELDS = (
    "healthCheckGracePeriodSeconds",
    "enableECSManagedTags",
    "enableExecuteCommand",
    "availabilityZoneRebalancing",
)


def register() -> None:
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service
    if getattr(original, "_artificien_patched", False):
        return

    def create_service(self: EC2ContainerServiceResponse) -> Any:
        result = original(self)
        service = result.result["service"]
        for field in KEPT_FIELDS:
            value = self._get_param(field)
            if value is not None:
                setattr(service, xform_name(field), value)
        return result

    create_service._artificien_patched = True  # type: ignore[attr-defined]
    EC2ContainerServiceResponse.create_service = create_service  # type: ignore[method-assign]
