"""The exact planner: the optimal selection by mixed-integer programming (HiGHS)."""

from __future__ import annotations

import math
import time

from graph.algorithms import order_credentials
from graph.errors import InfeasiblePlanError
from recommender.limits import deadline_hours, finish_date, hours_budget
from recommender.milp import PathwayMILP, Solution
from recommender.plan import Quality, Uncovered, UncoveredReason, Verification
from recommender.planners.base import Proposal
from recommender.planners.greedy import greedy_proposal
from recommender.problem import PlanProblem


def _quality(p: PlanProblem, sol: Solution, solver: str) -> Quality:
    return Quality(
        objective=p.profile.objective.value,
        value=sol.value or 0.0,
        optimal=sol.optimal,
        bound=sol.bound,
        gap=sol.gap,
        solver=solver,
        status=sol.status,
        seconds=round(sol.seconds, 4),
    )


class ExactPlanner:
    """Optimal selection by mixed-integer programming (HiGHS), ordered afterwards.

    The fast model ignores order; if its optimum cannot be ordered (choices that only work as a
    cycle) the ordered model is solved instead. Budgets that cannot cover every target lead to the
    plan that covers the most targets, cheapest among those, and the rest are reported over budget.
    """

    name = "exact"

    def propose(
        self,
        p: PlanProblem,
        *,
        feedback: Verification | None = None,
        alternatives: int = 0,
        time_limit: float = 20.0,
    ) -> Proposal:
        """The optimal selection; ``feedback`` is ignored (an exact plan fails verification only through a bug)."""
        deadline = time.perf_counter() + time_limit
        c = p.profile.constraints
        budgets = {"max_hours": hours_budget(c), "max_cost": c.max_cost}
        required = p.coverable
        if not required:
            return Proposal(
                frozenset(),
                _quality(p, Solution(frozenset(), 0.0, 0.0, 0.0, "nothing to plan", True, 0.0), "none"),
            )
        model = PathwayMILP(p)
        uncovered: tuple[Uncovered, ...] = ()
        need = p.coverage_needed
        if need is not None:
            sol, model, uncovered = self._min_coverage(p, model, deadline, budgets, need)
        else:
            sol, model = self._solve(p, model, deadline, required=required, **budgets)
        limited = any(v is not None for v in budgets.values())
        if sol.chosen is None and sol.status == "infeasible" and need is None and limited:
            sol, model, uncovered = self._partial(p, model, deadline, budgets)
        if sol.chosen is None:
            return self._fallback(p, sol, deadline)
        found = [sol.chosen]
        for _ in range(alternatives):
            if time.perf_counter() >= deadline:
                break
            kwargs = {"required": required, **budgets} if not uncovered else self._partial_kwargs(p, sol, budgets)
            alt, model = self._solve(p, model, deadline, forbid=tuple(found), **kwargs)
            if alt.chosen is None:
                break
            found.append(alt.chosen)
        return Proposal(sol.chosen, _quality(p, sol, "highs"), uncovered, tuple(found[1:]))

    def _solve(
        self, p: PlanProblem, model: PathwayMILP, deadline: float, **kwargs: object
    ) -> tuple[Solution, PathwayMILP]:
        """Solve, switching to the ordered model if the selection cannot be put in order."""
        remaining = max(0.05, deadline - time.perf_counter())
        sol = model.solve(time_limit=remaining, **kwargs)  # type: ignore[arg-type]
        if sol.chosen is not None and not model.ordered:
            _, stuck = order_credentials(p.g, sol.chosen, p.held_credentials, p.held_skills)
            if stuck:
                model = PathwayMILP(p, ordered=True)
                remaining = max(0.05, deadline - time.perf_counter())
                sol = model.solve(time_limit=remaining, **kwargs)  # type: ignore[arg-type]
        return sol, model

    def _partial_kwargs(self, p: PlanProblem, sol: Solution, budgets: dict[str, float | None]) -> dict[str, object]:
        reached = len(p.reached(sol.chosen or frozenset()))
        return {"required": (), "optional": p.coverable, "min_covered": reached, **budgets}

    def _min_coverage(
        self, p: PlanProblem, model: PathwayMILP, deadline: float, budgets: dict[str, float | None], need: int
    ) -> tuple[Solution, PathwayMILP, tuple[Uncovered, ...]]:
        """At least ``need`` coverable targets at the least objective; the rest are left out as beyond_min_coverage.

        Raises InfeasiblePlanError when the budgets leave room for fewer targets than ``need``.
        """
        sol, model = self._solve(p, model, deadline, required=(), optional=p.coverable, min_covered=need, **budgets)
        if sol.chosen is None and sol.status == "infeasible":
            most, _ = self._solve(
                p, model, deadline, required=(), optional=p.coverable, maximise_coverage=True, **budgets
            )
            fit = len(p.reached(most.chosen)) if most.chosen is not None else 0
            self._refuse_min_coverage(p, budgets, need, fit)
        if sol.chosen is None:
            return sol, model, ()
        reached = p.reached(sol.chosen)
        total = len(p.already_held) + len(p.coverable)
        share = len(p.already_held) + len(reached)
        left = tuple(
            Uncovered(
                target=t.id,
                kind=t.kind,
                reason=UncoveredReason.beyond_min_coverage,
                detail=f"left out: the plan reaches {share} of the {total} reachable targets "
                f"({100 * share / total:.0f}%, min coverage {p.profile.constraints.min_coverage:g}) without it",
            )
            for t in p.coverable
            if t not in reached
        )
        return sol, model, left

    def _refuse_min_coverage(self, p: PlanProblem, budgets: dict[str, float | None], need: int, fit: int) -> None:
        c = p.profile.constraints
        total = len(p.already_held) + len(p.coverable)
        most = len(p.already_held) + fit
        share = math.floor(100 * most / total) / 100  # rounded down, so that the share suggested fits
        raise InfeasiblePlanError(
            f"min coverage {c.min_coverage:g} needs {len(p.already_held) + need} of the {total} reachable targets, "
            f"but within {_limits(p, budgets)} at most {most} fit ({most / total:.1%})",
            unmet=[t.id for t in p.coverable],
            fix=(f"lower ${{constraints.min_coverage}} to {share:.2f} or less, or " if share > 0 else "")
            + ", or ".join(
                words
                for words, value in (
                    ("raise ${constraints.max_hours}", c.max_hours),
                    ("set a later ${constraints.deadline} or more ${constraints.hours_per_week}", c.deadline),
                    ("raise ${constraints.max_cost}", c.max_cost),
                )
                if value is not None
            ),
        )

    def _partial(
        self, p: PlanProblem, model: PathwayMILP, deadline: float, budgets: dict[str, float | None]
    ) -> tuple[Solution, PathwayMILP, tuple[Uncovered, ...]]:
        """Budgets too small for every target: cover as many as fit, then minimise the objective."""
        most, model = self._solve(
            p, model, deadline, required=(), optional=p.coverable, maximise_coverage=True, **budgets
        )
        k = len(most.covered) if most.chosen is not None else 0
        sol, model = self._solve(p, model, deadline, required=(), optional=p.coverable, min_covered=k, **budgets)
        full, _ = self._solve(p, PathwayMILP(p), deadline, required=p.coverable)
        need = ""
        if full.chosen is not None:
            hours = sum(p.g.credentials[c].hours or 0.0 for c in full.chosen)
            cost = sum(p.g.credentials[c].cost for c in full.chosen)
            finish = finish_date(p.profile.constraints, hours) if p.profile.constraints.deadline else None
            need = (
                f" (the {p.profile.objective.value}-optimal plan covering every target needs "
                f"{hours:g} hours and costs {cost:g}"
                + (f", finishing on {finish.isoformat()}" if finish is not None else "")
                + ")"
            )
        limits = _limits(p, budgets)
        covered = sol.covered if sol.chosen is not None else frozenset()
        left = tuple(
            Uncovered(
                target=t.id,
                kind=t.kind,
                reason=UncoveredReason.over_budget,
                detail=f"reaching it as well does not fit within {limits}{need}",
            )
            for t in p.coverable
            if t not in covered
        )
        return sol, model, left

    def _fallback(self, p: PlanProblem, sol: Solution, deadline: float) -> Proposal:
        """No solution within the time limit: the greedy plan, with the solver's bound."""
        return greedy_proposal(
            p,
            bound=sol.bound,
            solver="greedy (time limit reached before HiGHS found a plan)",
            status=sol.status,
            seconds=sol.seconds,
        )


def _limits(p: PlanProblem, budgets: dict[str, float | None]) -> str:
    """The budgets in words, the deadline as a date and the hours it leaves."""
    c = p.profile.constraints
    by_deadline = deadline_hours(c)
    words = []
    if c.max_hours is not None:
        words.append(f"max hours {c.max_hours:g}")
    if by_deadline is not None:
        words.append(f"the deadline {c.deadline} ({by_deadline:g} hours at {c.hours_per_week:g} a week)")
    if budgets.get("max_cost") is not None:
        words.append(f"max cost {budgets['max_cost']:g}")
    return ", ".join(words)
