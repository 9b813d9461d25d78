"""The test-side IAM evaluator (tests/iam_eval.py) and DynamoDB request contexts
(tests/dynamodb_requests.py): each documented rule, with a case that must fail."""

import pytest

from dynamodb_requests import dynamodb_request, partition_keys
from iam_eval import Decision, PolicyError, Request, covers, evaluate, statement_applies

ACCOUNT = "111122223333"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/test-user_table"


def _policy(*statements: dict, version: str = "2012-10-17") -> dict:
    return {"Version": version, "Statement": list(statements)}


def _allow(**element) -> dict:
    return {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE, **element}


def _decide(policy: dict, action="dynamodb:GetItem", resource=TABLE, **context) -> Decision:
    return evaluate([policy], Request(action, resource, context)).decision


# Effects ----------------------------------------------------------------------------------------


def test_an_explicit_deny_beats_an_allow():
    policy = _policy(_allow(Sid="Read"), {**_allow(), "Effect": "Deny", "Sid": "NoRead"})
    result = evaluate([policy], Request("dynamodb:GetItem", TABLE))
    assert result.decision is Decision.EXPLICIT_DENY
    assert result.denied_by == ("NoRead",)
    assert not result.allowed


def test_nothing_applicable_is_an_implicit_deny():
    assert _decide(_policy(_allow()), action="dynamodb:PutItem") is Decision.IMPLICIT_DENY


def test_statements_of_several_policies_combine():
    other = _policy({**_allow(), "Action": "dynamodb:Query"})
    result = evaluate([_policy(_allow()), other], Request("dynamodb:Query", TABLE))
    assert result.allowed
    assert result.allowed_by == ("policy 1 statement 0",)


def test_a_single_statement_object_is_accepted():
    assert _decide({"Version": "2012-10-17", "Statement": _allow()}) is Decision.ALLOW


# Actions and resources --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "action", "allowed"),
    [
        ("dynamodb:Get*", "dynamodb:GetItem", True),
        ("dynamodb:get*", "DynamoDB:GETITEM", True),
        ("dynamodb:Get*", "dynamodb:BatchGetItem", False),
        ("dynamodb:?etItem", "dynamodb:GetItem", True),
        ("dynamodb:?etItem", "dynamodb:PutItems", False),
        ("dynamodb:*", "kms:Decrypt", False),
        ("*", "kms:Decrypt", True),
    ],
)
def test_actions_match_with_wildcards_and_ignore_case(pattern, action, allowed):
    decision = _decide(_policy({**_allow(), "Action": pattern}), action=action)
    assert (decision is Decision.ALLOW) is allowed


def test_not_action_allows_everything_else():
    policy = _policy({"Effect": "Allow", "NotAction": ["dynamodb:Scan"], "Resource": "*"})
    assert _decide(policy, action="dynamodb:GetItem") is Decision.ALLOW
    assert _decide(policy, action="dynamodb:Scan") is Decision.IMPLICIT_DENY


def test_not_resource_covers_everything_else():
    policy = _policy({"Effect": "Allow", "Action": "dynamodb:GetItem", "NotResource": TABLE})
    other = TABLE.replace("user_table", "model_table")
    assert _decide(policy, resource=other) is Decision.ALLOW
    assert _decide(policy, resource=TABLE) is Decision.IMPLICIT_DENY


@pytest.mark.parametrize(
    ("pattern", "resource", "allowed"),
    [
        (TABLE, TABLE, True),
        (TABLE, TABLE + "/index/users_username_index", False),
        # the resource part is matched as a whole: a trailing * reaches the indexes too
        (TABLE + "*", TABLE + "/index/users_username_index", True),
        (f"arn:aws:dynamodb:*:{ACCOUNT}:table/test-user_table", TABLE, True),
        # a wildcard never crosses one of the first five colons
        ("arn:aws:dynamodb:*:table/test-user_table", TABLE, False),
        (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/test-?ser_table", TABLE, True),
        (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/TEST-user_table", TABLE, False),
        (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/test.user_table", TABLE, False),
    ],
)
def test_resources_match_per_arn_segment(pattern, resource, allowed):
    decision = _decide(_policy(_allow(Resource=pattern)), resource=resource)
    assert (decision is Decision.ALLOW) is allowed


# Policy variables -------------------------------------------------------------------------------

ROW = "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"


def test_a_variable_in_a_resource_takes_the_callers_value():
    policy = _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": ROW})
    own = "arn:aws:s3:::bucket/blue/a.csv"
    other = "arn:aws:s3:::bucket/red/a.csv"
    assert _decide(policy, "s3:GetObject", own, **{"aws:PrincipalTag/team": "blue"}) is (
        Decision.ALLOW
    )
    assert _decide(policy, "s3:GetObject", other, **{"aws:PrincipalTag/team": "blue"}) is (
        Decision.IMPLICIT_DENY
    )


def test_a_substituted_value_is_literal_never_a_wildcard():
    policy = _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": ROW})
    sneaky = {"aws:PrincipalTag/team": "*"}
    assert _decide(policy, "s3:GetObject", "arn:aws:s3:::bucket/red/a", **sneaky) is (
        Decision.IMPLICIT_DENY
    )


def test_an_unresolved_variable_matches_nothing_unless_it_has_a_default():
    policy = _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": ROW})
    assert _decide(policy, "s3:GetObject", "arn:aws:s3:::bucket/blue/a") is Decision.IMPLICIT_DENY
    with_default = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'public'}/*",
        }
    )
    assert _decide(with_default, "s3:GetObject", "arn:aws:s3:::bucket/public/a") is Decision.ALLOW


def test_variables_are_literal_text_in_a_2008_policy():
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ROW}
    old = _policy(statement, version="2008-10-17")
    tags = {"aws:PrincipalTag/team": "blue"}
    assert _decide(old, "s3:GetObject", "arn:aws:s3:::bucket/blue/a", **tags) is (
        Decision.IMPLICIT_DENY
    )


def test_escaped_characters():
    policy = _policy(_allow(Condition={"StringEquals": {"aws:PrincipalTag/x": "a${*}b${$}"}}))
    assert _decide(policy, **{"aws:PrincipalTag/x": "a*b$"}) is Decision.ALLOW
    assert _decide(policy, **{"aws:PrincipalTag/x": "aXb$"}) is Decision.IMPLICIT_DENY


# Conditions -------------------------------------------------------------------------------------

OWN_ROW = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/email}"]}}
ADA = {"aws:PrincipalTag/email": "ada@example.com"}


def test_leading_keys_follow_the_callers_tag():
    policy = _policy(_allow(Condition=OWN_ROW))
    own = {"dynamodb:LeadingKeys": ["ada@example.com"]}
    assert _decide(policy, **ADA, **own) is Decision.ALLOW
    other = {"dynamodb:LeadingKeys": ["bob@example.com"]}
    assert _decide(policy, **ADA, **other) is Decision.IMPLICIT_DENY
    both = {"dynamodb:LeadingKeys": ["ada@example.com", "bob@example.com"]}
    assert _decide(policy, **ADA, **both) is Decision.IMPLICIT_DENY


def test_for_all_values_holds_vacuously_for_an_absent_key_and_null_closes_that():
    # GIVEN the row condition alone, WHEN the request carries no LeadingKeys, THEN it holds
    assert _decide(_policy(_allow(Condition=OWN_ROW)), **ADA) is Decision.ALLOW
    # AND with Null = false next to it, the same request is denied
    closed = {**OWN_ROW, "Null": {"dynamodb:LeadingKeys": "false"}}
    assert _decide(_policy(_allow(Condition=closed)), **ADA) is Decision.IMPLICIT_DENY


def test_a_missing_tag_fails_the_condition():
    policy = _policy(_allow(Condition=OWN_ROW))
    assert _decide(policy, **{"dynamodb:LeadingKeys": ["${aws:PrincipalTag/email}"]}) is (
        Decision.IMPLICIT_DENY
    )


def test_for_all_values_on_attributes():
    allowed = ["user_id", "has_onboarded", "role"]
    policy = _policy(
        _allow(Condition={"ForAllValues:StringEquals": {"dynamodb:Attributes": allowed}})
    )
    assert _decide(policy, **{"dynamodb:Attributes": ["user_id", "role"]}) is Decision.ALLOW
    leaky = {"dynamodb:Attributes": ["user_id", "api_key"]}
    assert _decide(policy, **leaky) is Decision.IMPLICIT_DENY


def test_for_any_value():
    policy = _policy(_allow(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}))
    assert _decide(policy, **{"aws:TagKeys": ["z", "b"]}) is Decision.ALLOW
    assert _decide(policy, **{"aws:TagKeys": ["z"]}) is Decision.IMPLICIT_DENY
    assert _decide(policy) is Decision.IMPLICIT_DENY  # absent: false


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [
        ({"StringEquals": {"k": "v"}}, {"k": "v"}, True),
        ({"StringEquals": {"k": "v"}}, {"k": "V"}, False),
        ({"StringEquals": {"k": "v"}}, {}, False),
        ({"StringEquals": {"K": ["a", "v"]}}, {"k": "v"}, True),  # values OR; keys ignore case
        ({"StringEquals": {"k": "v", "j": "w"}}, {"k": "v"}, False),  # keys AND
        ({"StringEqualsIgnoreCase": {"k": "v"}}, {"k": "V"}, True),
        ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "c"}, True),
        ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "b"}, False),  # negated: NOR
        ({"StringNotEquals": {"k": "a"}}, {}, True),  # negated, key absent: true
        (
            {"StringLike": {"k": "dynamodb.*.amazonaws.com"}},
            {"k": "dynamodb.x.amazonaws.com"},
            True,
        ),
        ({"StringLike": {"k": "a?c"}}, {"k": "abbc"}, False),
        ({"StringEquals": {"k": "a*"}}, {"k": "abc"}, False),  # no wildcards in Equals
        ({"StringNotLike": {"k": "a*"}}, {"k": "abc"}, False),
        ({"StringEqualsIfExists": {"k": "v"}}, {}, True),
        ({"StringEqualsIfExists": {"k": "v"}}, {"k": "w"}, False),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "False"}, True),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "true"}, False),
        ({"Bool": {"aws:SecureTransport": "false"}}, {}, False),
        ({"Null": {"k": "true"}}, {}, True),
        ({"Null": {"k": "true"}}, {"k": "v"}, False),
        ({"Null": {"k": "false"}}, {"k": "v"}, True),
        ({"Null": {"k": "false"}}, {"k": []}, False),  # an empty list is an absent key
        ({"NumericLessThan": {"n": "10"}}, {"n": "9.5"}, True),
        ({"NumericLessThan": {"n": "10"}}, {"n": "10"}, False),
        ({"NumericNotEquals": {"n": "1"}}, {"n": "1"}, False),
        ({"ArnLike": {"a": "arn:aws:iam::*:role/x-*"}}, {"a": "arn:aws:iam::1:role/x-y"}, True),
        ({"ArnNotLike": {"a": "arn:aws:iam::*:role/x-*"}}, {"a": "arn:aws:iam::1:role/z"}, True),
        ({"ArnEquals": {"a": "arn:aws:iam::1:role/x"}}, {"a": "arn:aws:iam::1:role/y"}, False),
    ],
)
def test_condition_operators(condition, context, holds):
    decision = _decide(_policy(_allow(Condition=condition)), **context)
    assert (decision is Decision.ALLOW) is holds


def test_a_deny_with_an_unmet_condition_does_not_apply():
    tls_only = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    policy = _policy(_allow(), tls_only)
    assert _decide(policy, **{"aws:SecureTransport": "true"}) is Decision.ALLOW
    assert _decide(policy, **{"aws:SecureTransport": "false"}) is Decision.EXPLICIT_DENY


# Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "context", "message"),
    [
        (_allow(Condition={"DateLessThan": {"aws:CurrentTime": "2030"}}), {}, "not supported"),
        (_allow(Condition={"ForSomeValues:StringEquals": {"k": "v"}}), {}, "set operator"),
        (_allow(Condition={"StringEquals": {"k": "v"}}), {"k": ["v", "w"]}, "several values"),
        (_allow(Condition={"Null": {"k": "yes"}}), {}, "Null takes"),
        ({**_allow(), "Effect": "Permit"}, {}, "Effect"),
        ({"Effect": "Allow", "Resource": TABLE}, {}, "Action or NotAction"),
        ({"Effect": "Allow", "Action": "dynamodb:*"}, {}, "Resource or NotResource"),
        ({**_allow(), "NotAction": "s3:*"}, {}, "not both"),
    ],
)
def test_what_it_cannot_decide_is_an_error(statement, context, message):
    with pytest.raises(PolicyError, match=message):
        _decide(_policy(statement), **context)


# Trust policies ---------------------------------------------------------------------------------

TRUST = {
    "Effect": "Allow",
    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
    "Condition": {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
        "ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"},
    },
}
COGNITO = ("Federated", "cognito-identity.amazonaws.com")
SIGNED_IN = {
    "cognito-identity.amazonaws.com:aud": "us-east-1:pool",
    "cognito-identity.amazonaws.com:amr": ["authenticated", "cognito-idp"],
}


def _trust(action, principal=COGNITO, context=SIGNED_IN) -> bool:
    request = Request(action, "arn:aws:iam::1:role/r", context, principal)
    return evaluate([_policy(TRUST)], request).allowed


def test_trust_admits_signed_in_identities_of_its_pool_with_tags():
    assert _trust("sts:TagSession")
    assert _trust("sts:AssumeRoleWithWebIdentity")
    assert not _trust("sts:AssumeRole")
    assert not _trust("sts:TagSession", principal=("Federated", "accounts.google.com"))
    guest = {**SIGNED_IN, "cognito-identity.amazonaws.com:amr": ["unauthenticated"]}
    assert not _trust("sts:TagSession", context=guest)
    other_pool = {**SIGNED_IN, "cognito-identity.amazonaws.com:aud": "us-east-1:other"}
    assert not _trust("sts:AssumeRoleWithWebIdentity", context=other_pool)


def test_a_principal_statement_needs_a_request_principal_and_no_not_principal():
    with pytest.raises(PolicyError, match="give the request a principal"):
        statement_applies(TRUST, Request("sts:TagSession", "*", SIGNED_IN))
    with pytest.raises(PolicyError, match="NotPrincipal"):
        statement_applies(
            {**TRUST, "NotPrincipal": "*"}, Request("sts:TagSession", "*", {}, COGNITO)
        )


# DynamoDB request contexts ----------------------------------------------------------------------

USER_TABLE = {
    "TableName": "test-user_table",
    "TableArn": TABLE,
    "KeySchema": [{"AttributeName": "user_id", "KeyType": "HASH"}],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "users_username_index",
            "KeySchema": [{"AttributeName": "username", "KeyType": "HASH"}],
        }
    ],
}


def test_partition_keys_of_the_table_and_its_indexes():
    assert partition_keys(USER_TABLE) == {None: "user_id", "users_username_index": "username"}


def test_update_item_names_its_key_and_every_attribute_in_its_expressions():
    request = dynamodb_request(
        "UpdateItem",
        {
            "TableName": "test-user_table",
            "Key": {"user_id": {"S": "ada@example.com"}},
            "UpdateExpression": "SET #r = :r, has_onboarded = if_not_exists(x.y[0], :o) REMOVE z",
            "ConditionExpression": "attribute_exists(user_id) AND size(#d) < :n",
            "ExpressionAttributeNames": {"#r": "role", "#d": "datasets_purchased"},
            "ExpressionAttributeValues": {":r": {"S": "1"}, ":o": {"S": "1"}, ":n": {"N": "3"}},
        },
        USER_TABLE,
        tags={"email": "ada@example.com"},
    )
    assert request.action == "dynamodb:UpdateItem"
    assert request.resource == TABLE
    assert request.context == {
        "aws:PrincipalTag/email": "ada@example.com",
        "dynamodb:LeadingKeys": ["ada@example.com"],
        "dynamodb:Attributes": ["datasets_purchased", "has_onboarded", "role", "user_id", "x", "z"],
        "dynamodb:ReturnValues": "NONE",
    }


def test_query_on_an_index_leads_with_the_index_partition_key():
    request = dynamodb_request(
        "Query",
        {
            "TableName": "test-user_table",
            "IndexName": "users_username_index",
            "KeyConditionExpression": ":u = #n",
            "ExpressionAttributeNames": {"#n": "username"},
            "ExpressionAttributeValues": {":u": {"S": "ada"}},
        },
        USER_TABLE,
    )
    assert request.resource == TABLE + "/index/users_username_index"
    assert request.context["dynamodb:LeadingKeys"] == ["ada"]
    assert request.context["dynamodb:Select"] == "ALL_PROJECTED_ATTRIBUTES"
    assert request.context["dynamodb:Attributes"] == ["username"]


def test_scan_carries_no_leading_keys():
    request = dynamodb_request("Scan", {"TableName": "test-user_table"}, USER_TABLE)
    assert request.context == {"dynamodb:Select": "ALL_ATTRIBUTES"}


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        ("GetItem", {"TableName": "other", "Key": {}}, "is not"),
        ("BatchGetItem", {"TableName": "test-user_table"}, "unsupported"),
        ("Query", {"TableName": "test-user_table", "IndexName": "nope"}, "no index"),
        (
            "Query",
            {"TableName": "test-user_table", "KeyConditionExpression": "x = :x"},
            "does not fix user_id",
        ),
    ],
)
def test_requests_it_cannot_describe_are_errors(operation, params, message):
    with pytest.raises(ValueError, match=message):
        dynamodb_request(operation, params, USER_TABLE)


def test_the_role_before_fine_grained_access_lets_anyone_scan_every_account():
    # GIVEN the website role as it was: item calls and Query/Scan on every table, no conditions
    before = _policy(
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"],
            "Resource": TABLE,
        },
        {"Effect": "Allow", "Action": ["dynamodb:Query", "dynamodb:Scan"], "Resource": TABLE},
    )
    scan = dynamodb_request("Scan", {"TableName": "test-user_table"}, USER_TABLE, tags=ADA)
    update = dynamodb_request(
        "UpdateItem",
        {
            "TableName": "test-user_table",
            "Key": {"user_id": {"S": "bob@example.com"}},
            "UpdateExpression": "SET api_key = :k",
            "ExpressionAttributeValues": {":k": {"S": "mine"}},
        },
        USER_TABLE,
        tags=ADA,
    )
    # THEN the evaluator reports exactly the holes issue 13 describes
    assert evaluate([before], scan).allowed
    assert evaluate([before], update).allowed


def test_covers_ignores_conditions_but_not_actions_or_resources():
    statement = _allow(Resource=[TABLE + "*"], Condition=OWN_ROW)
    index = TABLE + "/index/users_username_index"
    assert covers(statement, index)
    assert covers(statement, index, "dynamodb:GetItem")
    assert not covers(statement, TABLE, "dynamodb:Scan")
    assert not covers(statement, TABLE.replace("user", "model"))
