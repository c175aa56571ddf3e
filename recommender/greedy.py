"""The greedy planner: cheapest-looking route to each target. A baseline and a fallback, not optimal."""

from __future__ import annotations

import sys

from graph.conditions import Leaf, leaf_key
from graph.model import Condition, CredentialCondition, Gate, Kind, SkillCondition, requirement_parts
from recommender.limits import finish_date, hours_budget
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
    cost: dict[Leaf, float] = {(Kind.credential, c): INF for c in creds}
    cost.update({(Kind.skill, s): INF for s in skills})
    order = [c for c in p.reach.order if c in creds]
    changed = True
    while changed:
        changed = False
        for c in order:
            value = p.weight(c) + condition_cost(p.g.effective_requirement(c), cost, p)
            if value < cost[(Kind.credential, c)] - 1e-12:
                cost[(Kind.credential, c)] = value
                changed = True
                for s in p.g.credentials[c].taught_skill_ids:
                    if (Kind.skill, s) in cost and value < cost[(Kind.skill, s)]:
                        cost[(Kind.skill, s)] = value
    return cost


def condition_cost(cond: Condition | None, cost: dict[Leaf, float], p: PlanProblem) -> float:
    """Estimated cost of meeting ``cond`` given leaf estimates; held leaves cost nothing."""
    if cond is None:
        return 0.0
    parts = requirement_parts(cond)
    if parts is None:
        assert isinstance(cond, (SkillCondition, CredentialCondition))
        leaf = leaf_key(cond)
        return 0.0 if leaf in p.holdings else cost.get(leaf, INF)
    if parts.gate == Gate.all_of:
        return sum(condition_cost(c, cost, p) for c in parts.children)
    return sum(sorted(condition_cost(c, cost, p) for c in parts.children)[: parts.needed])


def greedy_select(
    p: PlanProblem, targets: tuple[Target, ...], cost: dict[Leaf, float] | None = None
) -> frozenset[str] | None:
    """Credentials that reach ``targets`` by always following the cheapest estimate, or None."""
    cost = cost if cost is not None else estimate_costs(p)
    chosen: set[str] = set()
    have = p.holdings.copy()
    in_progress: set[Leaf] = set()

    def obtain(leaf: Leaf, depth: int = 0) -> bool:
        if leaf in have:
            return True
        if leaf in in_progress or depth > 1000:
            return False
        in_progress.add(leaf)
        try:
            return _obtain(*leaf, depth)
        finally:
            in_progress.discard(leaf)

    def _obtain(kind: Kind, ident: str, depth: int) -> bool:
        if kind == Kind.skill:
            teachers = [c for c in p.g.teachers(ident) if cost.get((Kind.credential, c), INF) < INF]
            if not teachers:
                return False
            ident = min(teachers, key=lambda c: (cost[(Kind.credential, c)], c))
        if cost.get((Kind.credential, ident), INF) == INF:
            return False
        if not meet(p.g.effective_requirement(ident), depth + 1):
            return False
        chosen.add(ident)
        have.gain(p.g, ident)
        return True

    def meet(cond: Condition | None, depth: int) -> bool:
        if cond is None:
            return True
        parts = requirement_parts(cond)
        if parts is None:
            assert isinstance(cond, (SkillCondition, CredentialCondition))
            return obtain(leaf_key(cond), depth)
        if parts.gate == Gate.all_of:
            return all(meet(c, depth) for c in parts.children)
        children, need = parts.children, parts.needed
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
            if not obtain(t.leaf):
                return None
    finally:
        sys.setrecursionlimit(limit)
    return frozenset(chosen)


def greedy_within_budget(p: PlanProblem) -> tuple[frozenset[str], tuple[Uncovered, ...]]:
    """Greedy selection that adds targets one by one while the learner's budgets allow.

    The hours budget is the tighter of max_hours and the deadline's. With min_coverage, the targets are
    taken cheapest estimate first and the rest are left out once enough are reached.
    """
    c = p.profile.constraints
    max_hours = hours_budget(c)
    chosen: frozenset[str] = frozenset()
    reached: list[Target] = []
    left: list[Uncovered] = []
    estimates = estimate_costs(p)
    need = p.coverage_needed
    targets = p.coverable
    if need is not None:
        targets = tuple(sorted(targets, key=lambda t: (estimates.get(t.leaf, INF), t.id)))
    for t in targets:
        if need is not None and t not in (got := p.reached(chosen)) and len(got) >= need:
            left.append(
                Uncovered(
                    target=t.id,
                    kind=t.kind,
                    reason=UncoveredReason.beyond_min_coverage,
                    detail=f"left out: the plan reaches min coverage {c.min_coverage:g} without it",
                )
            )
            continue
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
        too_long = max_hours is not None and hours > max_hours + 1e-9
        if too_long or (c.max_cost is not None and cost > c.max_cost + 1e-9):
            finish = finish_date(c, hours) if c.deadline is not None else None
            left.append(
                Uncovered(
                    target=t.id,
                    kind=t.kind,
                    reason=UncoveredReason.over_budget,
                    detail=f"adding it would need {hours:g} hours and cost {cost:g} in total"
                    + (f", finishing on {finish.isoformat()} (deadline {c.deadline})" if finish is not None else ""),
                )
            )
            continue
        chosen = attempt
        reached.append(t)
    return chosen, tuple(left)
