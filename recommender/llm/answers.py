"""The structured answers credpath asks a language model for: a request, a plan, a narrative, a goal's ranking."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Answer(BaseModel):
    # Every field required and nothing extra: what OpenAI's strict JSON Schema mode accepts.
    model_config = ConfigDict(extra="forbid")


class RequestAnswer(_Answer):
    """What the learner's free text says, with ids only from the retrieved candidates."""

    goal: str = Field(description="The learner's goal in their own words, shortened.")
    background: str = Field(description="Their background (job, studies, experience), shortened.")
    target_skill_ids: list[str] = Field(description="Ids of skills to reach, only from the candidate skills.")
    target_credential_ids: list[str] = Field(description="Ids of credentials to earn, only from the candidates.")
    occupation_id: str | None = Field(description="Id of the target occupation, only from the candidates, or null.")
    held_ids: list[str] = Field(description="Ids of credentials or skills they already hold, only from candidates.")
    max_hours: float | None = Field(description="Total learning hours they can spend, or null.")
    max_cost: float | None = Field(description="Total money they can spend, or null.")
    hours_per_week: float | None = Field(description="Hours per week they can study, or null.")
    deadline_weeks: float | None = Field(description="Weeks until they must be done, or null.")
    delivery: list[Literal["online", "in_person", "blended"]] = Field(description="Allowed delivery modes, or [].")
    language: str | None = Field(description="Two-letter language code they need, or null.")
    avoid_providers: list[str] = Field(description="Provider names they refuse, or [].")
    learning_style: str | None = Field(description="How they like to learn (e.g. hands-on projects), or null.")
    provider_kinds: list[str] = Field(description="Kinds of provider they prefer (e.g. universities), or [].")
    favour_topics: list[str] = Field(description="Topics they would like, or [].")
    avoid_topics: list[str] = Field(description="Topics they would rather avoid, or [].")


class PlannedStep(_Answer):
    """One step of a proposed pathway."""

    credential_id: str = Field(description="A credential id from the candidates.")
    reason: str = Field(description="One sentence: why this step, for this learner.")


class PlanAnswer(_Answer):
    """An ordered pathway proposal."""

    steps: list[PlannedStep] = Field(description="The credentials to take, in the order to take them.")
    notes: str = Field(description="Anything the learner should know about the choice, or an empty string.")


class NarrativeAnswer(_Answer):
    """A short personal explanation of a verified plan."""

    paragraphs: list[str] = Field(description="Two to four short paragraphs for the learner.")


class RankingAnswer(_Answer):
    """A goal's candidates reordered: the readings of the learner's goal, best first, by id."""

    ids: list[str] = Field(description="Candidate ids, the best reading of the goal first; only ids from CANDIDATES.")
