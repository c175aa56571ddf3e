"""The greedy planner: cheapest-estimate selection within the budget, fast and valid but not optimal."""

from __future__ import annotations

import time

from recommender.greedy import greedy_within_budget
from recommender.plan import Quality, Verification
from recommender.planners.base import Proposal
from recommender.problem import PlanProblem


class GreedyPlanner:
    """Cheapest-estimate planner: fast and valid, but not optimal. The benchmark baseline."""

    name = "greedy"

    def propose(
        self,
        problem: PlanProblem,
        *,
        feedback: Verification | None = None,
        alternatives: int = 0,
        time_limit: float = 20.0,
    ) -> Proposal:
        started = time.perf_counter()
        return greedy_proposal(problem, bound=None, solver="greedy", status="heuristic", started=started)


def greedy_proposal(
    p: PlanProblem,
    *,
    bound: float | None,
    solver: str,
    status: str,
    seconds: float | None = None,
    started: float | None = None,
) -> Proposal:
    """The greedy selection within budget, with its quality: never optimal, gap only against a known bound.

    A bound above the greedy value bounds another problem (the greedy plan reaches fewer targets), so it is dropped.
    """
    chosen, left = greedy_within_budget(p)
    value = sum(p.weight(c) for c in chosen)
    if bound is not None and bound > value:
        bound = None
    if seconds is None:
        seconds = time.perf_counter() - (started or time.perf_counter())
    q = Quality(
        objective=p.profile.objective.value,
        value=value,
        optimal=False,
        bound=bound,
        gap=(value - bound) / value if bound is not None and value else None,
        solver=solver,
        status=status,
        seconds=round(seconds, 4),
    )
    return Proposal(chosen, q, left)
