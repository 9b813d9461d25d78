"""The user-pool domain reads back the same every time once the patch is registered."""

import boto3
from moto import mock_aws

from artificien_infra.local.patches import cognito_domain


def _describe_twice():
    idp = boto3.client("cognito-idp", region_name="us-east-1")
    pool = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
    idp.create_user_pool_domain(Domain="artificien-test", UserPoolId=pool)
    return [
        idp.describe_user_pool_domain(Domain="artificien-test")["DomainDescription"]
        for _ in range(2)
    ]


@mock_aws
def test_domain_description_is_stable_and_names_the_account():
    # GIVEN the patch WHEN the domain is described twice THEN both answers are identical
    cognito_domain.register()
    first, second = _describe_twice()
    assert first == second
    assert first["AWSAccountId"] == "123456789012"
    assert first["Domain"] == "artificien-test"


@mock_aws
def test_register_is_idempotent():
    cognito_domain.register()
    cognito_domain.register()
    first, second = _describe_twice()
    assert first["AWSAccountId"] == second["AWSAccountId"] == "123456789012"
