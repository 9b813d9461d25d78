"""EC2 ``MonitorInstances`` and ``UnmonitorInstances`` (detailed monitoring), for moto 5.2.

moto 5.2 stores an instance's monitoring state (``RunInstances`` with ``Monitoring.Enabled``) and
reports it in ``DescribeInstances`` as ``Monitoring.State``, but the two calls that change it
afterwards raise ``NotImplementedError``. Terraform's ``aws_instance`` calls them whenever
``monitoring`` changes on an existing instance, and reads the state back from ``DescribeInstances``,
so the patch only flips the stored state: the read-back then matches what was asked for.

Like AWS, the answer carries the transitional state (``pending`` / ``disabling``); every later
``DescribeInstances`` shows the settled one (``enabled`` / ``disabled``).
"""

from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.responses.monitoring import Monitoring

ENABLED = "enabled"
DISABLED = "disabled"
_TRANSITIONAL = {ENABLED: "pending", DISABLED: "disabling"}


def _set_monitoring(response: Any, state: str) -> ActionResult:
    response.error_on_dryrun()
    instance_ids = response._get_param("InstanceIds", [])
    # Resolve every id first (unknown ids raise InvalidInstanceID.NotFound, as AWS does), so a bad
    # id in the list changes nothing.
    instances = [response.ec2_backend.get_instance(instance_id) for instance_id in instance_ids]
    for instance in instances:
        instance.monitoring_state = state
    return ActionResult(
        {
            "InstanceMonitorings": [
                {"InstanceId": instance.id, "Monitoring": {"State": _TRANSITIONAL[state]}}
                for instance in instances
            ]
        }
    )


def monitor_instances(self: Any) -> ActionResult:
    """EC2 MonitorInstances: turn detailed monitoring on."""
    return _set_monitoring(self, ENABLED)


def unmonitor_instances(self: Any) -> ActionResult:
    """EC2 UnmonitorInstances: turn detailed monitoring off."""
    return _set_monitoring(self, DISABLED)


def register() -> None:
    """Replace moto's NotImplemented stubs; EC2Response inherits them from ``Monitoring``."""
    Monitoring.monitor_instances = monitor_instances  # type: ignore[method-assign]
    Monitoring.unmonitor_instances = unmonitor_instances  # type: ignore[method-assign]
