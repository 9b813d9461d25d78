"""The emulator reports a service's desired tasks as running once it is created, so a
``services_stable`` wait (``nodes up`` on the local env) completes as it does on AWS."""

import pkgutil

import boto3
import pytest
from botocore.exceptions import WaiterError
from moto import mock_aws
from moto.ecs.models import Service

from artificien_infra.local.patches import ecs_service_running

REGION = "us-east-1"
ONE_TRY = {"Delay": 0, "MaxAttempts": 1}


@pytest.fixture(autouse=True)
def _aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("MOTO_ECS_SERVICE_RUNNING", raising=False)
    # the patch is undone after each test: the node manager's tests rely on moto running nothing
    monkeypatch.setattr(Service, "__init__", Service.__init__)


def _service(ecs, desired=1):
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(
        family="node", containerDefinitions=[{"name": "n", "image": "x", "memory": 128}]
    )
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="node", desiredCount=desired)
    return ecs.describe_services(cluster="c", services=["s"])["services"][0]


@mock_aws
def test_without_the_patch_a_new_service_never_becomes_stable():
    # GIVEN moto as it is WHEN a service is created THEN nothing runs and the wait gives up
    ecs = boto3.client("ecs", region_name=REGION)
    service = _service(ecs)
    assert (service["runningCount"], service["pendingCount"]) == (0, 1)
    with pytest.raises(WaiterError):
        ecs.get_waiter("services_stable").wait(cluster="c", services=["s"], WaiterConfig=ONE_TRY)


@mock_aws
def test_a_new_service_runs_its_desired_tasks_and_is_stable_at_once():
    # GIVEN the patch
    ecs_service_running.register()
    ecs = boto3.client("ecs", region_name=REGION)
    # WHEN a service with two desired tasks is created
    service = _service(ecs, desired=2)
    # THEN both run, none is pending, its one deployment is complete
    assert (service["runningCount"], service["pendingCount"]) == (2, 0)
    [deployment] = service["deployments"]
    assert (deployment["runningCount"], deployment["rolloutState"]) == (2, "COMPLETED")
    # AND the waiter the node manager uses succeeds on its first look
    ecs.get_waiter("services_stable").wait(cluster="c", services=["s"], WaiterConfig=ONE_TRY)
    # AND the cluster counts the running tasks
    [cluster] = ecs.describe_clusters(clusters=["c"])["clusters"]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (2, 0)


@mock_aws
def test_registering_twice_patches_once_and_scaling_still_follows_the_desired_count():
    ecs_service_running.register()
    patched = Service.__init__
    ecs_service_running.register()
    assert Service.__init__ is patched
    ecs = boto3.client("ecs", region_name=REGION)
    _service(ecs, desired=1)
    ecs.update_service(cluster="c", service="s", desiredCount=3)
    service = ecs.describe_services(cluster="c", services=["s"])["services"][0]
    assert (service["desiredCount"], service["runningCount"]) == (3, 3)


def test_the_emulator_discovers_the_patch():
    from artificien_infra.local import patches as emulator_patches

    names = {info.name for info in pkgutil.iter_modules(emulator_patches.__path__)}
    assert "ecs_service_running" in names
