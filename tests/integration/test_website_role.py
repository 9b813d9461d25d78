"""The website's identity-pool role, read back from IAM after the suite's apply, decided request
by request by the test-side evaluator (tests/iam_eval.py): conditions and policy variables are
evaluated, not matched as strings.

The callers are two users signed up in the deployed user pool. Their session tags come from the
deployed principal-tag map applied to their ID-token claims; the emulator's ID tokens carry no
attribute claims (moto 5.2), so the claims are taken from the users' attributes, where Cognito
takes them from. Each request is the boto3 call the website makes, turned into its IAM request
context by tests/dynamodb_requests.py against the deployed tables' key schemas.

Root outputs used: authenticated_role_arn, identity_pool_id, user_pool_id, user_pool_endpoint,
web_client_id, user_table_name, model_table_name, dataset_table_name, kms_key_arn, region.
"""

import json
import uuid
from pathlib import Path
from urllib.parse import unquote

import pytest

from artificien_infra.core import iam_lint
from dynamodb_requests import dynamodb_request
from iam_eval import Request, covers, evaluate

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

PASSWORD = "Correct-Horse-9-Battery"
WRITES = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
)


def _document(value):
    """IAM answers policy documents URL-encoded, as a string or already decoded."""
    return json.loads(unquote(value)) if isinstance(value, str) else value


@pytest.fixture(scope="module")
def role(deployed):
    """The role's trust and every policy that grants it permissions, as IAM holds them."""
    iam = deployed.client("iam")
    name = deployed.outputs["authenticated_role_arn"].split("/")[-1]
    trust = _document(iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"])
    policies = [
        _document(iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"])
        for p in iam.list_role_policies(RoleName=name)["PolicyNames"]
    ]
    for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
        version = iam.get_policy_version(
            PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"]
        )
        policies.append(_document(version["PolicyVersion"]["Document"]))
    return {"trust": trust, "policies": policies}


@pytest.fixture(scope="module")
def tables(deployed):
    ddb = deployed.client("dynamodb")
    return {
        kind: ddb.describe_table(TableName=deployed.outputs[f"{kind}_table_name"])["Table"]
        for kind in ("user", "model", "dataset")
    }


@pytest.fixture(scope="module")
def tag_map(deployed):
    answer = deployed.client("cognito-identity").get_principal_tag_attribute_map(
        IdentityPoolId=deployed.outputs["identity_pool_id"],
        IdentityProviderName=deployed.outputs["user_pool_endpoint"],
    )
    return answer


def _signed_up(deployed, tag_map) -> dict:
    """A new confirmed user of the website client: name, email and the session tags."""
    idp = deployed.client("cognito-idp")
    username = f"web{uuid.uuid4().hex[:10]}"
    idp.sign_up(
        ClientId=deployed.outputs["web_client_id"],
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    idp.admin_confirm_sign_up(UserPoolId=deployed.outputs["user_pool_id"], Username=username)
    user = idp.admin_get_user(UserPoolId=deployed.outputs["user_pool_id"], Username=username)
    claims = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    claims["cognito:username"] = user["Username"]
    tags = {tag: claims[claim] for tag, claim in tag_map["PrincipalTags"].items()}
    return {"username": user["Username"], "email": claims["email"], "tags": tags}


@pytest.fixture(scope="module")
def ada(deployed, tag_map):
    return _signed_up(deployed, tag_map)


@pytest.fixture(scope="module")
def bob(deployed, tag_map):
    return _signed_up(deployed, tag_map)


def _s(value: str) -> dict:
    return {"S": value}


def _requests(ada, bob, tables):
    """(expected, description, operation, table kind, boto3 params) -- the table in
    docs/identity.md."""
    user, model, dataset = (tables[k]["TableName"] for k in ("user", "model", "dataset"))
    own = {"user_id": _s(ada["email"])}
    other = {"user_id": _s(bob["email"])}
    onboarding = {
        "UpdateExpression": "SET has_onboarded = :o, #r = :r",
        "ExpressionAttributeNames": {"#r": "role"},
        "ExpressionAttributeValues": {":o": _s("1"), ":r": _s("1")},
    }

    def set_attribute(name, value):
        return {"UpdateExpression": f"SET {name} = :v", "ExpressionAttributeValues": {":v": value}}

    def by(index, key, value, table):
        return {
            "TableName": table,
            "IndexName": index,
            "KeyConditionExpression": f"{key} = :v",
            "ExpressionAttributeValues": {":v": _s(value)},
        }

    return [
        (True, "own user row: GetItem", "GetItem", "user", {"TableName": user, "Key": own}),
        (True, "own row: onboarding UpdateItem", "UpdateItem", "user",
         {"TableName": user, "Key": own, **onboarding}),
        (True, "own row: onboarding, ReturnValues UPDATED_NEW", "UpdateItem", "user",
         {"TableName": user, "Key": own, **onboarding, "ReturnValues": "UPDATED_NEW"}),
        (False, "own row: onboarding, ReturnValues ALL_NEW (reads every attribute)",
         "UpdateItem", "user",
         {"TableName": user, "Key": own, **onboarding, "ReturnValues": "ALL_NEW"}),
        (False, "another user's row: GetItem", "GetItem", "user",
         {"TableName": user, "Key": other}),
        (False, "another user's row: onboarding UpdateItem", "UpdateItem", "user",
         {"TableName": user, "Key": other, **onboarding}),
        (False, "own row: UpdateItem of api_key", "UpdateItem", "user",
         {"TableName": user, "Key": own, **set_attribute("api_key", _s("mine"))}),
        (False, "own row: UpdateItem of datasets_purchased", "UpdateItem", "user",
         {"TableName": user, "Key": own,
          "UpdateExpression": "SET datasets_purchased = list_append(datasets_purchased, :d)",
          "ExpressionAttributeValues": {":d": {"L": [_s("Paid-App")]}}}),
        (False, "own row: UpdateItem of username", "UpdateItem", "user",
         {"TableName": user, "Key": own, **set_attribute("username", _s(bob["username"]))}),
        (False, "own row: PutItem", "PutItem", "user",
         {"TableName": user, "Item": {**own, "api_key": _s("planted")}}),
        (False, "another user's row: PutItem (planting a row)", "PutItem", "user",
         {"TableName": user, "Item": {**other, "api_key": _s("planted")}}),
        (False, "own row: DeleteItem", "DeleteItem", "user", {"TableName": user, "Key": own}),
        (False, "user_table: Scan", "Scan", "user", {"TableName": user}),
        (False, "users_username_index: Scan", "Scan", "user",
         {"TableName": user, "IndexName": "users_username_index"}),
        (True, "users_username_index: Query own user name", "Query", "user",
         by("users_username_index", "username", ada["username"], user)),
        (False, "users_username_index: Query another user name", "Query", "user",
         by("users_username_index", "username", bob["username"], user)),
        (True, "owner-active-index: Query own models", "Query", "model",
         by("owner-active-index", "owner_name", ada["username"], model)),
        (False, "owner-active-index: Query another user's models", "Query", "model",
         by("owner-active-index", "owner_name", bob["username"], model)),
        (False, "model_table: GetItem (no condition can tie model_id to its owner)", "GetItem",
         "model", {"TableName": model, "Key": {"model_id": _s("m-1")}}),
        (False, "model_table: Scan", "Scan", "model", {"TableName": model}),
        (False, "model_table: PutItem", "PutItem", "model",
         {"TableName": model, "Item": {"model_id": _s("m-1"), "owner_name": _s(ada["username"])}}),
        (False, "model_table: UpdateItem of download_link", "UpdateItem", "model",
         {"TableName": model, "Key": {"model_id": _s("m-1")},
          **set_attribute("download_link", _s("https://evil.example/x"))}),
        (True, "dataset_table: GetItem", "GetItem", "dataset",
         {"TableName": dataset, "Key": {"dataset_id": _s("Artificien-Health")}}),
        (True, "dataset_table: Scan", "Scan", "dataset", {"TableName": dataset}),
        (True, "placeholder-app: Query", "Query", "dataset",
         by("placeholder-app", "placeholder", "placeholder", dataset)),
        (True, "category-app-index: Query", "Query", "dataset",
         by("category-app-index", "category", "Health", dataset)),
        (True, "owner_username-index: Query own apps", "Query", "dataset",
         by("owner_username-index", "owner_username", ada["username"], dataset)),
        (False, "dataset_table: PutItem (registration moves to the API)", "PutItem", "dataset",
         {"TableName": dataset, "Item": {"dataset_id": _s("Mine"), "hasNode": {"BOOL": True}}}),
        (False, "dataset_table: UpdateItem of numPurchases", "UpdateItem", "dataset",
         {"TableName": dataset, "Key": {"dataset_id": _s("Artificien-Health")},
          **set_attribute("numPurchases", {"N": "1000"})}),
        (False, "dataset_table: UpdateItem of hasNode", "UpdateItem", "dataset",
         {"TableName": dataset, "Key": {"dataset_id": _s("Artificien-Health")},
          **set_attribute("hasNode", {"BOOL": False})}),
        (False, "dataset_table: DeleteItem", "DeleteItem", "dataset",
         {"TableName": dataset, "Key": {"dataset_id": _s("Artificien-Health")}}),
    ]  # fmt: skip


def test_the_allowed_and_denied_requests(role, tables, ada, bob):
    wrong = []
    for expected, what, operation, kind, params in _requests(ada, bob, tables):
        request = dynamodb_request(operation, params, tables[kind], tags=ada["tags"])
        result = evaluate(role["policies"], request)
        if result.allowed is not expected:
            wrong.append(f"{what}: expected {'allow' if expected else 'deny'}, got {result}")
    assert not wrong, "\n".join(wrong)


def test_the_session_tags_are_the_callers_email_and_user_name(tag_map, ada):
    assert tag_map["UseDefaults"] is False
    assert tag_map["PrincipalTags"] == {"email": "email", "username": "cognito:username"}
    assert ada["tags"] == {"email": ada["email"], "username": ada["username"]}


def test_a_session_without_tags_reaches_no_user_row(role, tables, ada):
    own = {"TableName": tables["user"]["TableName"], "Key": {"user_id": _s(ada["email"])}}
    request = dynamodb_request("GetItem", own, tables["user"], tags={})
    assert not evaluate(role["policies"], request).allowed


def test_the_table_key_only_through_dynamodb(deployed, role):
    key = deployed.outputs["kms_key_arn"]
    via = {"kms:ViaService": f"dynamodb.{deployed.outputs['region']}.amazonaws.com"}
    assert evaluate(role["policies"], Request("kms:Decrypt", key, via)).allowed
    assert not evaluate(role["policies"], Request("kms:Decrypt", key)).allowed
    elsewhere = {"kms:ViaService": f"s3.{deployed.outputs['region']}.amazonaws.com"}
    assert not evaluate(role["policies"], Request("kms:Decrypt", key, elsewhere)).allowed


def _arns(table) -> list[str]:
    indexes = table.get("GlobalSecondaryIndexes", [])
    return [table["TableArn"]] + [f"{table['TableArn']}/index/{i['IndexName']}" for i in indexes]


def test_every_statement_on_the_user_table_is_tied_to_the_callers_row(role, tables):
    # the role read back from IAM: no Scan of user_table, LeadingKeys wherever it is reachable
    arns = _arns(tables["user"])
    statements = [s for p in role["policies"] for s in p["Statement"]]
    reaching = [s for s in statements if any(covers(s, arn) for arn in arns)]
    assert len(reaching) == 3
    for statement in reaching:
        condition = statement.get("Condition", {})
        assert condition["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"], statement
        assert condition["Null"]["dynamodb:LeadingKeys"] == "false", statement
        assert not any(covers(statement, arn, "dynamodb:Scan") for arn in arns), statement


def test_no_browser_write_to_models_or_datasets(role, tables):
    statements = [s for p in role["policies"] for s in p["Statement"]]
    for kind in ("model", "dataset"):
        granted = [
            (action, statement.get("Sid"), arn)
            for statement in statements
            for action in WRITES
            for arn in _arns(tables[kind])
            if covers(statement, arn, action)
        ]
        assert granted == [], f"{kind} writable: {granted}"


def test_the_trust_admits_tagged_sessions_of_signed_in_users_of_this_pool_only(deployed, role):
    pool = deployed.outputs["identity_pool_id"]
    cognito = ("Federated", "cognito-identity.amazonaws.com")
    signed_in = {
        "cognito-identity.amazonaws.com:aud": pool,
        "cognito-identity.amazonaws.com:amr": [
            "authenticated",
            deployed.outputs["user_pool_endpoint"],
        ],
    }
    arn = deployed.outputs["authenticated_role_arn"]

    def admitted(action, context=signed_in, principal=cognito):
        return evaluate([role["trust"]], Request(action, arn, context, principal)).allowed

    assert admitted("sts:AssumeRoleWithWebIdentity")
    assert admitted("sts:TagSession")
    assert not admitted("sts:TagSession", {**signed_in, "cognito-identity.amazonaws.com:aud": "x"})
    guest = {**signed_in, "cognito-identity.amazonaws.com:amr": ["unauthenticated"]}
    assert not admitted("sts:AssumeRoleWithWebIdentity", guest)
    assert not admitted("sts:AssumeRole", principal=("AWS", "arn:aws:iam::123456789012:root"))


def test_a_new_email_takes_effect_only_once_verified(deployed):
    pool = deployed.client("cognito-idp").describe_user_pool(
        UserPoolId=deployed.outputs["user_pool_id"]
    )["UserPool"]
    settings = pool["UserAttributeUpdateSettings"]
    assert settings["AttributesRequireVerificationBeforeUpdate"] == ["email"]


def test_every_policy_document_of_the_deployed_plan_passes_parliament(deployed):
    # GIVEN the suite's re-plan after apply: build/local.tfplan.json with every document known
    plan = iam_lint.read_plan(Path(deployed.env_vars["ARTIFICIEN_BUILD_DIR"]) / "local.tfplan.json")
    waivers = iam_lint.load_waivers(ROOT / iam_lint.EXCEPTIONS_FILE)
    # WHEN parliament lints them THEN every finding is a reasoned exception
    report = iam_lint.lint(plan, waivers)
    assert report.unknown == []
    assert report.documents >= 20
    assert report.findings == [], "\n".join(map(str, report.findings))
    # AND the gate, as `check` runs it, agrees
    result = deployed.cli("check", "--only", "iam", "--plan-env", "local")
    assert result.returncode == 0, result.stderr[-6000:]
    assert "iam local" in result.stderr
