"""The emulator patch that answers Service Quotas for the quotas preflight reads."""

from __future__ import annotations

import pkgutil

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.servicequotas.models import ServiceQuotasBackend

from artificien_infra.local import patches
from artificien_infra.local.patches import service_quotas

REGION = "us-east-1"


@pytest.fixture
def quotas(quotas_patch):
    with mock_aws():
        yield boto3.client("service-quotas", region_name=REGION)


@pytest.mark.parametrize(
    ("service", "code", "name", "value"),
    [
        ("lambda", "L-B99A9384", "Concurrent executions", 1000),
        ("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5),
        ("vpc", "L-F678F1CE", "VPCs per Region", 5),  # from moto's own list
    ],
)
def test_the_documented_defaults_are_the_applied_values_of_a_new_emulator(
    quotas, service, code, name, value
):
    applied = quotas.get_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]
    default = quotas.get_aws_default_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]
    assert (applied["QuotaName"], applied["Value"]) == (name, value)
    assert default["Value"] == value
    # like AWS: the applied quota's ARN names the account, the default's does not
    assert applied["QuotaArn"] == f"arn:aws:servicequotas:{REGION}:123456789012:{service}/{code}"
    assert default["QuotaArn"] == f"arn:aws:servicequotas:{REGION}::{service}/{code}"


def test_a_request_is_granted_at_once_even_below_the_default(quotas):
    answer = quotas.request_service_quota_increase(
        ServiceCode="lambda", QuotaCode="L-B99A9384", DesiredValue=10
    )["RequestedQuota"]
    assert (answer["Status"], answer["DesiredValue"]) == ("APPROVED", 10)
    applied = quotas.get_service_quota(ServiceCode="lambda", QuotaCode="L-B99A9384")
    assert applied["Quota"]["Value"] == 10
    default = quotas.get_aws_default_service_quota(ServiceCode="lambda", QuotaCode="L-B99A9384")
    assert default["Quota"]["Value"] == 1000
    # another region of the account keeps its own value
    other = boto3.client("service-quotas", region_name="eu-west-1")
    assert (
        other.get_service_quota(ServiceCode="lambda", QuotaCode="L-B99A9384")["Quota"]["Value"]
        == 1000
    )


def test_an_unknown_quota_is_no_such_resource(quotas):
    for call in (quotas.get_service_quota, quotas.get_aws_default_service_quota):
        with pytest.raises(ClientError) as raised:
            call(ServiceCode="ec2", QuotaCode="L-00000000")
        assert raised.value.response["Error"]["Code"] == "NoSuchResourceException"
    with pytest.raises(ClientError):
        quotas.request_service_quota_increase(
            ServiceCode="ec2", QuotaCode="L-00000000", DesiredValue=1
        )


def test_a_reset_forgets_the_applied_values(quotas_patch):
    with mock_aws():
        client = boto3.client("service-quotas", region_name=REGION)
        client.request_service_quota_increase(
            ServiceCode="ec2", QuotaCode="L-0263D0A3", DesiredValue=1
        )
    with mock_aws():
        client = boto3.client("service-quotas", region_name=REGION)
        assert (
            client.get_service_quota(ServiceCode="ec2", QuotaCode="L-0263D0A3")["Quota"]["Value"]
            == 5
        )


def test_register_is_idempotent_and_the_emulator_finds_it(quotas_patch):
    patched = ServiceQuotasBackend.get_service_quota
    service_quotas.register()
    assert ServiceQuotasBackend.get_service_quota is patched
    # apply_all registers every module of the package before the emulator's server starts
    found = [info.name for info in pkgutil.iter_modules(patches.__path__)]
    assert "service_quotas" in found
