"""Ingest settings (the store, the embedder, ESCO relations) from ``CREDPATH_*`` variables, and the data directory.

Planner settings live in ``recommender/settings.py``, the web server's in ``ui/settings.py``; all read the same
``CREDPATH_`` prefix and ``.env`` file.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the catalogue store lives and how it is read and indexed (``CREDPATH_*`` or a ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="CREDPATH_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("credpath", appauthor=False)),
        description="Where the catalogue store and other user data live.",
    )
    store: Path | None = Field(default=None, description="Catalogue store directory; default data_dir/store.")
    chroma_url: str | None = Field(
        default=None, description="URL of a Chroma server (http://host:port); unset uses the on-disk store."
    )
    embedder: Literal["static", "hashing", "sentence-transformers", "openai", "ollama"] = "static"
    embedder_model: str | None = Field(
        default=None, description="Model name or local path for the sentence-transformers/openai/ollama embedders."
    )
    embedder_url: str | None = Field(default=None, description="Base URL for the openai/ollama embedders.")
    embedder_api_key: str | None = Field(
        default=None, description="API key for the openai embedder (not needed for local OpenAI-compatible servers)."
    )
    esco_skill_relations: Literal["none", "essential", "all"] = Field(
        default="none",
        description="Which ESCO skill-skill relations become prerequisites when an ESCO release is read.",
    )
    max_file_mb: float = Field(
        default=1024, gt=0, description="Largest catalogue file read, in MiB on disk (CREDPATH_MAX_FILE_MB)."
    )
    max_decompressed_mb: float = Field(
        default=512,
        gt=0,
        description="Most content read from one streamed file (CSV, TSV, large JSON), in MiB after gunzip, checked "
        "while inflating (CREDPATH_MAX_DECOMPRESSED_MB).",
    )
    max_document_mb: float = Field(
        default=64,
        gt=0,
        description="Largest file read whole into memory (native YAML/JSON catalogues), in MiB after gunzip "
        "(CREDPATH_MAX_DOCUMENT_MB).",
    )
    max_yaml_alias_nodes: int = Field(
        default=10_000,
        ge=0,
        description="How many nodes YAML aliases (*name) may add to a document when expanded "
        "(CREDPATH_MAX_YAML_ALIAS_NODES).",
    )
    max_requirement_depth: int = Field(
        default=32,
        ge=1,
        description="Deepest requirement tree (all_of/any_of/at_least levels) read (CREDPATH_MAX_REQUIREMENT_DEPTH).",
    )
    max_entries: int = Field(
        default=2_000_000,
        ge=1,
        description="Most skills + credentials + occupations read from one file (CREDPATH_MAX_ENTRIES).",
    )
    max_messages: int = Field(
        default=50, ge=1, description="Problems listed per file before the rest are counted (CREDPATH_MAX_MESSAGES)."
    )
    max_badge_mb: float = Field(
        default=10, gt=0, description="Largest badge file read, in MiB on disk, checked first (CREDPATH_MAX_BADGE_MB)."
    )

    @cached_property
    def store_dir(self) -> Path:
        return self.store if self.store is not None else self.data_dir / "store"
