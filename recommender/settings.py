"""Planner and language-model settings from ``CREDPATH_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
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


class LLMSettings(BaseSettings):
    """The language-model knobs (``CREDPATH_LLM*``; the key may also come from ``OPENAI_API_KEY``)."""

    model_config = SettingsConfigDict(env_prefix="CREDPATH_", env_file=".env", extra="ignore", populate_by_name=True)

    llm: str | None = Field(
        default=None,
        description="Chat model as provider:name, e.g. openai:gpt-4o-mini or ollama:llama3.1; unset: no LLM.",
    )
    llm_base_url: str | None = Field(default=None, description="Base URL of any OpenAI-compatible server.")
    llm_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("CREDPATH_LLM_API_KEY", "OPENAI_API_KEY", "llm_api_key"),
        description="API key (CREDPATH_LLM_API_KEY, else OPENAI_API_KEY); local servers need none.",
    )
    llm_timeout: float = Field(default=30.0, gt=0, description="Seconds one model call may take.")
    llm_retries: int = Field(default=1, ge=0, le=5, description="Retries of a failed model call (bounded).")
    llm_deadline: float = Field(default=90.0, gt=0, description="Seconds all model calls of one request may take.")
    llm_method: Literal["json_schema", "function_calling"] = Field(
        default="json_schema", description="How structured output is requested: JSON Schema or tool calling."
    )

    @property
    def configured(self) -> bool:
        return bool(self.llm)

    def secret(self) -> str | None:
        return self.llm_api_key.get_secret_value() if self.llm_api_key is not None else None
