"""The emulator patch for Cognito Identity principal tags (Set/GetPrincipalTagAttributeMap)."""

import pkgutil

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.cognitoidentity.responses import CognitoIdentityResponse

from artificien_infra.local import patches as emulator_patches
from artificien_infra.local.patches import cognito_principal_tags

REGION = "us-east-1"
PROVIDER = "cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"
TAGS = {"email": "email", "username": "cognito:username"}


@pytest.fixture
def cognito(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    names = ("set_principal_tag_attribute_map", "get_principal_tag_attribute_map")
    original = {n: CognitoIdentityResponse.__dict__.get(n) for n in names}
    cognito_principal_tags.register()
    with mock_aws():
        yield boto3.client("cognito-identity", region_name=REGION)
    for name, value in original.items():
        if value is None:
            delattr(CognitoIdentityResponse, name)
        else:
            setattr(CognitoIdentityResponse, name, value)


def _pool(client) -> str:
    return client.create_identity_pool(
        IdentityPoolName="artificien-local-website",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": PROVIDER, "ClientId": "web"}],
    )["IdentityPoolId"]


def test_a_map_set_is_read_back(cognito):
    # GIVEN a pool whose provider has never had a map: the defaults
    pool_id = _pool(cognito)
    fresh = cognito.get_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=PROVIDER
    )
    assert fresh["UseDefaults"] is True
    assert fresh["PrincipalTags"] == {}

    # WHEN Terraform sets the claims without defaults (it sends UseDefaults only when true)
    answer = cognito.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=PROVIDER, PrincipalTags=TAGS
    )

    # THEN Set and Get answer exactly it
    read = cognito.get_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=PROVIDER
    )
    for got in (answer, read):
        assert got["IdentityPoolId"] == pool_id
        assert got["IdentityProviderName"] == PROVIDER
        assert got["UseDefaults"] is False
        assert got["PrincipalTags"] == TAGS


def test_destroy_restores_the_defaults(cognito):
    pool_id = _pool(cognito)
    cognito.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=PROVIDER, PrincipalTags=TAGS
    )
    # what Terraform's delete sends
    cognito.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=PROVIDER, PrincipalTags={}, UseDefaults=True
    )
    read = cognito.get_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=PROVIDER
    )
    assert read["UseDefaults"] is True
    assert read["PrincipalTags"] == {}


def test_an_unknown_pool_is_not_found(cognito):
    with pytest.raises(ClientError) as error:
        cognito.get_principal_tag_attribute_map(
            IdentityPoolId="us-east-1:00000000-0000-0000-0000-000000000000",
            IdentityProviderName=PROVIDER,
        )
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("provider", "tags", "message"),
    [
        ("cognito-idp.us-east-1.amazonaws.com/us-east-1_Other", TAGS, "is not configured"),
        (PROVIDER, {f"t{i}": "email" for i in range(51)}, "At most 50"),
        (PROVIDER, {"k" * 129: "email"}, "1-128"),
    ],
)
def test_a_rejected_map_changes_nothing(cognito, provider, tags, message):
    # GIVEN a stored map
    pool_id = _pool(cognito)
    cognito.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=PROVIDER, PrincipalTags=TAGS
    )
    # WHEN an invalid one is set THEN it is refused with AWS's error code
    with pytest.raises(ClientError) as error:
        cognito.set_principal_tag_attribute_map(
            IdentityPoolId=pool_id, IdentityProviderName=provider, PrincipalTags=tags
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert message in error.value.response["Error"]["Message"]
    # AND the stored map is untouched
    read = cognito.get_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=PROVIDER
    )
    assert read["PrincipalTags"] == TAGS


def test_the_patch_is_registered_with_the_others():
    # GIVEN the package apply_all walks WHEN its submodules are listed THEN this patch is one
    names = {info.name for info in pkgutil.iter_modules(emulator_patches.__path__)}
    assert "cognito_principal_tags" in names
