"""The planner's own checks: invented ids and repeats dropped, faults named precisely, padding pruned, repairs valid."""

from __future__ import annotations

from collections.abc import Callable

from recommender.llm.repair import diagnose, prune, repair, sanitize, totals
from recommender.problem import PlanProblem


def test_sanitize_drops_invented_ids_and_repeats_and_says_so(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    p = problem()
    order, faults = sanitize(p, [*exact_order, "made-up-course", exact_order[0]])
    assert order == exact_order
    assert [f.kind for f in faults] == ["invented", "duplicate"]
    assert "'made-up-course' is not a credential" in faults[0].message


def test_diagnose_names_the_step_and_the_missing_prerequisite(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    p = problem()
    assert diagnose(p, exact_order, {t.id for t in p.coverable}) == []
    faults = diagnose(p, list(reversed(exact_order)), {t.id for t in p.coverable})
    first = faults[0]
    assert first.kind == "prerequisite"
    assert first.message.startswith("step 1 'Data Mining")
    assert "given by no held item or earlier step" in first.message


def test_diagnose_reports_limits_and_missing_targets(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    p = problem(max_hours=100)
    kinds = {f.kind for f in diagnose(p, exact_order[:-1], {t.id for t in p.coverable})}
    assert kinds == {"budget", "coverage"}


def test_prune_drops_padding_even_when_out_of_order(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    p = problem()
    padded = ["harbourline-git-badge", *reversed(exact_order), "kestrel-oop"]
    kept, dropped = prune(p, padded)
    assert dropped == ["harbourline-git-badge", "kestrel-oop"]
    assert kept == list(reversed(exact_order))


def test_repair_keeps_valid_choices_and_lists_every_change(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    p = problem()
    required = {t.id for t in p.coverable}
    swapped = [
        "openquarry-learn-to-code",
        *(c for c in reversed(exact_order) if c != "kestrel-programming-fundamentals"),
    ]
    fixed, changes = repair(p, swapped, exact_order, required)
    assert diagnose(p, fixed, required) == []
    assert "openquarry-learn-to-code" in fixed
    assert changes == ["reordered the steps so that every prerequisite comes first"]
    missing, changes = repair(p, exact_order[1:], exact_order, required)
    assert diagnose(p, missing, required) == []
    assert any(c.startswith("added 'Applied Mathematics") for c in changes), changes


def test_repair_under_a_budget_falls_back_to_the_exact_plan(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    hours, _ = totals(problem(), exact_order)
    p = problem(max_hours=hours)
    required = {t.id for t in p.coverable}
    costly = ["openquarry-learn-to-code", *(c for c in exact_order if c != "kestrel-programming-fundamentals")]
    fixed, changes = repair(p, costly, exact_order, required)
    assert fixed == exact_order
    assert changes[-1].startswith("replaced by the exact plan")
