"""Pure logic of the registration API: who is calling, what they sent, and what to answer.

Nothing here talks to AWS: the tables are any object with the :class:`MarketplaceStore` methods,
the running nodes any :class:`NodeDirectory`. A registration is held to exactly the rule the
sample generator applies (:func:`shared.dataset.parse_item`, limits included), plus what only a
registration has: a request body, fields the server owns, an owner from the token, a per-owner
app limit and the node names already taken.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from shared import dataset, http
from shared.http import JSON_HEADERS, ApiError, json_response  # noqa: F401 (the API's names)
from shared.slug import InvalidSlugSource, slugify

ROUTE_REGISTER = "POST /datasets"
ROUTE_PURCHASE = "POST /datasets/{dataset_id}/purchase"
ROUTES = (ROUTE_REGISTER, ROUTE_PURCHASE)

# A DynamoDB item holds at most 400 KB; a registration body of at most this many bytes (decoded)
# always fits, with room for the fields the server adds.
MAX_BODY_BYTES = 256 * 1024
MAX_TEXT_LENGTH = 2048  # category, URLs, one description
MAX_CATEGORY_LENGTH = 100
MAX_USERNAME_LENGTH = 128
MAX_EMAIL_LENGTH = 254

# The register form's fields (docs/marketplace-api.md); everything else in a body is refused.
REQUIRED_FIELDS = ("dataset_id", "category", "appURL", "attributes", "attributeTypes")
OPTIONAL_FIELDS = (
    "logo_image_url",
    "attributeRangeMins",
    "attributeRangeMaxes",
    "attributeDescriptions",
    "predictable_attributes",
)
FORM_FIELDS = frozenset(REQUIRED_FIELDS + OPTIONAL_FIELDS)
# Set by the server (or later by the node manager and the orchestration node), never by a body.
SERVER_FIELDS = frozenset(
    {"owner_username", "app", "placeholder", "numPurchases", "hasNode", "properlySetUp", "nodeURL"}
)
PLACEHOLDER = "placeholder"
# Every attribute a registration may store: modules/marketplace_api allows the function's PutItem
# exactly these (dynamodb:Attributes).
STORED_FIELDS = FORM_FIELDS | {
    "owner_username",
    "app",
    "placeholder",
    "numPurchases",
    "hasNode",
    "properlySetUp",
}


@dataclass(frozen=True)
class Caller:
    """Who the JWT authorizer let through. ``email`` only from an ID token."""

    username: str
    email: str | None = None
    email_verified: bool = False


@dataclass(frozen=True)
class Request:
    route: str
    caller: Caller
    dataset_id: str | None = None  # the purchase's path parameter
    body: dict[str, Any] | None = None  # the registration's JSON object


class Purchase(enum.Enum):
    """What one purchase transaction found."""

    ADDED = "added"  # the id joined the list, numPurchases + 1
    ALREADY_OWNED = "already_owned"  # nothing changed
    NO_DATASET = "no_dataset"  # nothing changed
    NO_ACCOUNT = "no_account"  # nothing changed


class MarketplaceStore(Protocol):
    def count_datasets_of(self, owner: str) -> int: ...

    def put_new_dataset(self, item: dict[str, Any]) -> bool:
        """Store ``item`` unless its ``dataset_id`` exists; False (nothing written) if it does."""
        ...

    def purchase(self, user_id: str, dataset_id: str) -> Purchase: ...


class NodeDirectory(Protocol):
    def node_exists(self, slug: str) -> bool:
        """True when a PyGrid node named by ``slug`` runs (or is being stopped)."""
        ...


# -- the caller ------------------------------------------------------------------------------


def _plain_text(value: Any, max_length: int) -> bool:
    """A non-empty string without surrounding spaces or control/invisible characters."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= max_length
        and value.strip() == value
        and not any(unicodedata.category(ch)[0] == "C" for ch in value)
    )


def caller_from_claims(claims: Any) -> Caller:
    """The caller from the JWT authorizer's claims: ``cognito:username`` of an ID token (or
    ``username`` of an access token), and an ID token's ``email`` and ``email_verified``."""
    username = http.username_claim(claims)
    if not _plain_text(username, MAX_USERNAME_LENGTH) or "/" in username:
        raise ApiError(401, http.UNAUTHORIZED)
    email = claims.get("email")
    if email is not None and not (_plain_text(email, MAX_EMAIL_LENGTH) and "@" in email):
        raise ApiError(401, "malformed email claim")
    # API Gateway hands every claim over as a string.
    verified = str(claims.get("email_verified", "")).lower() == "true"
    return Caller(username=username, email=email, email_verified=verified)


# -- the body --------------------------------------------------------------------------------


class _BadJson(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _BadJson(f"body is not valid JSON: {name} is not a JSON number")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _BadJson(f"body is not valid JSON: field {key!r} appears twice")
        result[key] = value
    return result


def _body_bytes(raw: str, *, encoded: bool) -> bytes:
    """The body's bytes; a base64 text may be a third longer than the bytes it holds."""
    if len(raw) > ((MAX_BODY_BYTES // 3 + 1) * 4 if encoded else MAX_BODY_BYTES):
        raise ApiError(413, f"body is larger than {MAX_BODY_BYTES} bytes")
    if not encoded:
        try:
            return raw.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(400, "body is not valid UTF-8") from None
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "body is not valid base64") from None


def parse_body(event: Mapping[str, Any]) -> dict[str, Any]:
    """The request body as a JSON object: base64-decoded when API Gateway encoded it, at most
    ``MAX_BODY_BYTES``, strict UTF-8 and strict JSON (no NaN/Infinity, no repeated field)."""
    raw = event.get("body")
    if raw is None or raw == "":
        raise ApiError(400, "a JSON body is required")
    if not isinstance(raw, str):
        raise ApiError(400, "body is not valid JSON")
    data = _body_bytes(raw, encoded=event.get("isBase64Encoded") is True)
    if len(data) > MAX_BODY_BYTES:
        raise ApiError(413, f"body is larger than {MAX_BODY_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "body is not valid UTF-8") from None
    try:
        value = json.loads(
            text,
            parse_constant=_refuse_constant,
            object_pairs_hook=_object_without_duplicates,
        )
    except _BadJson as error:
        raise ApiError(400, str(error)) from None
    except (ValueError, RecursionError):
        raise ApiError(400, "body is not valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(400, "body must be a JSON object")
    return value


# -- the request -----------------------------------------------------------------------------


def validate_path_dataset_id(raw: Any) -> str:
    """The purchase's dataset id (as API Gateway decoded it), by the generator's rule."""
    try:
        return dataset.validate_dataset_id(raw)
    except dataset.InvalidDataset as error:
        raise ApiError(400, str(error), error.field) from None


def parse_request(event: Any) -> Request:
    """Validate an HTTP API payload-2.0 event: route, caller, and the route's input."""
    route = http.route_key(event, ROUTES)
    caller = caller_from_claims(http.claims(event))
    if route == ROUTE_REGISTER:
        return Request(route=route, caller=caller, body=parse_body(event))
    if caller.email is None:
        raise ApiError(401, "purchases need the ID token: this token carries no email claim")
    if not caller.email_verified:
        raise ApiError(403, "your email address is not verified yet")
    path_parameters = event.get("pathParameters")
    raw_id = path_parameters.get("dataset_id") if isinstance(path_parameters, Mapping) else None
    return Request(route=route, caller=caller, dataset_id=validate_path_dataset_id(raw_id))


# -- registration ----------------------------------------------------------------------------


def _fields(names: set[str], limit: int = 5) -> str:
    listed = sorted(names)
    shown = ", ".join(listed[:limit])
    return shown + (f" and {len(listed) - limit} more" if len(listed) > limit else "")


def _check_field_names(body: Mapping[str, Any]) -> None:
    server = SERVER_FIELDS & body.keys()
    if server:
        raise ApiError(
            400,
            f"{_fields(server)}: set by the server, not accepted in a registration",
            sorted(server)[0],
        )
    if "num_devices" in body:
        # The website never sends it; a registrant's number would only size the sample, which
        # the platform decides (DEFAULT_SAMPLE_ROWS within the size limit).
        raise ApiError(
            400,
            "num_devices: not accepted in a registration (samples get the platform's default"
            " number of rows)",
            "num_devices",
        )
    unknown = body.keys() - FORM_FIELDS
    if unknown:
        raise ApiError(400, f"{_fields(unknown)}: not a registration field", sorted(unknown)[0])
    for name in REQUIRED_FIELDS:
        if name not in body:
            raise ApiError(400, f"{name}: required", name)
    for name in FORM_FIELDS & body.keys():
        # No form field is an object; refusing objects also keeps a body in DynamoDB JSON
        # (``{"S": ...}`` wrappers) from being read as one.
        if isinstance(body[name], Mapping):
            raise ApiError(400, f"{name}: an object is not accepted here", name)


def _check_dataset_id(dataset_id: str) -> str:
    """What an id must be to register, beyond making a sample: one that cannot pass for
    another in the catalogue or on a node's host name."""
    if dataset_id.strip() != dataset_id:
        raise ApiError(400, "dataset_id: has leading or trailing spaces", "dataset_id")
    if unicodedata.normalize("NFKC", dataset_id) != dataset_id:
        raise ApiError(
            400,
            "dataset_id: contains look-alike characters (not in Unicode NFKC form)",
            "dataset_id",
        )
    try:
        return slugify(dataset_id)
    except InvalidSlugSource:
        raise ApiError(400, "dataset_id: cannot name a node", "dataset_id") from None


def _text(body: Mapping[str, Any], name: str, max_length: int, required: bool) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not _plain_text(value, max_length):
        raise ApiError(
            400,
            f"{name}: must be a string of 1-{max_length} characters without surrounding spaces"
            " or control characters",
            name,
        )
    return value


def _app_url(body: Mapping[str, Any]) -> str:
    url = _text(body, "appURL", MAX_TEXT_LENGTH, required=True)
    assert url is not None
    if not url.lower().startswith("https://") or any(ch.isspace() for ch in url):
        raise ApiError(400, "appURL: must be an https:// URL without spaces", "appURL")
    return url


def _strings(body: Mapping[str, Any], name: str) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ApiError(400, f"{name}: must be a list of strings", name)
    for index, element in enumerate(value):
        if not isinstance(element, str):
            raise ApiError(400, f"{name}[{index}]: must be a string", f"{name}[{index}]")
    return value


def _descriptions(body: Mapping[str, Any], attributes: list[str]) -> list[str] | None:
    descriptions = _strings(body, "attributeDescriptions")
    if descriptions is None:
        return None
    if len(descriptions) != len(attributes):
        raise ApiError(
            400,
            f"attributeDescriptions: {len(descriptions)} descriptions for {len(attributes)}"
            " attributes",
            "attributeDescriptions",
        )
    for index, text in enumerate(descriptions):
        if len(text) > MAX_TEXT_LENGTH:
            field = f"attributeDescriptions[{index}]"
            raise ApiError(400, f"{field}: longer than {MAX_TEXT_LENGTH} characters", field)
    return descriptions


def _predictable(body: Mapping[str, Any], attributes: list[str]) -> list[str] | None:
    predictable = _strings(body, "predictable_attributes")
    if predictable is None:
        return None
    declared = set(attributes)
    for index, name in enumerate(predictable):
        if name not in declared:
            field = f"predictable_attributes[{index}]"
            raise ApiError(400, f"{field}: {name!r} is not a declared attribute", field)
    if len(set(predictable)) != len(predictable):
        raise ApiError(
            400, "predictable_attributes: lists an attribute twice", "predictable_attributes"
        )
    return predictable


def registration_item(
    body: Mapping[str, Any], owner: str, limits: dataset.Limits
) -> tuple[dict[str, Any], str]:
    """The dataset item to store for ``body`` registered by ``owner``, and its id's slug.

    400 naming the field at fault: the body's field names first, then the generator's own rule
    (``parse_item`` with the configured limits), then the fields only the catalogue uses.
    """
    _check_field_names(body)
    try:
        spec = dataset.parse_item(body, limits)
    except dataset.InvalidDataset as error:
        raise ApiError(400, str(error), error.field) from None
    slug = _check_dataset_id(spec.dataset_id)
    # Stored as the website stores them: bounds are strings, one list entry per N attribute.
    mins = _strings(body, "attributeRangeMins") or []
    maxes = _strings(body, "attributeRangeMaxes") or []
    attributes = list(body["attributes"])
    item: dict[str, Any] = {
        "dataset_id": spec.dataset_id,
        "app": PLACEHOLDER,
        "placeholder": PLACEHOLDER,
        "category": _text(body, "category", MAX_CATEGORY_LENGTH, required=True),
        "appURL": _app_url(body),
        "owner_username": owner,
        "attributes": attributes,
        "attributeTypes": list(body["attributeTypes"]),
        "attributeRangeMins": mins,
        "attributeRangeMaxes": maxes,
        "numPurchases": 0,
        "hasNode": False,
        "properlySetUp": False,
    }
    optional = {
        "logo_image_url": _text(body, "logo_image_url", MAX_TEXT_LENGTH, required=False),
        "attributeDescriptions": _descriptions(body, attributes),
        "predictable_attributes": _predictable(body, attributes),
    }
    item.update({name: value for name, value in optional.items() if value is not None})
    return item, slug


def register(
    store: MarketplaceStore,
    nodes: NodeDirectory,
    caller: Caller,
    body: Mapping[str, Any],
    limits: dataset.Limits,
    max_apps_per_owner: int,
) -> dict[str, Any]:
    """Validate and store a registration; the stored item, or an :class:`ApiError`."""
    item, slug = registration_item(body, caller.username, limits)
    if nodes.node_exists(slug):
        raise ApiError(
            409,
            f"dataset_id: its node name {slug!r} belongs to another app's running node",
            "dataset_id",
        )
    registered = store.count_datasets_of(caller.username)
    if registered >= max_apps_per_owner:
        raise ApiError(
            403,
            f"you have {registered} apps registered; the limit is {max_apps_per_owner} per owner",
        )
    if not store.put_new_dataset(item):
        raise ApiError(409, "dataset_id: an app with this id is already registered", "dataset_id")
    return item


# -- purchase --------------------------------------------------------------------------------


def purchase(store: MarketplaceStore, caller: Caller, dataset_id: str) -> dict[str, Any]:
    """Add ``dataset_id`` to the caller's purchases once; count the first purchase only."""
    if caller.email is None:  # parse_request refuses it first; kept for direct callers
        raise ApiError(401, "purchases need the ID token: this token carries no email claim")
    outcome = store.purchase(caller.email, dataset_id)
    if outcome is Purchase.NO_DATASET:
        raise ApiError(404, "dataset not found")
    if outcome is Purchase.NO_ACCOUNT:
        raise ApiError(
            409, "your account has no user row yet: finish confirming your sign-up first"
        )
    return {
        "dataset_id": dataset_id,
        "purchased": True,
        "first_purchase": outcome is Purchase.ADDED,
    }
