"""Configuration of the function, read and validated once from the environment."""

from collections.abc import Mapping
from dataclasses import dataclass

from shared.config import ConfigError, json_value, required

__all__ = ["DEFAULT_DATASETS", "Config", "ConfigError", "load_config"]

DEFAULT_DATASETS = ("Artificien-Health",)


@dataclass(frozen=True)
class Config:
    user_table: str
    default_datasets: tuple[str, ...]


def load_config(environ: Mapping[str, str]) -> Config:
    """Build the configuration from ``environ``; raises :class:`ConfigError` naming the variable."""
    user_table = required(environ, "USER_TABLE")
    datasets = json_value(environ, "DEFAULT_DATASETS", default=list(DEFAULT_DATASETS))
    if not isinstance(datasets, list) or not all(
        isinstance(d, str) and d.strip() for d in datasets
    ):
        raise ConfigError(
            "environment variable DEFAULT_DATASETS must be a JSON list of non-empty strings"
        )
    return Config(user_table=user_table, default_datasets=tuple(datasets))
