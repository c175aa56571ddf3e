"""The plan JSON contract: a Pathway, its steps, its coverage and how good it provably is.

This module is the documented, versioned output of every planner. `credpath schema plan` prints its
JSON Schema. Fields are only ever added in a minor version; ``schema_version`` changes on any break.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from graph.errors import PlanFileError
from graph.model import Kind
from recommender.profile import LearnerProfile

PLAN_SCHEMA_VERSION = "1.0"
READABLE_MAJORS = (1,)
"""Major versions of the plan contract this code reads; any minor of them (fields are only added in a minor)."""

Number = Annotated[float, Strict()]
"""A JSON number, never a string; NaN and infinities are refused by every contract model (``allow_inf_nan``)."""
Count = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class MetBy(_Contract):
    """One requirement of a step and what satisfies it."""

    requirement: str = Field(description="Skill or credential id that had to be held before the step.")
    kind: Kind = Field(description="'skill' or 'credential'.")
    source: str = Field(description="'held' or 'step'.")
    step: Annotated[int | None, Strict()] = Field(
        default=None, description="1-based index of the earlier step, if source is 'step'."
    )
    via: str | None = Field(default=None, description="Held credential that grants a held skill, if any.")


class Step(_Contract):
    """One credential on the pathway, in order."""

    index: Count = Field(ge=1, description="1-based position in the order.")
    stage: Count = Field(ge=1, description="Steps in the same stage have no dependency on each other.")
    credential_id: str
    name: str
    provider: str
    kind: str
    teaches: tuple[str, ...] = Field(description="Skills it teaches that the pathway needs (targets or prerequisites).")
    requirements_met_by: tuple[MetBy, ...] = ()
    hours: Number
    cost: Number
    currency: str
    start_week: Annotated[int | None, Strict()] = None
    end_week: Annotated[int | None, Strict()] = None
    url: str | None = None


class Earned(_Contract):
    """A stacked credential the steps earn on the way, with no step of its own: its parts alone award it."""

    credential_id: str
    name: str
    provider: str
    after_step: Count = Field(ge=1, description="1-based index of the step after which its award rule holds.")
    via: tuple[str, ...] = Field(description="Ids of the steps' credentials that count toward its award rule.")


class UncoveredReason(StrEnum):
    """Why a target is not on the plan.

    ``over_budget``: reaching it as well does not fit max_hours, max_cost or the deadline.
    ``beyond_min_coverage``: the plan reaches the learner's min_coverage without it, at less hours or cost.
    ``left_out``: an advisor's edit dropped every step that reached it.
    """

    unknown = "unknown"
    nothing_teaches = "nothing_teaches"
    excluded_by_constraints = "excluded_by_constraints"
    prerequisite_cycle = "prerequisite_cycle"
    unsatisfiable_prerequisites = "unsatisfiable_prerequisites"
    over_budget = "over_budget"
    beyond_min_coverage = "beyond_min_coverage"
    left_out = "left_out"


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
    value: Number
    optimal: Flag
    bound: Annotated[float | None, Strict()] = Field(default=None, description="Proven lower bound on the objective.")
    gap: Annotated[float | None, Strict()] = Field(
        default=None, description="Relative gap (value - bound) / value; 0 when optimal."
    )
    solver: str
    status: str
    seconds: Number


class Finding(_Contract):
    """One thing a verifier check found wrong, pointing into the plan."""

    check: str = Field(description="Name of the check that found it, e.g. 'prerequisites_first'.")
    pointer: str = Field(description="JSON pointer into the Pathway, e.g. '/steps/2/credential_id'.")
    message: str = Field(description="What is wrong, as in 'problems'.")
    fix: str = Field(description="How a planner or an editor puts it right.")
    step: Annotated[int | None, Strict()] = Field(
        default=None, description="1-based index of the step at fault, if one is."
    )


class Verification(_Contract):
    """The verifier's verdict: every plan passes it before anyone sees it."""

    valid: Flag
    checks: tuple[str, ...] = Field(description="The checks that ran (a check that does not apply does not run).")
    problems: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = Field(default=(), description="The problems, each with its check, pointer and fix.")


class Alternative(_Contract):
    """A distinct near-best plan, with how it differs from the main one."""

    steps: tuple[Step, ...]
    total_hours: Number
    total_cost: Number
    objective_value: Number
    added: tuple[str, ...] = Field(description="Credentials here but not in the main plan.")
    removed: tuple[str, ...] = Field(description="Credentials in the main plan but not here.")
    verification: Verification


class OccupationCoverage(_Contract):
    """How much of the target occupation's essential skills the catalogue can teach (or the learner holds)."""

    occupation: str
    label: str
    essential: Count = Field(ge=0, description="Essential skills of the occupation.")
    reachable: Count = Field(ge=0, description="Of those, held or taught by a credential the learner can reach.")
    share: Number = Field(ge=0, le=1, description="reachable / essential (1 when it has no essential skills).")
    nothing_teaches: tuple[str, ...] = Field(default=(), description="Essential skills no credential teaches.")


class NearOccupation(_Contract):
    """An occupation the catalogue can teach in full that shares essential skills with the target."""

    occupation: str
    label: str
    shared: Count = Field(ge=1, description="Essential skills it has in common with the target occupation.")
    share: Number = Field(ge=0, le=1, description="shared / the target's essential skills.")
    coverage: Number = Field(ge=0, le=1, description="Share of its own essential skills the catalogue reaches.")


class GoalCandidate(_Contract):
    """One reading of a goal in plain words: an occupation or a skill, with its retrieval score."""

    id: str
    label: str
    kind: str = Field(description="'occupation' or 'skill'.")
    score: Number = Field(description="Higher is better; comparable within one goal only.")
    phrase: str = Field(default="", description="The part of the goal text it answers.")


class GoalBackground(_Contract):
    """The learner's current occupation read from a pivot ("from X to Y"), and its skills."""

    phrase: str = Field(description="The words of the goal that name the background.")
    occupation: str | None = None
    label: str | None = None
    likely_held: tuple[str, ...] = Field(default=(), description="Its essential skills: likely held, unconfirmed.")
    assumed: tuple[str, ...] = Field(
        default=(), description="Skills the learner confirmed; the plan counts them as held."
    )


class Goal(_Contract):
    """A goal in plain words, resolved against the catalogue's occupations and skills."""

    text: str
    candidates: tuple[GoalCandidate, ...] = ()
    chosen: str | None = Field(default=None, description="Occupation the plan targets, if any.")
    background: GoalBackground | None = None
    target_skills: tuple[str, ...] = Field(default=(), description="Skills named as goals ('learn Kubernetes').")
    ambiguous: Flag = Field(default=False, description="The top occupations score too close to tell apart.")
    notes: tuple[str, ...] = Field(default=(), description="Plain-language remarks on how the text was read.")


class PreferencePrice(_Contract):
    """What the soft preferences cost: the plan's totals against the proven optimum of the same hard limits."""

    extra_hours: float
    extra_cost: float
    optimum_hours: float
    optimum_cost: float


class TokenUsage(_Contract):
    """Tokens the provider reported for this plan's model calls (0 where it reports none)."""

    calls: int
    input_tokens: int
    output_tokens: int


class Understood(_Contract):
    """How a free-text request was read: the text, and what was dropped (ids retrieval did not return)."""

    text: str
    dropped: tuple[str, ...] = Field(default=(), description="Names the model gave that are not in the catalogue.")
    notes: tuple[str, ...] = ()


class LLMRun(_Contract):
    """What the language model did for this plan, and what credpath changed."""

    model: str
    method: str = Field(description="'json_schema' or 'function_calling'.")
    rounds: int = Field(description="Model answers asked for (propose, critique, re-propose).")
    faults: tuple[str, ...] = Field(default=(), description="What the model's answers got wrong, round by round.")
    repairs: tuple[str, ...] = Field(default=(), description="Every change credpath made to the model's plan.")
    fallback: str | None = Field(default=None, description="Why the exact plan stands in, if it does.")
    price_of_preferences: PreferencePrice | None = None
    usage: TokenUsage | None = None
    narrative: tuple[str, ...] = Field(default=(), description="The model's explanation, checked against the plan.")
    understood: Understood | None = None


class BadgeMatch(_Contract):
    """A catalogue entry a held badge maps to."""

    id: str
    kind: str = Field(description="'credential' or 'skill'.")
    confidence: float = Field(ge=0, le=1)
    via: str = Field(description="id, alt_id, url, alignment, name or semantic.")
    proposal: bool = Field(description="Low confidence: not counted; hold the id (--have) to accept it.")


class HeldBadge(_Contract):
    """A badge file the learner gave, whether it counted as held, and what it covered in this plan."""

    source: str
    status: str = Field(description="verified, unverifiable, expired, revoked, invalid or unreadable.")
    name: str = ""
    issuer: str = ""
    trusted: str = Field(default="unknown", description="yes, no or unknown (from the trust file).")
    counted: bool = Field(description="Whether the plan treats what it maps to as held.")
    reason: str = Field(default="", description="Why it did not count, if it did not.")
    maps_to: tuple[BadgeMatch, ...] = ()
    covered: tuple[str, ...] = Field(
        default=(), description="Targets and step requirements this badge made held (directly or via skills taught)."
    )


class Pathway(_Contract):
    """An ordered micro-credential pathway for one learner profile."""

    schema_version: str = PLAN_SCHEMA_VERSION
    request: LearnerProfile
    steps: tuple[Step, ...]
    covered: tuple[str, ...] = Field(description="Targets the plan reaches (including ones already held).")
    already_held: tuple[str, ...] = Field(default=(), description="Targets the learner holds already.")
    uncovered: tuple[Uncovered, ...] = ()
    earned: tuple[Earned, ...] = Field(
        default=(),
        description="Stacked credentials the steps (with held credentials) earn on the way, without a step of "
        "their own; a stacked credential that is itself a step is not repeated here.",
    )
    total_hours: Number
    total_cost: Number
    currency: str = "USD"
    total_weeks: Annotated[int | None, Strict()] = None
    optimal: Flag
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
    rounds: Count = Field(
        default=1, ge=0, description="Proposals the requested planner made, each after feedback on the last."
    )
    fallback: str | None = Field(
        default=None,
        description="Why the exact planner's plan stands in for the requested planner's, if it does.",
    )
    goal: Goal | None = Field(default=None, description="The plain-words goal this plan was made for, if any.")
    coverage: OccupationCoverage | None = Field(default=None, description="With an occupation target.")
    nearest_occupations: tuple[NearOccupation, ...] = Field(
        default=(), description="When the catalogue cannot teach the whole occupation: nearest ones it can."
    )
    llm: LLMRun | None = Field(default=None, description="The LLM planner's record, when it planned.")
    badges: tuple[HeldBadge, ...] = Field(default=(), description="Badge files given, in order (plan --badge).")

    @property
    def credential_ids(self) -> tuple[str, ...]:
        return tuple(s.credential_id for s in self.steps)


def version_problem(version: object) -> str | None:
    """Why a plan's ``schema_version`` cannot be read, or None when its major version is one this code reads.

    Examples
    --------
    >>> version_problem("1.0") is None, version_problem("1.3") is None
    (True, True)
    >>> version_problem("2.0")
    "schema_version '2.0' has major version 2; this credpath reads major version(s) 1 (any 1.x)"
    >>> version_problem(None)
    'schema_version is missing; this credpath reads major version(s) 1 (any 1.x)'
    """
    readable = ", ".join(str(m) for m in READABLE_MAJORS)
    known = f"this credpath reads major version(s) {readable} (any {READABLE_MAJORS[-1]}.x)"
    if version is None:
        return f"schema_version is missing; {known}"
    match = re.fullmatch(r"(\d+)\.(\d+)", version) if isinstance(version, str) else None
    if match is None:
        return f"schema_version {version!r} is not MAJOR.MINOR; {known}"
    if int(match.group(1)) not in READABLE_MAJORS:
        return f"schema_version {version!r} has major version {int(match.group(1))}; {known}"
    return None


def read_plan(text: str, *, where: str) -> Pathway:
    """A Pathway from plan JSON, refusing unknown schema versions, non-finite numbers and numbers given as text.

    Raises PlanFileError naming the JSON pointer of every problem; ``where`` names the file.
    """
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            where=where,
            fix="save the plan as JSON, e.g. with `credpath plan --format json`",
        ) from None
    if not isinstance(raw, dict):
        raise PlanFileError("not a credpath plan: the top level is not a JSON object", where=where)
    version = raw.get("schema_version")
    problem = version_problem(version)
    if problem is not None and version is not None:
        raise PlanFileError(
            f"/schema_version: {problem}",
            where=where,
            fix=f"plan again with this credpath (it writes schema_version {PLAN_SCHEMA_VERSION}), "
            "or verify with the credpath that wrote the plan",
        )
    problems = [f"/schema_version: {problem}"] if problem is not None else []
    try:
        pathway = Pathway.model_validate_json(text)
    except ValidationError as exc:
        problems += [f"/{'/'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    if problems:
        raise PlanFileError(
            "not a credpath plan",
            where=where,
            fix="correct the fields listed (`credpath schema plan` prints the plan JSON Schema)",
            problems=problems,
        )
    return pathway


def load_plan(path: Path, *, max_bytes: int) -> Pathway:
    """:func:`read_plan` for a file, refusing one larger than ``max_bytes`` before reading it."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PlanFileError(
                f"the plan file is {size / 2**20:.1f} MiB, more than the {max_bytes / 2**20:g} MiB limit",
                where=str(path),
                fix="a credpath plan is a few hundred KiB at most; check the file, or raise CREDPATH_MAX_DOCUMENT_MB",
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(f"cannot read plan: {exc}", where=str(path), fix="check the path") from exc
    return read_plan(text, where=str(path))
