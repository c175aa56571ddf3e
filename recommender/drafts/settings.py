"""Drafts database settings from ``CREDPATH_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DraftSettings(BaseSettings):
    """Where advisor drafts are kept: a database URL, or (unset) SQLite in the data directory."""

    model_config = SettingsConfigDict(env_prefix="CREDPATH_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description=(
            "Drafts database, e.g. postgresql://user:password@host:5432/credpath (several app instances can "
            "share it); unset: SQLite at data_dir/drafts.sqlite."
        ),
    )
