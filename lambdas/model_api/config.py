"""Configuration of the model API, read and validated once from the environment."""

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_OWNER_INDEX = "owner-active-index"
DEFAULT_URL_TTL = 900
# A presigned URL cannot outlive the Lambda role's session credentials; one hour stays well inside.
MIN_URL_TTL = 60
MAX_URL_TTL = 3600


class ConfigError(RuntimeError):
    """An environment variable is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Config:
    model_table: str
    model_bucket: str
    owner_index: str = DEFAULT_OWNER_INDEX
    url_ttl: int = DEFAULT_URL_TTL


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is required and must not be empty")
    return value


def load_config(env: Mapping[str, str]) -> Config:
    """Build the configuration from environment variables, failing with the variable's name."""
    owner_index = env.get("OWNER_INDEX", "").strip() or DEFAULT_OWNER_INDEX
    raw_ttl = env.get("URL_TTL", "").strip() or str(DEFAULT_URL_TTL)
    try:
        url_ttl = int(raw_ttl)
    except ValueError:
        raise ConfigError(
            f"environment variable URL_TTL must be an integer, got {raw_ttl!r}"
        ) from None
    if not MIN_URL_TTL <= url_ttl <= MAX_URL_TTL:
        raise ConfigError(
            f"environment variable URL_TTL must be between {MIN_URL_TTL} and {MAX_URL_TTL} seconds,"
            f" got {url_ttl}"
        )
    return Config(
        model_table=_required(env, "MODEL_TABLE"),
        model_bucket=_required(env, "MODEL_BUCKET"),
        owner_index=owner_index,
        url_ttl=url_ttl,
    )
