"""The Planner interface and what a planner proposes: the seam every planner, built-in or not, plugs into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from recommender.plan import Quality, Uncovered, Verification
from recommender.problem import PlanProblem


@dataclass(frozen=True)
class Proposal:
    """What a planner proposes: the credentials to take, how good that is, and what it leaves out.

    ``order`` is the planner's own order of ``chosen`` (None lets the service order them; either way
    steps of one stage are grouped, keeping the planner's order within a stage). ``notes`` are what the
    planner wants the learner or advisor to know, including what it changed after feedback;
    ``rationale`` maps a credential id to the reason for taking it. The service verifies every proposal.
    """

    chosen: frozenset[str]
    quality: Quality
    uncovered: tuple[Uncovered, ...] = ()
    alternatives: tuple[frozenset[str], ...] = ()
    order: tuple[str, ...] | None = None
    notes: tuple[str, ...] = ()
    rationale: Mapping[str, str] = field(default_factory=dict)


class Planner(Protocol):
    """Anything that proposes a selection of credentials for a prepared problem.

    The service orders, explains and verifies every proposal, whoever made it. ``feedback`` is the
    verifier's verdict on this planner's previous proposal for the same problem (None on the first
    round): a planner that cannot use it may ignore it.
    """

    name: str

    def propose(
        self,
        problem: PlanProblem,
        *,
        feedback: Verification | None = None,
        alternatives: int = 0,
        time_limit: float = 20.0,
    ) -> Proposal: ...
