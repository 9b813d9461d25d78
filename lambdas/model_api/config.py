"""Configuration of the model API, read and validated once from the environment."""

from collections.abc import Mapping
from dataclasses import dataclass

from shared.config import ConfigError, optional_int, required

__all__ = ["DEFAULT_OWNER_INDEX", "DEFAULT_URL_TTL", "Config", "ConfigError", "load_config"]

DEFAULT_OWNER_INDEX = "owner-active-index"
DEFAULT_URL_TTL = 900
# A presigned URL cannot outlive the Lambda role's session credentials; one hour stays well inside.
MIN_URL_TTL = 60
MAX_URL_TTL = 3600


@dataclass(frozen=True)
class Config:
    """Where model items and artifacts live, and how long a download link stays valid."""

    model_table: str
    model_bucket: str
    owner_index: str = DEFAULT_OWNER_INDEX
    url_ttl: int = DEFAULT_URL_TTL


def load_config(env: Mapping[str, str]) -> Config:
    """Build the configuration from environment variables, failing with the variable's name."""
    url_ttl = optional_int(env, "URL_TTL", DEFAULT_URL_TTL, minimum=MIN_URL_TTL)
    if url_ttl > MAX_URL_TTL:
        raise ConfigError(
            f"environment variable URL_TTL must be between {MIN_URL_TTL} and {MAX_URL_TTL} seconds,"
            f" got {url_ttl}"
        )
    return Config(
        model_table=required(env, "MODEL_TABLE"),
        model_bucket=required(env, "MODEL_BUCKET"),
        owner_index=env.get("OWNER_INDEX", "").strip() or DEFAULT_OWNER_INDEX,
        url_ttl=url_ttl,
    )
