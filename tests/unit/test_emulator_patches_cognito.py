"""The emulator patch for Cognito Identity roles (SetIdentityPoolRoles / GetIdentityPoolRoles)."""

import pkgutil

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.cognitoidentity.responses import CognitoIdentityResponse

from artificien_infra.local import patches as emulator_patches
from artificien_infra.local.patches import cognito_identity

REGION = "us-east-1"
AUTH_ROLE = "arn:aws:iam::123456789012:role/artificien-local-website-authenticated"
UNAUTH_ROLE = "arn:aws:iam::123456789012:role/artificien-local-guest"


@pytest.fixture
def cognito(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    names = ("set_identity_pool_roles", "get_identity_pool_roles")
    original = {n: CognitoIdentityResponse.__dict__.get(n) for n in names}
    cognito_identity.register()
    with mock_aws():
        yield boto3.client("cognito-identity", region_name=REGION)
    for name, value in original.items():
        if value is None:
            delattr(CognitoIdentityResponse, name)
        else:
            setattr(CognitoIdentityResponse, name, value)


def _pool(client) -> str:
    return client.create_identity_pool(
        IdentityPoolName="artificien-local-website", AllowUnauthenticatedIdentities=False
    )["IdentityPoolId"]


def test_roles_set_are_read_back(cognito):
    # GIVEN an identity pool without roles
    pool_id = _pool(cognito)
    assert cognito.get_identity_pool_roles(IdentityPoolId=pool_id)["Roles"] == {}

    # WHEN an authenticated role is attached (what Terraform's roles attachment does)
    cognito.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": AUTH_ROLE})

    # THEN the read-back returns exactly it
    answer = cognito.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert answer["IdentityPoolId"] == pool_id
    assert answer["Roles"] == {"authenticated": AUTH_ROLE}
    assert "RoleMappings" not in answer


def test_set_replaces_and_empty_maps_detach(cognito):
    # GIVEN a pool with both roles
    pool_id = _pool(cognito)
    cognito.set_identity_pool_roles(
        IdentityPoolId=pool_id, Roles={"authenticated": AUTH_ROLE, "unauthenticated": UNAUTH_ROLE}
    )

    # WHEN the roles are set again with one, then with none (Terraform's destroy)
    cognito.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": AUTH_ROLE})
    assert cognito.get_identity_pool_roles(IdentityPoolId=pool_id)["Roles"] == {
        "authenticated": AUTH_ROLE
    }
    cognito.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={}, RoleMappings={})

    # THEN nothing is attached any more
    assert cognito.get_identity_pool_roles(IdentityPoolId=pool_id)["Roles"] == {}


def test_role_mappings_round_trip(cognito):
    pool_id = _pool(cognito)
    mapping = {
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE12:client": {
            "Type": "Token",
            "AmbiguousRoleResolution": "Deny",
        }
    }

    cognito.set_identity_pool_roles(
        IdentityPoolId=pool_id, Roles={"authenticated": AUTH_ROLE}, RoleMappings=mapping
    )

    assert cognito.get_identity_pool_roles(IdentityPoolId=pool_id)["RoleMappings"] == mapping


def test_roles_are_per_pool(cognito):
    first, second = _pool(cognito), _pool(cognito)

    cognito.set_identity_pool_roles(IdentityPoolId=first, Roles={"authenticated": AUTH_ROLE})

    assert cognito.get_identity_pool_roles(IdentityPoolId=second)["Roles"] == {}


@pytest.mark.parametrize(
    "call",
    [
        lambda c, pool: c.set_identity_pool_roles(
            IdentityPoolId=pool, Roles={"authenticated": AUTH_ROLE}
        ),
        lambda c, pool: c.get_identity_pool_roles(IdentityPoolId=pool),
    ],
    ids=["set", "get"],
)
def test_unknown_pool_is_not_found(cognito, call):
    missing = "us-east-1:00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as error:
        call(cognito, missing)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "roles",
    [
        {"admin": AUTH_ROLE},
        {"authenticated": "not-an-arn-but-long-enough"},
        {"authenticated": "arn:aws:s3:::artificien-local-models"},
    ],
)
def test_invalid_roles_are_refused_without_change(cognito, roles):
    # GIVEN a pool with an authenticated role
    pool_id = _pool(cognito)
    cognito.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": AUTH_ROLE})

    # WHEN a malformed set arrives THEN it is refused and the stored roles stay
    with pytest.raises(ClientError) as error:
        cognito.set_identity_pool_roles(IdentityPoolId=pool_id, Roles=roles)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert cognito.get_identity_pool_roles(IdentityPoolId=pool_id)["Roles"] == {
        "authenticated": AUTH_ROLE
    }


def test_deleting_the_pool_forgets_its_roles(cognito):
    pool_id = _pool(cognito)
    cognito.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": AUTH_ROLE})

    cognito.delete_identity_pool(IdentityPoolId=pool_id)

    with pytest.raises(ClientError) as error:
        cognito.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_the_emulator_discovers_the_patch():
    # GIVEN the package apply_all walks WHEN its submodules are listed THEN this patch is one
    names = {info.name for info in pkgutil.iter_modules(emulator_patches.__path__)}
    assert "cognito_identity" in names
