"""The plan JSON contract: a Pathway, its steps, its coverage and how good it provably is.

This module is the documented, versioned output of every planner. `credpath schema plan` prints its
JSON Schema. Fields are only ever added in a minor version; ``schema_version`` changes on any break.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from graph.model import Kind
from recommender.profile import LearnerProfile

PLAN_SCHEMA_VERSION = "1.0"


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetBy(_Contract):
    """One requirement of a step and what satisfies it."""

    requirement: str = Field(description="Skill or credential id that had to be held before the step.")
    kind: Kind = Field(description="'skill' or 'credential'.")
    source: str = Field(description="'held' or 'step'.")
    step: int | None = Field(default=None, description="1-based index of the earlier step, if source is 'step'.")
    via: str | None = Field(default=None, description="Held credential that grants a held skill, if any.")


class Step(_Contract):
    """One credential on the pathway, in order."""

    index: int = Field(ge=1, description="1-based position in the order.")
    stage: int = Field(ge=1, description="Steps in the same stage have no dependency on each other.")
    credential_id: str
    name: str
    provider: str
    kind: str
    teaches: tuple[str, ...] = Field(description="Skills it teaches that the pathway needs (targets or prerequisites).")
    requirements_met_by: tuple[MetBy, ...] = ()
    hours: float
    cost: float
    currency: str
    start_week: int | None = None
    end_week: int | None = None
    url: str | None = None


class UncoveredReason(StrEnum):
    """Why a target is not on the plan."""

    unknown = "unknown"
    nothing_teaches = "nothing_teaches"
    excluded_by_constraints = "excluded_by_constraints"
    prerequisite_cycle = "prerequisite_cycle"
    unsatisfiable_prerequisites = "unsatisfiable_prerequisites"
    over_budget = "over_budget"


class Uncovered(_Contract):
    """A target the plan does not reach, and why."""

    target: str
    kind: Kind = Field(description="'skill' or 'credential'.")
    reason: UncoveredReason
    detail: str
    cycle: tuple[str, ...] = ()
    unmet: tuple[str, ...] = ()


class Quality(_Contract):
    """How good the plan provably is."""

    objective: str = Field(description="'hours' or 'cost'.")
    value: float
    optimal: bool
    bound: float | None = Field(default=None, description="Proven lower bound on the objective.")
    gap: float | None = Field(default=None, description="Relative gap (value - bound) / value; 0 when optimal.")
    solver: str
    status: str
    seconds: float


class Finding(_Contract):
    """One thing a verifier check found wrong, pointing into the plan."""

    check: str = Field(description="Name of the check that found it, e.g. 'prerequisites_first'.")
    pointer: str = Field(description="JSON pointer into the Pathway, e.g. '/steps/2/credential_id'.")
    message: str = Field(description="What is wrong, as in 'problems'.")
    fix: str = Field(description="How a planner or an editor puts it right.")
    step: int | None = Field(default=None, description="1-based index of the step at fault, if one is.")


class Verification(_Contract):
    """The verifier's verdict: every plan passes it before anyone sees it."""

    valid: bool
    checks: tuple[str, ...] = Field(description="The checks that ran (a check that does not apply does not run).")
    problems: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = Field(default=(), description="The problems, each with its check, pointer and fix.")


class Alternative(_Contract):
    """A distinct near-best plan, with how it differs from the main one."""

    steps: tuple[Step, ...]
    total_hours: float
    total_cost: float
    objective_value: float
    added: tuple[str, ...] = Field(description="Credentials here but not in the main plan.")
    removed: tuple[str, ...] = Field(description="Credentials in the main plan but not here.")
    verification: Verification


class Pathway(_Contract):
    """An ordered micro-credential pathway for one learner profile."""

    schema_version: str = PLAN_SCHEMA_VERSION
    request: LearnerProfile
    steps: tuple[Step, ...]
    covered: tuple[str, ...] = Field(description="Targets the plan reaches (including ones already held).")
    already_held: tuple[str, ...] = Field(default=(), description="Targets the learner holds already.")
    uncovered: tuple[Uncovered, ...] = ()
    total_hours: float
    total_cost: float
    currency: str = "USD"
    total_weeks: int | None = None
    optimal: bool
    quality: Quality
    alternatives: tuple[Alternative, ...] = ()
    verification: Verification
    planner: str = Field(description="Which planner made it, e.g. 'exact' or 'greedy'.")
    explanation: tuple[str, ...] = Field(default=(), description="Plain-language notes on why this plan.")
    notes: tuple[str, ...] = Field(
        default=(),
        description="What the planner wants the learner or advisor to know, and what the service did about its "
        "proposals (dropped alternatives, a fallback to the exact planner).",
    )
    rounds: int = Field(
        default=1, ge=0, description="Proposals the requested planner made, each after feedback on the last."
    )
    fallback: str | None = Field(
        default=None,
        description="Why the exact planner's plan stands in for the requested planner's, if it does.",
    )

    @property
    def credential_ids(self) -> tuple[str, ...]:
        return tuple(s.credential_id for s in self.steps)
