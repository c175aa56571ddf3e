"""The learner model: what they want, what they hold, and the limits a pathway must respect."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, WithJsonSchema, field_validator

from graph.model import Delivery

MIN_HOURS_PER_WEEK = 0.5
MAX_HOURS_PER_WEEK = 168.0
"""The study pace a schedule can be made for: half an hour a week up to every hour of the week."""

Limit = Annotated[float | None, Strict()]
"""An optional number: a JSON number, never a string; NaN and infinities are refused (``allow_inf_nan``)."""

LANGUAGE_TAG = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"


LanguageCode = Annotated[str, WithJsonSchema({"type": "string", "pattern": LANGUAGE_TAG})]
"""A BCP 47 language tag such as ``en`` or ``en-GB``; only its primary subtag (``en``) is compared."""


def primary_language(tag: str) -> str:
    """The primary subtag of a language tag, casefolded: what two languages are compared by.

    Examples
    --------
    >>> primary_language("en-GB"), primary_language("ES"), primary_language("pt_BR")
    ('en', 'es', 'pt')
    """
    return tag.replace("_", "-").split("-", 1)[0].strip().casefold()


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
        description="Credentials whose valid_until is before this date are not offered, and a deadline's weeks "
        "count from it; default: today (with a deadline, the plan's request records the day used).",
    )
    deadline: dt.date | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="The plan must be finished by this date, studying hours_per_week (required with a deadline) "
        "from as_of: an hours budget of the whole weeks until the deadline times hours_per_week, on top of "
        "max_hours. Targets that do not fit are reported over_budget with the date they would need.",
    )
    languages: tuple[LanguageCode, ...] = Field(
        default=(),
        exclude_if=lambda v: not v,
        description="Only credentials taught in these languages (BCP 47 tags, compared case-insensitively on the "
        "primary subtag, so 'en' matches 'en-GB'); empty allows every language.",
    )
    min_coverage: Annotated[float | None, Strict()] = Field(
        default=None,
        gt=0,
        le=1,
        exclude_if=lambda v: v is None,
        description="Reach at least this fraction (0 < F <= 1) of the targets the catalogue can reach (held targets "
        "count as reached), at the least hours or cost; the targets left out are reported as beyond_min_coverage. "
        "Default: every reachable target.",
    )

    @field_validator("languages")
    @classmethod
    def _language_tags(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        for code in codes:
            if re.fullmatch(LANGUAGE_TAG, code) is None:
                raise ValueError(f"{code!r} is not a language code; give one such as en, es or en-GB")
        return codes


class Preferences(BaseModel):
    """Soft wishes, weighed by the LLM planner where the catalogue allows; the exact planner ignores them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    goal: str = Field(default="", description="The learner's goal in their own words.")
    background: str = Field(default="", description="Their background: job, studies, experience.")
    learning_style: str | None = Field(default=None, description="How they like to learn, e.g. hands-on projects.")
    provider_kinds: tuple[str, ...] = Field(default=(), description="Kinds of provider they prefer.")
    favour_topics: tuple[str, ...] = ()
    avoid_topics: tuple[str, ...] = ()
    language: str | None = Field(default=None, description="Language they would like to learn in (ISO 639-1).")

    @property
    def empty(self) -> bool:
        return self == Preferences()


class LearnerProfile(BaseModel):
    """One planning request: targets, held items, constraints and the objective."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    targets: Targets
    have: tuple[str, ...] = Field(default=(), description="Held credential ids and skill ids.")
    constraints: Constraints = Constraints()
    objective: Objective = Objective.hours
    preferences: Preferences = Field(
        default=Preferences(), description="Soft preferences (used by the LLM planner only)."
    )
