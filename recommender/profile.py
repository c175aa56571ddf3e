"""The learner model: what they want, what they hold, and the limits a pathway must respect."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

from graph.model import Delivery

MIN_HOURS_PER_WEEK = 0.5
MAX_HOURS_PER_WEEK = 168.0
"""The study pace a schedule can be made for: half an hour a week up to every hour of the week."""

Limit = Annotated[float | None, Strict()]
"""An optional number: a JSON number, never a string; NaN and infinities are refused (``allow_inf_nan``)."""


class Objective(StrEnum):
    """What the planner minimises."""

    hours = "hours"
    cost = "cost"


class Targets(BaseModel):
    """What the learner wants to reach: skills, credentials, or an occupation's essential skills."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skills: tuple[str, ...] = ()
    credentials: tuple[str, ...] = ()
    occupation: str | None = None
    include_optional_skills: Annotated[bool, Strict()] = Field(
        default=False, description="With an occupation, also target its optional skills."
    )

    @property
    def empty(self) -> bool:
        return not (self.skills or self.credentials or self.occupation)


class Constraints(BaseModel):
    """Hard limits every step of a pathway must respect."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    max_hours: Limit = Field(default=None, ge=0)
    max_cost: Limit = Field(default=None, ge=0)
    hours_per_week: Limit = Field(
        default=None,
        ge=MIN_HOURS_PER_WEEK,
        le=MAX_HOURS_PER_WEEK,
        description=f"Study pace for the schedule, {MIN_HOURS_PER_WEEK:g} to {MAX_HOURS_PER_WEEK:g} hours a week.",
    )
    exclude_providers: tuple[str, ...] = ()
    delivery: tuple[Delivery, ...] = Field(
        default=(), description="Allowed delivery modes; empty allows all. Unknown delivery is allowed."
    )
    exclude_credentials: tuple[str, ...] = ()
    as_of: dt.date | None = Field(
        default=None,
        description="Credentials whose valid_until is before this date are not offered; default: today.",
    )


class LearnerProfile(BaseModel):
    """One planning request: targets, held items, constraints and the objective."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    targets: Targets
    have: tuple[str, ...] = Field(default=(), description="Held credential ids and skill ids.")
    constraints: Constraints = Constraints()
    objective: Objective = Objective.hours
