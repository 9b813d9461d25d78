"""The model table and the models bucket, behind the small interface the logic needs."""

from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from model_api.config import Config
from shared import dynamo

_NOT_FOUND_CODES = {"404", "NoSuchKey", "NotFound"}
_deserializer = TypeDeserializer()


def _from_dynamodb(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


class AwsModelStore:
    """Reads model items from DynamoDB and signs artifact downloads on S3."""

    def __init__(
        self, dynamodb: Any, s3: Any, config: Config, page_size: int | None = None
    ) -> None:
        self._dynamodb = dynamodb
        self._s3 = s3
        self._config = config
        self._by_owner = dynamo.IndexQuery(
            dynamodb, config.model_table, config.owner_index, "owner_name"
        )
        # None: DynamoDB's own page size (1 MB); tests use small pages to exercise pagination.
        self._pagination = {"PageSize": page_size} if page_size else {}

    def models_of(self, owner: str) -> list[dict[str, Any]]:
        """Every model item of `owner`, following the index query's pages to the end."""
        pages = self._by_owner.pages(owner, PaginationConfig=self._pagination)
        return [_from_dynamodb(item) for page in pages for item in page.get("Items", [])]

    def get_model(self, model_id: str) -> dict[str, Any] | None:
        answer = self._dynamodb.get_item(
            TableName=self._config.model_table,
            Key={"model_id": {"S": model_id}},
            ConsistentRead=True,
        )
        item = answer.get("Item")
        return _from_dynamodb(item) if item else None

    def artifact_exists(self, key: str) -> bool:
        try:
            self._s3.head_object(Bucket=self._config.model_bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _NOT_FOUND_CODES:
                return False
            raise
        return True

    def presign(self, key: str, expires_in: int) -> str:
        return self._s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._config.model_bucket, "Key": key},
            ExpiresIn=expires_in,
        )
