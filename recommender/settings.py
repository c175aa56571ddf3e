"""Planner settings from ``CREDPATH_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlannerSettings(BaseSettings):
    """How long planners may search and how often a planner may repair an unsound proposal."""

    model_config = SettingsConfigDict(env_prefix="CREDPATH_", env_file=".env", extra="ignore")

    plan_time_limit: float = Field(default=20.0, gt=0, description="Seconds the exact planner may search.")
    planner_rounds: int = Field(
        default=3,
        ge=1,
        description=(
            "Proposals a planner may make for one request, each after the verifier's findings on the last; "
            "still unsound after the last round, the exact planner's plan is returned instead."
        ),
    )
