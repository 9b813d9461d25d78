"""ECS services: report a service's desired tasks as running once it is created, as AWS does
once its tasks have started.

moto 5.2 runs no containers: a new service reports ``runningCount`` 0 (or the fixed number in
``MOTO_ECS_SERVICE_RUNNING``) and its deployment stays ``IN_PROGRESS`` forever, so the node
manager's ``services_stable`` wait (``nodes up`` without ``--no-wait``) could only time out on
the local env. This sets ``runningCount`` = ``desiredCount`` (nothing pending, the deployment
``COMPLETED``) when a service is made; UpdateService already does the same for a new
``desiredCount``. Written against moto 5.2.x.
"""

from typing import Any

_MARK = "_artificien_runs_desired_tasks"


def run_desired_tasks(service: Any) -> None:
    """Mark every desired task of ``service`` (a moto ``Service``) as running."""
    service.running_count = service.desired_count
    service.pending_count = 0
    for deployment in service.deployments:
        deployment["runningCount"] = service.desired_count
        deployment["pendingCount"] = 0
        deployment["rolloutState"] = "COMPLETED"
        deployment["rolloutStateReason"] = f"ECS deployment {deployment['id']} completed."


def register() -> None:
    from moto.ecs.models import Service

    original = Service.__init__
    if getattr(original, _MARK, False):
        return

    def __init__(self: Service, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        run_desired_tasks(self)

    setattr(__init__, _MARK, True)
    Service.__init__ = __init__  # type: ignore[method-assign]
