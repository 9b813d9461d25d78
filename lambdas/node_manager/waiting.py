"""How ``up`` waits for a node's service: boto3's waiter, or not at all."""

from __future__ import annotations

import math
from typing import Any

from botocore.exceptions import WaiterError

from node_manager.errors import NodeNotStableError


def wait_services_stable(ecs: Any, cluster: str, service: str, timeout: float) -> None:
    """Default waiter: boto3's ``services_stable`` polled every 15 s until ``timeout`` seconds."""
    delay = 15
    attempts = max(1, math.ceil(timeout / delay))
    try:
        ecs.get_waiter("services_stable").wait(
            cluster=cluster,
            services=[service],
            WaiterConfig={"Delay": delay, "MaxAttempts": attempts},
        )
    except WaiterError as exc:
        raise NodeNotStableError(
            f"service {service} was not stable after {timeout:.0f} s: {exc.last_response}"
        ) from exc


def no_wait(ecs: Any, cluster: str, service: str, timeout: float) -> None:
    """Waiter that returns at once: the caller polls ``status`` until the node runs."""
