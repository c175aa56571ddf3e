"""What the LLM planner checks and fixes itself: invented ids, repeats, order, limits, padding, coverage."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from graph.algorithms import order_credentials
from graph.conditions import describe, is_met
from graph.model import Kind
from recommender.problem import PlanProblem

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Fault:
    """One thing wrong with a proposed order, in words a model (and a learner) can act on."""

    kind: str  # invented, duplicate, held, constraint, prerequisite, budget, coverage
    message: str
    credential: str | None = None


def name(p: PlanProblem, cid: str) -> str:
    return f"{p.g.label((Kind.credential, cid))!r} ({cid})"


def sanitize(p: PlanProblem, ids: Sequence[str]) -> tuple[list[str], list[Fault]]:
    """Canonical ids in the model's order, without invented ids and repeats (each reported as a Fault)."""
    out: list[str] = []
    faults: list[Fault] = []
    for n, raw in enumerate(ids, start=1):
        cid = p.g.find(Kind.credential, raw)
        if cid is None:
            faults.append(Fault("invented", f"step {n}: {raw!r} is not a credential in the catalogue", raw))
        elif cid in out:
            faults.append(Fault("duplicate", f"step {n}: {name(p, cid)} appears more than once", cid))
        else:
            out.append(cid)
    return out, faults


def totals(p: PlanProblem, order: Collection[str]) -> tuple[float, float]:
    """Total hours and cost of a set of credentials."""
    g = p.g
    return sum(float(g.credentials[c].hours or 0.0) for c in order), sum(g.credentials[c].cost for c in order)


def covered(p: PlanProblem, order: Collection[str]) -> set[str]:
    """Coverable targets that ``order`` (with the held items) reaches."""
    g = p.g
    taught = {s for c in order for s in g.credentials[c].taught_skill_ids}
    return {
        t.id
        for t in p.coverable
        if (t.kind == Kind.skill and (t.id in taught or t.id in p.held_skills))
        or (t.kind == Kind.credential and t.id in order)
    }


def diagnose(p: PlanProblem, order: Sequence[str], required: Collection[str]) -> list[Fault]:
    """Every fault of a (sanitized) order: held or disallowed steps, unmet prerequisites, limits, coverage.

    ``required`` are the targets the plan must reach (those the exact plan reaches under the same limits).
    """
    g = p.g
    held = p.holdings.copy()
    faults: list[Fault] = []
    for n, cid in enumerate(order, start=1):
        if cid in p.held_credentials:
            faults.append(Fault("held", f"step {n} {name(p, cid)}: the learner already holds it", cid))
        elif not p.allowed(cid):
            faults.append(
                Fault(
                    "constraint",
                    f"step {n} {name(p, cid)} is excluded by the learner's hard constraints "
                    "(provider, delivery, per-item hours or cost, or no longer offered)",
                    cid,
                )
            )
        requirement = g.effective_requirement(cid)
        if not is_met(requirement, held.__contains__):
            unmet = [g.label(leaf) for leaf in g.requirement_leaves(cid) if leaf not in held]
            teachers = sorted({t for kind, s in g.requirement_leaves(cid) if kind == Kind.skill for t in g.teachers(s)})
            hint = f"; candidates that give it: {', '.join(teachers[:5])}" if teachers else ""
            faults.append(
                Fault(
                    "prerequisite",
                    f"step {n} {name(p, cid)} needs {describe(requirement, g.label)}: "
                    f"{', '.join(repr(u) for u in unmet)} is given by no held item or earlier step{hint}",
                    cid,
                )
            )
        held.gain(g, cid)
    hours, cost = totals(p, order)
    c = p.profile.constraints
    if c.max_hours is not None and hours > c.max_hours + TOLERANCE:
        faults.append(Fault("budget", f"total hours {hours:g} exceed the learner's limit of {c.max_hours:g}"))
    if c.max_cost is not None and cost > c.max_cost + TOLERANCE:
        faults.append(Fault("budget", f"total cost {cost:g} exceeds the learner's limit of {c.max_cost:g}"))
    reached = covered(p, order)
    for t in p.coverable:
        if t.id in required and t.id not in reached:
            faults.append(Fault("coverage", f"target {g.label((t.kind, t.id))!r} ({t.id}) is not reached by any step"))
    return faults


def prune(p: PlanProblem, order: Sequence[str]) -> tuple[list[str], list[str]]:
    """Drop steps that serve no target and no other kept step: (kept, in order; dropped ids).

    Repeated until nothing changes, so a chain of padding goes as a whole; in a valid order the
    steps a step can serve all come later.
    """
    g = p.g
    target_skills = {t.id for t in p.targets if t.kind == Kind.skill} - set(p.held_skills)
    target_creds = {t.id for t in p.targets if t.kind == Kind.credential}

    def serves(cid: str, needed: set[tuple[Kind, str]]) -> bool:
        taught = set(g.credentials[cid].taught_skill_ids) - set(p.held_skills)
        return (
            cid in target_creds
            or bool(taught & target_skills)
            or (Kind.credential, cid) in needed
            or any((Kind.skill, s) in needed for s in taught)
        )

    kept = list(order)
    while True:
        needed = {leaf for cid in kept for leaf in g.requirement_leaves(cid)}
        still = [c for c in kept if serves(c, needed)]
        if len(still) == len(kept):
            return kept, [c for c in order if c not in kept]
        kept = still


def topological(p: PlanProblem, chosen: Collection[str], preferred: Sequence[str]) -> tuple[list[str], list[str]]:
    """A valid order of ``chosen`` that keeps the preferred order wherever prerequisites allow."""
    rank = {c: i for i, c in enumerate(preferred)}
    return order_credentials(p.g, chosen, p.held_credentials, p.held_skills, key=lambda c: (rank.get(c, len(rank)), c))


def repair(
    p: PlanProblem, order: Sequence[str], exact: Sequence[str], required: Collection[str]
) -> tuple[list[str], list[str]]:
    """A valid, minimal order as close to ``order`` as the exact plan allows, and every change in words.

    Tries, in turn: the model's allowed steps reordered; those plus the exact plan's steps, pruned;
    the exact plan itself.
    """
    kept = [c for c in order if c not in p.held_credentials and p.allowed(c)]
    changes = [f"removed {name(p, c)}: held already or excluded by your constraints" for c in order if c not in kept]
    for extra in ((), tuple(exact)):
        pool = list(dict.fromkeys([*kept, *extra]))
        ordered, stuck = topological(p, pool, [*kept, *exact])
        ordered, dropped = prune(p, ordered)
        if not stuck and not diagnose(p, ordered, required):
            changes += [f"added {name(p, c)} from the exact plan" for c in ordered if c not in kept]
            changes += [f"removed {name(p, c)}: serves no target and no later step" for c in dropped if c in kept]
            if [c for c in kept if c in ordered] != [c for c in ordered if c in kept]:
                changes.append("reordered the steps so that every prerequisite comes first")
            return ordered, changes
    ordered = list(exact)
    changes += [f"removed {name(p, c)}" for c in kept if c not in ordered]
    changes += [f"added {name(p, c)} from the exact plan" for c in ordered if c not in kept]
    changes.append("replaced by the exact plan: no valid plan kept your other choices")
    return ordered, changes
