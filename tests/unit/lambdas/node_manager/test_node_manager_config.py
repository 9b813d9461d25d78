"""Where the node manager's names come from (the configuration's prefixes, nothing hard-coded),
both sources of its configuration, and what importing it loads."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from node_manager.config import ENVIRONMENT_VARIABLE, ConfigError, NodeManagerConfig
from node_manager.logic import NodeManager

APP = "Artificien Health"
LAMBDAS = Path(__file__).resolve().parents[4] / "lambdas"


# both sources -------------------------------------------------------------------------------------


def test_the_environment_and_the_outputs_give_one_configuration(platform: Any) -> None:
    value = platform.config.to_dict()
    from_outputs = NodeManagerConfig.from_outputs({"pygrid_node_manager": value})
    from_environ = NodeManagerConfig.from_environ({ENVIRONMENT_VARIABLE: json.dumps(value)})
    assert from_outputs == from_environ == platform.config


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"service_prefix": ""}, "lacks 'service_prefix'"),
        ({"target_group_prefix": None}, "lacks 'target_group_prefix'"),
        ({"service_prefix": "-pygrid"}, "'service_prefix' must be 1-32"),
        ({"target_group_prefix": "pygrid-nodes-x"}, "'target_group_prefix' must be 1-12"),
        ({"target_group_prefix": "-x"}, "'target_group_prefix' must be 1-12"),
        ({"container_port": 70000}, "'container_port' must be a port"),
        ({"subnet_ids": "subnet-1"}, "'subnet_ids' must be a list"),
    ],
)
def test_bad_values_are_refused_naming_the_source_and_field(
    platform: Any, overrides: dict[str, Any], reason: str
) -> None:
    value = {**platform.config.to_dict(), **overrides}
    with pytest.raises(ConfigError, match=f"environment variable {ENVIRONMENT_VARIABLE}.*{reason}"):
        NodeManagerConfig.from_environ({ENVIRONMENT_VARIABLE: json.dumps(value)})


# names from the prefixes --------------------------------------------------------------------------


class RecordingEcs:
    """Delegates to the ecs client and records the names of the services it is asked about."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.described: list[str] = []

    def describe_services(self, **kwargs: Any) -> Any:
        self.described.extend(s.rsplit("/", 1)[-1] for s in kwargs["services"])
        return self._client.describe_services(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_every_name_follows_the_configured_prefixes(platform: Any) -> None:
    # GIVEN prefixes other than the defaults, and a service of the cluster outside them
    config = dataclasses.replace(platform.config, service_prefix="node-", target_group_prefix="ng-")
    platform.ecs.create_service(
        cluster=config.cluster_name, serviceName="artificien-test-orchestration", desiredCount=0
    )
    ecs = RecordingEcs(platform.ecs)
    manager = NodeManager(
        config,
        ecs=ecs,
        elbv2=platform.elbv2,
        dynamodb=platform.dynamodb,
        secretsmanager=platform.secretsmanager,
        waiter=lambda *a: None,
    )
    # WHEN a node is started, listed and reconciled
    manager.up(APP)
    listed = manager.list()
    findings = manager.reconcile()
    # THEN its service and target group carry the prefixes
    names = sorted(s["serviceName"] for s in platform.services())
    assert names == ["artificien-test-orchestration", "node-artificien-health"]
    [group] = platform.target_groups()
    assert group["TargetGroupName"].startswith("ng-")
    assert len(group["TargetGroupName"]) == 3 + 20
    assert [s.slug for s in listed] == ["artificien-health"]
    assert findings == []
    # AND the manager never even described a service outside its prefix (its IAM scope)
    assert ecs.described
    assert all(name.startswith("node-") for name in ecs.described)


def test_a_prefix_change_does_not_adopt_the_old_prefixes_nodes(platform: Any) -> None:
    platform.manager().up(APP)
    renamed = dataclasses.replace(
        platform.config, service_prefix="node-", target_group_prefix="ng-"
    )
    manager = NodeManager(
        renamed,
        ecs=platform.ecs,
        elbv2=platform.elbv2,
        dynamodb=platform.dynamodb,
        secretsmanager=platform.secretsmanager,
    )
    # the old node's rule and task definition are found by host and family, not by prefix
    [node] = manager.list()
    assert node.resources.service_arn is None
    assert node.resources.target_group_arn is None
    assert node.state == "partial"


# importing ----------------------------------------------------------------------------------------

FORBIDDEN = ("click", "rich", "python_terraform", "hcl2", "artificien_infra", "moto", "hypothesis")


def test_importing_the_node_manager_loads_no_wrapper_module() -> None:
    # GIVEN only lambdas/ importable, as in the Lambda runtime
    program = (
        "import json, sys\n"
        "import node_manager, node_manager.handler\n"
        f"forbidden = {FORBIDDEN!r}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(forbidden))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        env={"PYTHONPATH": str(LAMBDAS), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        cwd=LAMBDAS,
    )
    # WHEN the package and its handler are imported THEN none of the wrapper's modules loaded
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
