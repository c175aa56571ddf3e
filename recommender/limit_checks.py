"""Verifier checks of the learner's plan-wide limits: finishing by the deadline, reaching the minimum coverage."""

from __future__ import annotations

from graph.errors import RequestError
from recommender.limits import deadline_hours, finish_date
from recommender.plan import Finding
from recommender.subject import TOLERANCE, Subject, plan_finding


def meets_deadline(s: Subject) -> list[Finding] | None:
    """At ``hours_per_week`` from ``as_of``, the steps end by the deadline (runs only with a deadline and a pace)."""
    c = s.profile.constraints
    budget = deadline_hours(c)
    if budget is None or s.hours <= budget + TOLERANCE:
        return None if budget is None else []
    return [
        plan_finding(
            "meets_deadline",
            "/total_hours",
            f"the steps take {s.hours:g} hours, which at {c.hours_per_week:g} hours a week ends on "
            f"{finish_date(c, s.hours)}, after the deadline {c.deadline} ({budget:g} hours fit before it)",
            "drop or replace steps, reporting the targets that no longer fit as over_budget",
        )
    ]


def min_coverage_met(s: Subject) -> list[Finding] | None:
    """The steps and held items reach at least ``min_coverage`` of the targets the catalogue can reach."""
    problem = s.problem
    if s.profile.constraints.min_coverage is None or isinstance(problem, RequestError):
        return None
    need = problem.coverage_needed or 0
    after = s.before[-1]
    reached = sum(t.leaf in after for t in problem.coverable)
    if reached >= need:
        return []
    held = len(problem.already_held)
    total = held + len(problem.coverable)
    return [
        plan_finding(
            "min_coverage_met",
            "/covered",
            f"the plan reaches {held + reached} of the {total} reachable targets, fewer than the "
            f"{held + need} that min_coverage {s.profile.constraints.min_coverage:g} asks for",
            f"add steps that reach {need - reached} more target(s), or lower min_coverage",
        )
    ]
