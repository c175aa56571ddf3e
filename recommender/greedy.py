"""The greedy planner: cheapest-looking route to each target. A baseline and a fallback, not optimal."""

from __future__ import annotations

import sys

from graph.conditions import Leaf, leaf_key
from graph.model import AllOf, AnyOf, AtLeast, Condition, CredentialCondition, SkillCondition
from graph.skillgraph import CREDENTIAL, SKILL
from recommender.plan import Uncovered, UncoveredReason
from recommender.problem import PlanProblem, Target

INF = float("inf")


def estimate_costs(p: PlanProblem) -> dict[Leaf, float]:
    """Additive cost estimate of reaching every candidate leaf (the h_add heuristic).

    A credential costs its own weight plus the estimate of its requirement; a skill costs its
    cheapest teacher; ALL sums, ANY takes the minimum, at-least-N sums the N smallest. Shared
    prerequisites are counted more than once, which is why greedy plans can be beaten.
    """
    creds, skills = p.candidates
    cost: dict[Leaf, float] = {(CREDENTIAL, c): INF for c in creds}
    cost.update({(SKILL, s): INF for s in skills})
    order = [c for c in p.reach.order if c in creds]
    changed = True
    while changed:
        changed = False
        for c in order:
            value = p.weight(c) + condition_cost(p.g.effective_requirement(c), cost, p)
            if value < cost[(CREDENTIAL, c)] - 1e-12:
                cost[(CREDENTIAL, c)] = value
                changed = True
                for s in p.g.credentials[c].taught_skill_ids:
                    if (SKILL, s) in cost and value < cost[(SKILL, s)]:
                        cost[(SKILL, s)] = value
    return cost


def condition_cost(cond: Condition | None, cost: dict[Leaf, float], p: PlanProblem) -> float:
    """Estimated cost of meeting ``cond`` given leaf estimates; held leaves cost nothing."""
    if cond is None:
        return 0.0
    if isinstance(cond, (SkillCondition, CredentialCondition)):
        kind, ident = leaf_key(cond)
        held = p.held_skills if kind == SKILL else p.held_credentials
        return 0.0 if ident in held else cost.get((kind, ident), INF)
    if isinstance(cond, AllOf):
        return sum(condition_cost(c, cost, p) for c in cond.all_of)
    if isinstance(cond, AnyOf):
        return min(condition_cost(c, cost, p) for c in cond.any_of)
    assert isinstance(cond, AtLeast)
    return sum(sorted(condition_cost(c, cost, p) for c in cond.of)[: cond.at_least])


def greedy_select(
    p: PlanProblem, targets: tuple[Target, ...], cost: dict[Leaf, float] | None = None
) -> frozenset[str] | None:
    """Credentials that reach ``targets`` by always following the cheapest estimate, or None."""
    cost = cost if cost is not None else estimate_costs(p)
    chosen: set[str] = set()
    have_s = set(p.held_skills)
    have_c = set(p.held_credentials)
    in_progress: set[Leaf] = set()

    def obtain(leaf: Leaf, depth: int = 0) -> bool:
        kind, ident = leaf
        if ident in (have_s if kind == SKILL else have_c):
            return True
        if leaf in in_progress or depth > 1000:
            return False
        in_progress.add(leaf)
        try:
            return _obtain(kind, ident, depth)
        finally:
            in_progress.discard(leaf)

    def _obtain(kind: str, ident: str, depth: int) -> bool:
        if kind == SKILL:
            teachers = [c for c in p.g.teachers(ident) if cost.get((CREDENTIAL, c), INF) < INF]
            if not teachers:
                return False
            ident = min(teachers, key=lambda c: (cost[(CREDENTIAL, c)], c))
        if cost.get((CREDENTIAL, ident), INF) == INF:
            return False
        if not meet(p.g.effective_requirement(ident), depth + 1):
            return False
        chosen.add(ident)
        have_c.add(ident)
        have_s.update(p.g.credentials[ident].taught_skill_ids)
        return True

    def meet(cond: Condition | None, depth: int) -> bool:
        if cond is None:
            return True
        if isinstance(cond, (SkillCondition, CredentialCondition)):
            return obtain(leaf_key(cond), depth)
        if isinstance(cond, AllOf):
            return all(meet(c, depth) for c in cond.all_of)
        children = cond.any_of if isinstance(cond, AnyOf) else cond.of
        need = 1 if isinstance(cond, AnyOf) else cond.at_least
        ranked = sorted(children, key=lambda c: condition_cost(c, cost, p))
        met = 0
        for child in ranked:
            if met == need:
                break
            if condition_cost(child, cost, p) < INF and meet(child, depth):
                met += 1
        return met >= need

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for t in targets:
            if not obtain((t.kind, t.id)):
                return None
    finally:
        sys.setrecursionlimit(limit)
    return frozenset(chosen)


def greedy_within_budget(p: PlanProblem) -> tuple[frozenset[str], tuple[Uncovered, ...]]:
    """Greedy selection that adds targets one by one while the learner's budgets allow."""
    c = p.profile.constraints
    chosen: frozenset[str] = frozenset()
    reached: list[Target] = []
    left: list[Uncovered] = []
    estimates = estimate_costs(p)
    for t in p.coverable:
        attempt = greedy_select(p, (*reached, t), estimates)
        if attempt is None:
            left.append(
                Uncovered(
                    target=t.id,
                    kind=t.kind,
                    reason=UncoveredReason.unknown,
                    detail="the greedy planner found no route; the exact planner may",
                )
            )
            continue
        hours = sum(p.g.credentials[x].hours or 0.0 for x in attempt)
        cost = sum(p.g.credentials[x].cost for x in attempt)
        if (c.max_hours is not None and hours > c.max_hours + 1e-9) or (
            c.max_cost is not None and cost > c.max_cost + 1e-9
        ):
            left.append(
                Uncovered(
                    target=t.id,
                    kind=t.kind,
                    reason=UncoveredReason.over_budget,
                    detail=f"adding it would need {hours:g} hours and cost {cost:g} in total",
                )
            )
            continue
        chosen = attempt
        reached.append(t)
    return chosen, tuple(left)
