"""Configuration of the function, read and validated once from the environment."""

import json
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATASETS = ("Artificien-Health",)


class ConfigError(RuntimeError):
    """An environment variable is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Config:
    user_table: str
    default_datasets: tuple[str, ...]


def load_config(environ: Mapping[str, str]) -> Config:
    """Build the configuration from ``environ``; raises :class:`ConfigError` naming the variable."""
    user_table = environ.get("USER_TABLE", "").strip()
    if not user_table:
        raise ConfigError("USER_TABLE must be set to the name of the user table")

    raw = environ.get("DEFAULT_DATASETS")
    if raw is None or not raw.strip():
        return Config(user_table=user_table, default_datasets=DEFAULT_DATASETS)
    try:
        datasets = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"DEFAULT_DATASETS must be a JSON list of strings: {error}") from error
    if not isinstance(datasets, list) or not all(
        isinstance(d, str) and d.strip() for d in datasets
    ):
        raise ConfigError("DEFAULT_DATASETS must be a JSON list of non-empty strings")
    return Config(user_table=user_table, default_datasets=tuple(datasets))
