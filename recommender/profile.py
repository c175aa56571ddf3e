"""The learner model: what they want, what they hold, and the limits a pathway must respect."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from graph.model import Delivery


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
    include_optional_skills: bool = Field(
        default=False, description="With an occupation, also target its optional skills."
    )

    @property
    def empty(self) -> bool:
        return not (self.skills or self.credentials or self.occupation)


class Constraints(BaseModel):
    """Hard limits every step of a pathway must respect."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_hours: float | None = Field(default=None, ge=0)
    max_cost: float | None = Field(default=None, ge=0)
    hours_per_week: float | None = Field(default=None, gt=0)
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
