"""What every verifier check sees (the ``Subject``), and the helpers checks share to report a finding."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from graph.conditions import Leaf
from graph.errors import RequestError
from graph.holdings import Holdings
from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.plan import Finding, Pathway, Step
from recommender.problem import PlanProblem, prepare
from recommender.profile import LearnerProfile

TOLERANCE = 1e-6


def agrees(shown: object, expected: object) -> bool:
    """A plan's ``shown`` value is the ``expected`` one; two floats may differ by ``TOLERANCE``.

    >>> agrees(1.0, 1.0 + 1e-9), agrees(1.0, 1.1), agrees("a", "a"), agrees(1, 1.0000001)
    (True, False, True, False)
    """
    if isinstance(shown, float) and isinstance(expected, float):
        return abs(shown - expected) <= TOLERANCE
    return shown == expected


@dataclass(frozen=True)
class Subject:
    """What every check sees. Nothing here comes from the planner except the plan's own claims.

    ``pathway`` is the whole plan when a whole plan is verified (checks of plan-wide fields such as
    ``quality`` or ``schema_version`` need it and do not run without it); an alternative is verified as
    its own Subject with ``pathway`` None.
    """

    g: SkillGraph
    profile: LearnerProfile
    steps: Sequence[Step]
    total_hours: float | None = None
    total_cost: float | None = None
    covered: Sequence[str] | None = None
    uncovered: Sequence[str] = ()
    pathway: Pathway | None = None

    @cached_property
    def held(self) -> Holdings:
        """What the learner holds (held credentials grant their skills)."""
        return Holdings.from_ids(self.g, self.profile.have)

    @cached_property
    def before(self) -> list[Holdings]:
        """What is held before each step (index 0 = before step 1), then after the last."""
        have = self.held.copy()
        out = [have.copy()]
        for step in self.steps:
            if step.credential_id in self.g.credentials:
                have.gain(self.g, step.credential_id)
            out.append(have.copy())
        return out

    @cached_property
    def problem(self) -> PlanProblem | RequestError:
        """The request resolved as the planners see it, or why it cannot be."""
        try:
            return prepare(self.g, self.profile)
        except RequestError as exc:
            return exc

    @cached_property
    def first_provider(self) -> dict[Leaf, int]:
        """For every credential and skill the steps provide, the 1-based index of the first step providing it."""
        out: dict[Leaf, int] = {}
        for n, step in self.known():
            out.setdefault((Kind.credential, step.credential_id), n)
            for sid in self.g.credentials[step.credential_id].taught_skill_ids:
                out.setdefault((Kind.skill, sid), n)
        return out

    def known(self) -> list[tuple[int, Step]]:
        """(1-based index, step) for every step whose credential is in the catalogue."""
        return [(n, s) for n, s in enumerate(self.steps, start=1) if s.credential_id in self.g.credentials]

    @property
    def hours(self) -> float:
        return sum(float(self.g.credentials[s.credential_id].hours or 0.0) for _, s in self.known())

    @property
    def cost(self) -> float:
        return sum(self.g.credentials[s.credential_id].cost for _, s in self.known())


Check = Callable[[Subject], list[Finding] | None]
"""A verifier check: its findings, or None when it does not apply to this Subject (and so did not run)."""


def plan_finding(check: str, pointer: str, message: str, fix: str) -> Finding:
    """A finding about the plan field at JSON ``pointer`` (a plan-wide field: no one step is at fault)."""
    return Finding(check=check, pointer=pointer, message=message, fix=fix)


def at(check: str, n: int, step: Step, field: str, problem: str, fix: str) -> Finding:
    """A finding about ``field`` of step ``n`` (1-based)."""
    return Finding(
        check=check,
        pointer=f"/steps/{n - 1}/{field}",
        message=f"step {n} ({step.credential_id}): {problem}",
        fix=fix,
        step=n,
    )
