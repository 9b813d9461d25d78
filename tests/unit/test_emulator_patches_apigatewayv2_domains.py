"""The API Gateway v2 domain-name patch, in-process: what the provider waits for and aliases to."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws
from moto.apigatewayv2.models import DomainName

from artificien_infra.local.patches import apigatewayv2_domain_names


@pytest.fixture
def api():
    original = DomainName.to_json
    apigatewayv2_domain_names.register()
    try:
        with mock_aws():
            yield boto3.client("apigatewayv2", region_name="us-east-1")
    finally:
        DomainName.to_json = original
        delattr(DomainName, apigatewayv2_domain_names._PATCHED)


def _create(api, name="api.dev.example.com"):
    return api.create_domain_name(
        DomainName=name,
        DomainNameConfigurations=[
            {
                "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
                "EndpointType": "REGIONAL",
                "SecurityPolicy": "TLS_1_2",
            }
        ],
    )


def test_a_new_domain_is_available_with_its_alias_target(api):
    created = _create(api)["DomainNameConfigurations"][0]
    assert created["DomainNameStatus"] == "AVAILABLE"
    assert created["ApiGatewayDomainName"].startswith("d-")
    assert created["ApiGatewayDomainName"].endswith(".execute-api.us-east-1.amazonaws.com")
    assert created["HostedZoneId"] == "Z1UJRXOUMOOFQ8"
    # what was asked for is kept
    assert created["CertificateArn"].endswith("certificate/abc")
    assert created["SecurityPolicy"] == "TLS_1_2"


def test_no_mutual_tls_unless_asked(api):
    _create(api)
    assert "MutualTlsAuthentication" not in api.get_domain_name(DomainName="api.dev.example.com")


def test_the_target_is_stable_and_differs_per_domain(api):
    _create(api, "api.dev.example.com")
    _create(api, "api.staging.example.com")
    first = api.get_domain_name(DomainName="api.dev.example.com")["DomainNameConfigurations"][0]
    again = api.get_domain_name(DomainName="api.dev.example.com")["DomainNameConfigurations"][0]
    other = api.get_domain_name(DomainName="api.staging.example.com")
    assert first["ApiGatewayDomainName"] == again["ApiGatewayDomainName"]
    assert (
        first["ApiGatewayDomainName"]
        != (other["DomainNameConfigurations"][0]["ApiGatewayDomainName"])
    )


def test_register_is_idempotent(api):
    patched = DomainName.to_json
    apigatewayv2_domain_names.register()
    assert DomainName.to_json is patched
