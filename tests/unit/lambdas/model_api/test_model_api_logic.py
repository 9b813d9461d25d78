"""Pure parts of the model API and its storage adapter."""

from decimal import Decimal

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from model_api import logic
from model_api.config import Config
from model_api.store import AwsModelStore


def _validate(raw: str) -> tuple[str | None, int | None]:
    try:
        return logic.validate_model_id(raw), None
    except logic.ApiError as error:
        return None, error.status


@given(st.text(max_size=260))
def test_validate_model_id_only_ever_accepts_or_answers_400(raw):
    # GIVEN any text as a model id
    # WHEN it is validated
    model_id, status = _validate(raw)

    # THEN it is either refused with a 400 or accepted as one safe key segment
    if model_id is None:
        assert status == 400
    else:
        key = logic.artifact_key({"owner_name": "alice", "model_id": model_id, "version": "1"})
        assert key is not None
        assert key == f"alice/{model_id}-1.pkl"
        assert key.split("/") == ["alice", f"{model_id}-1.pkl"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1"), 1),
        (Decimal("1E+2"), 100),
        (Decimal("42.5"), 42.5),
        ({"a": [Decimal("0.1"), "x"]}, {"a": [0.1, "x"]}),
        ({Decimal("2"), Decimal("1")}, [1, 2]),
        (b"\x00\x01", "AAE="),
        (True, True),
        (None, None),
    ],
)
def test_to_json_value(value, expected):
    assert logic.to_json_value(value) == expected


def test_newest_first_puts_undated_models_last_and_breaks_ties_by_id():
    models = [
        {"model_id": "b", "date_submitted": "20240101"},
        {"model_id": "undated"},
        {"model_id": "a", "date_submitted": "20240101"},
        {"model_id": "c", "date_submitted": "20240202"},
    ]
    assert [m["model_id"] for m in logic.newest_first(models)] == ["c", "b", "a", "undated"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"owner_name": "alice", "model_id": "m", "version": "2"}, "alice/m-2.pkl"),
        ({"owner_name": "alice", "model_id": "m", "version": Decimal("3")}, "alice/m-3.pkl"),
        ({"owner_name": "alice", "model_id": "m"}, None),
        ({"owner_name": "alice", "model_id": "m", "version": True}, None),
        ({"owner_name": "alice", "model_id": "m", "version": ".."}, None),
        ({"owner_name": "al/ice", "model_id": "m", "version": "1"}, None),
    ],
)
def test_artifact_key(item, expected):
    assert logic.artifact_key(item) == expected


class _DeniedS3:
    def head_object(self, **_):
        raise ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "HeadObject")


def test_artifact_check_does_not_hide_access_errors_as_missing():
    # GIVEN S3 refuses the HeadObject (e.g. a KMS or bucket policy problem)
    store = AwsModelStore(dynamodb=None, s3=_DeniedS3(), config=Config("t", "b"))

    # WHEN the artifact is checked THEN the error surfaces (the handler turns it into a 500)
    with pytest.raises(ClientError):
        store.artifact_exists("alice/m-1.pkl")


def test_listing_follows_every_page_of_the_index(aws):
    # GIVEN alice owns five models and the index is read two items per page
    for n in range(5):
        aws.put_model(f"m-{n}", "alice", f"2024010{n + 1}")
    first_page = aws.dynamodb.query(
        TableName="local-model_table",
        IndexName="owner-active-index",
        KeyConditionExpression="owner_name = :o",
        ExpressionAttributeValues={":o": {"S": "alice"}},
        Limit=2,
    )
    assert "LastEvaluatedKey" in first_page  # the listing really spans several pages
    store = AwsModelStore(aws.dynamodb, aws.s3, Config("local-model_table", "b"), page_size=2)

    # WHEN her models are read
    models = store.models_of("alice")

    # THEN all five come back
    assert sorted(m["model_id"] for m in models) == [f"m-{n}" for n in range(5)]
