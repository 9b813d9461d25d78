"""The emulator patch for EC2 detailed monitoring (MonitorInstances / UnmonitorInstances)."""

import pkgutil

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.ec2.responses.monitoring import Monitoring

from artificien_infra.local.patches import ec2_monitoring

REGION = "us-east-1"
# An AMI moto ships in every region.
AMI_ID = "ami-785db401"


@pytest.fixture
def ec2(monkeypatch):
    # the unit suite builds EC2 without moto's AMIs (tests/unit/conftest.py); this test runs one
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "true")
    original = (Monitoring.monitor_instances, Monitoring.unmonitor_instances)
    ec2_monitoring.register()
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION)
    Monitoring.monitor_instances, Monitoring.unmonitor_instances = original


def _run_instance(ec2, *, monitoring: bool) -> str:
    reservation = ec2.run_instances(
        ImageId=AMI_ID,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        Monitoring={"Enabled": monitoring},
    )
    return reservation["Instances"][0]["InstanceId"]


def _state(ec2, instance_id: str) -> str:
    reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    return reservations[0]["Instances"][0]["Monitoring"]["State"]


def test_monitor_instances_enables_detailed_monitoring(ec2):
    # GIVEN an instance launched without detailed monitoring
    instance_id = _run_instance(ec2, monitoring=False)
    assert _state(ec2, instance_id) == "disabled"

    # WHEN detailed monitoring is turned on
    answer = ec2.monitor_instances(InstanceIds=[instance_id])

    # THEN the answer carries the transitional state and the read-back the settled one
    assert answer["InstanceMonitorings"] == [
        {"InstanceId": instance_id, "Monitoring": {"State": "pending"}}
    ]
    assert _state(ec2, instance_id) == "enabled"


def test_unmonitor_instances_disables_detailed_monitoring(ec2):
    # GIVEN an instance launched with detailed monitoring
    instance_id = _run_instance(ec2, monitoring=True)
    assert _state(ec2, instance_id) == "enabled"

    # WHEN detailed monitoring is turned off
    answer = ec2.unmonitor_instances(InstanceIds=[instance_id])

    # THEN the instance reports it disabled
    assert answer["InstanceMonitorings"][0]["Monitoring"]["State"] == "disabling"
    assert _state(ec2, instance_id) == "disabled"


def test_several_instances_change_together(ec2):
    # GIVEN two unmonitored instances
    first, second = (_run_instance(ec2, monitoring=False) for _ in range(2))

    # WHEN both are monitored in one call
    answer = ec2.monitor_instances(InstanceIds=[first, second])

    # THEN both are listed and both are enabled
    assert [m["InstanceId"] for m in answer["InstanceMonitorings"]] == [first, second]
    assert {_state(ec2, first), _state(ec2, second)} == {"enabled"}


def test_unknown_instance_fails_and_changes_nothing(ec2):
    # GIVEN one real, unmonitored instance
    instance_id = _run_instance(ec2, monitoring=False)

    # WHEN a call names it together with an instance that does not exist
    with pytest.raises(ClientError) as error:
        ec2.monitor_instances(InstanceIds=[instance_id, "i-0123456789abcdef0"])

    # THEN it fails as AWS does, and the real instance is left as it was
    assert error.value.response["Error"]["Code"] == "InvalidInstanceID.NotFound"
    assert _state(ec2, instance_id) == "disabled"


def test_dry_run_is_refused_without_change(ec2):
    # GIVEN an unmonitored instance
    instance_id = _run_instance(ec2, monitoring=False)

    # WHEN the call is a dry run
    with pytest.raises(ClientError) as error:
        ec2.monitor_instances(InstanceIds=[instance_id], DryRun=True)

    # THEN EC2's DryRunOperation comes back and nothing changes
    assert error.value.response["Error"]["Code"] == "DryRunOperation"
    assert _state(ec2, instance_id) == "disabled"


def test_the_emulator_discovers_the_patch():
    # GIVEN the emulator's patch package (apply_all registers every submodule it lists)
    from artificien_infra.local import patches as emulator_patches

    # WHEN its submodules are listed the way apply_all lists them
    names = {info.name for info in pkgutil.iter_modules(emulator_patches.__path__)}

    # THEN this patch is one of them (other patches are not applied here: they touch other services)
    assert "ec2_monitoring" in names
