"""Preflight's quota checks (Lambda concurrency, Elastic IPs, VPCs) against moto with the patch."""

from __future__ import annotations

import pytest

from artificien_infra.core import preflight_checks as checks
from artificien_infra.core.preflight_probe import Verdict

LAMBDA = ("lambda", "L-B99A9384")
EIPS = ("ec2", "L-0263D0A3")
VPCS = ("vpc", "L-F678F1CE")


def test_lambda_quota_with_nothing_reserved_passes_whatever_its_size(world):
    # GIVEN a new account's reduced quota and an env that reserves nothing
    world.set_quota(*LAMBDA, 10)
    # WHEN the check runs THEN it passes: the functions share the pool
    outcome = checks.check_lambda_concurrency(world.probe())
    assert outcome.verdict is Verdict.PASS
    assert outcome.found == "quota 10, nothing reserved"


def test_lambda_quota_that_leaves_100_unreserved_passes(world):
    # GIVEN the documented default (1000) and 25 reserved
    probe = world.probe(lambda_reserved_concurrency={"model_api": 10, "sample_data": 15})
    outcome = checks.check_lambda_concurrency(probe)
    assert outcome.verdict is Verdict.PASS
    assert outcome.found == "quota 1000, dev reserves 25, 975 left unreserved"


@pytest.mark.parametrize(("quota", "verdict"), [(125, Verdict.PASS), (124, Verdict.FAIL)])
def test_lambda_quota_boundary_is_reserved_plus_100(world, quota, verdict):
    world.set_quota(*LAMBDA, quota)
    probe = world.probe(lambda_reserved_concurrency={"model_api": 25})
    assert checks.check_lambda_concurrency(probe).verdict is verdict


def test_lambda_quota_too_small_fails_naming_the_quota_code_to_request(world):
    # GIVEN a quota of 110 and 25 reserved: only 85 would stay unreserved
    world.set_quota(*LAMBDA, 110)
    probe = world.probe(lambda_reserved_concurrency={"model_api": 25})
    outcome = checks.check_lambda_concurrency(probe)
    # THEN it fails, and the fix is the exact request (125) or a smaller reservation
    assert outcome.verdict is Verdict.FAIL
    assert "quota 110, dev reserves 25" in outcome.found
    assert (
        "aws service-quotas request-service-quota-increase --service-code lambda "
        "--quota-code L-B99A9384 --desired-value 125 --region us-east-1"
    ) in outcome.fix
    assert "lower lambda_reserved_concurrency" in outcome.fix


@pytest.mark.parametrize(
    ("settings", "needed"),
    [
        ({"single_nat_gateway": True}, 2),  # dev: one NAT + JupyterHub
        ({"single_nat_gateway": False}, 3),  # prod: one NAT per zone + JupyterHub
        ({"single_nat_gateway": False, "jupyterhub_enabled": False}, 2),
        ({"nat_gateway_enabled": False}, 1),  # local: JupyterHub only
        ({"nat_gateway_enabled": False, "jupyterhub_enabled": False}, 0),
    ],
)
def test_elastic_ips_needed_follow_the_network_and_jupyterhub_modules(world, settings, needed):
    assert checks.elastic_ips_needed(world.probe(**settings).target) == needed


def test_elastic_ips_with_room_pass(world):
    # GIVEN the default quota (5) and two addresses of another env in use
    for _ in range(2):
        world.client("ec2").allocate_address(Domain="vpc")
    outcome = checks.check_elastic_ips(world.probe(single_nat_gateway=False))
    # THEN prod's 3 fit in the 3 left
    assert outcome.verdict is Verdict.PASS
    assert outcome.found == "quota 5, 2 in use (0 of artificien-dev); dev needs 3 address(es)"


def test_elastic_ips_too_few_fail_with_the_request_to_make(world):
    # GIVEN the default 5 with 4 in use (dev and staging elsewhere) and prod needing 3
    for _ in range(4):
        world.client("ec2").allocate_address(Domain="vpc")
    outcome = checks.check_elastic_ips(world.probe(single_nat_gateway=False))
    assert outcome.verdict is Verdict.FAIL
    assert "--service-code ec2 --quota-code L-0263D0A3 --desired-value 7" in outcome.fix
    assert "or free 2 address(es)" in outcome.fix


def test_elastic_ips_the_env_already_holds_count_as_its_own(world):
    # GIVEN a quota of 2, both taken by this env's own addresses (a re-run after the apply)
    world.set_quota(*EIPS, 2)
    for _ in range(2):
        world.client("ec2").allocate_address(
            Domain="vpc",
            TagSpecifications=[
                {
                    "ResourceType": "elastic-ip",
                    "Tags": [
                        {"Key": "project", "Value": "artificien"},
                        {"Key": "environment", "Value": "dev"},
                    ],
                }
            ],
        )
    # THEN nothing more is needed
    outcome = checks.check_elastic_ips(world.probe())
    assert outcome.verdict is Verdict.PASS
    assert "2 in use (2 of artificien-dev)" in outcome.found
    # and another env's tags do not count as this one's
    assert checks.check_elastic_ips(world.probe("staging")).verdict is Verdict.FAIL


def test_vpcs_with_room_pass(world):
    # GIVEN moto's default VPC and the vpc service's documented quota (5)
    outcome = checks.check_vpcs(world.probe())
    assert outcome.verdict is Verdict.PASS
    assert outcome.found == "quota 5, 1 in use (0 of artificien-dev); dev needs 1 VPC(s)"


def test_vpcs_quota_too_small_fails(world):
    # GIVEN a quota of 1, taken by the default VPC
    world.set_quota(*VPCS, 1)
    outcome = checks.check_vpcs(world.probe())
    assert outcome.verdict is Verdict.FAIL
    assert "--service-code vpc --quota-code L-F678F1CE --desired-value 2" in outcome.fix


def test_a_quota_without_an_applied_value_falls_back_to_its_default(world, monkeypatch):
    # GIVEN Service Quotas knows no applied value (as for a quota never adjusted)
    from moto.servicequotas.exceptions import NoSuchResource
    from moto.servicequotas.models import ServiceQuotasBackend

    def no_applied_value(self, service_code, quota_code):
        raise NoSuchResource

    monkeypatch.setattr(ServiceQuotasBackend, "get_service_quota", no_applied_value)
    # THEN the documented default is read instead
    assert checks.ELASTIC_IPS.value(world.probe()) == 5
