"""FunctionPlanner: a planner made from a plain function, for tests and experiments."""

from __future__ import annotations

from collections.abc import Callable

from recommender.plan import Verification
from recommender.planners.base import Proposal
from recommender.problem import PlanProblem

ProposeFunction = Callable[[PlanProblem, Verification | None], Proposal]


class FunctionPlanner:
    """A Planner whose proposals come from ``fn(problem, feedback)``.

    ``feedback`` is None on the first round and the verifier's verdict on the previous proposal after.

    Examples
    --------
    >>> from recommender.planners import ExactPlanner
    >>> exact = ExactPlanner()
    >>> planner = FunctionPlanner(lambda problem, feedback: exact.propose(problem), name="mine")
    >>> planner.name
    'mine'
    """

    def __init__(self, fn: ProposeFunction, *, name: str = "function") -> None:
        self.fn = fn
        self.name = name

    def propose(
        self,
        problem: PlanProblem,
        *,
        feedback: Verification | None = None,
        alternatives: int = 0,
        time_limit: float = 20.0,
    ) -> Proposal:
        return self.fn(problem, feedback)
