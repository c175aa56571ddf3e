"""Web server settings from ``CREDPATH_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

import os

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def cores() -> int:
    """The CPU cores this process may run on (its affinity where the system says, else all of them)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class ServerSettings(BaseSettings):
    """Where ``credpath serve`` listens, and how much work it takes on at once."""

    model_config = SettingsConfigDict(env_prefix="CREDPATH_", env_file=".env", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Interface the web app listens on.")
    port: int = Field(default=7860, ge=1, le=65535, description="Port the web app listens on.")
    solve_concurrency: int = Field(
        default_factory=cores,
        ge=1,
        le=256,
        description="Plans, reports and pictures computed at once (CPU-bound; default: the machine's cores).",
    )
    llm_concurrency: int = Field(
        default_factory=lambda: 8 * cores(),
        ge=1,
        le=1024,
        description="Language-model calls waiting on a model at once (I/O-bound; default: 8 x the cores).",
    )
    queue_size: int = Field(
        default=512, ge=1, description="Requests that may wait in the queue; beyond it a request is refused."
    )
    max_request_kb: int = Field(
        default=2048,
        ge=16,
        description="Largest request body the server reads, file uploads aside (those have their own limit).",
    )
