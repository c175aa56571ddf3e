"""The plan verifier: one independent check that every plan, whoever made it, is sound."""

from __future__ import annotations

from collections.abc import Sequence

from graph.conditions import describe, is_met
from graph.holdings import Holdings
from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.plan import Pathway, Step, Verification
from recommender.problem import allowed_credentials, resolve_profile
from recommender.profile import LearnerProfile

CHECKS = (
    "credentials_exist",
    "no_repeats",
    "not_already_held",
    "allowed_by_constraints",
    "prerequisites_first",
    "requirements_met_by_claims",
    "stages_consistent",
    "totals_match",
    "within_budget",
    "coverage_claims",
)
TOLERANCE = 1e-6


def verify_steps(
    g: SkillGraph,
    profile: LearnerProfile,
    steps: Sequence[Step],
    *,
    total_hours: float | None = None,
    total_cost: float | None = None,
    covered: Sequence[str] | None = None,
    uncovered: Sequence[str] = (),
) -> Verification:
    """Check an ordered list of steps against the catalogue and the learner's profile.

    Re-derives everything from the catalogue: it trusts nothing the planner says about itself.
    """
    problems: list[str] = []
    profile = resolve_profile(g, profile)
    held = Holdings.from_ids(g, profile.have)
    have = held.copy()
    allowed = allowed_credentials(g, profile.constraints)
    stage_of: dict[int, int] = {}
    seen: set[str] = set()
    for n, step in enumerate(steps, start=1):
        cid = step.credential_id
        where = f"step {n} ({cid})"
        if step.index != n:
            problems.append(f"{where}: index is {step.index}, expected {n}")
        if cid not in g.credentials:
            problems.append(f"{where}: no such credential in the catalogue")
            continue
        cred = g.credentials[cid]
        if cid in seen:
            problems.append(f"{where}: appears more than once")
        if cid in held.credentials:
            problems.append(f"{where}: the learner already holds it")
        if cid not in allowed:
            problems.append(f"{where}: excluded by the learner's constraints (provider, delivery, hours or cost)")

        requirement = g.effective_requirement(cid)
        if not is_met(requirement, have.__contains__):
            problems.append(f"{where}: starts before its requirements are met: needs {describe(requirement, g.label)}")
        for claim in step.requirements_met_by:
            if claim.source == "held":
                ok = (claim.kind, claim.requirement) in held
            else:
                earlier = steps[claim.step - 1] if claim.step and 0 < claim.step < n else None
                ok = earlier is not None and (
                    earlier.credential_id == claim.requirement
                    if claim.kind == Kind.credential
                    else earlier.credential_id in g.credentials
                    and claim.requirement in g.credentials[earlier.credential_id].taught_skill_ids
                )
                if ok and earlier is not None and stage_of.get(earlier.index, 0) >= step.stage:
                    problems.append(
                        f"{where}: stage {step.stage} relies on step {earlier.index} of the same or a later stage"
                    )
            if not ok:
                problems.append(
                    f"{where}: claims {claim.requirement} is met by {claim.source} {claim.step or ''} but it is not"
                )
        if n > 1 and step.stage < steps[n - 2].stage:
            problems.append(f"{where}: stage {step.stage} comes after stage {steps[n - 2].stage}")
        if abs(step.hours - float(cred.hours or 0.0)) > TOLERANCE or abs(step.cost - cred.cost) > TOLERANCE:
            problems.append(f"{where}: hours or cost differ from the catalogue")
        stage_of[step.index] = step.stage
        seen.add(cid)
        have.gain(g, cid)

    hours = sum(float(g.credentials[s.credential_id].hours or 0.0) for s in steps if s.credential_id in g.credentials)
    cost = sum(g.credentials[s.credential_id].cost for s in steps if s.credential_id in g.credentials)
    if total_hours is not None and abs(total_hours - hours) > TOLERANCE:
        problems.append(f"total_hours is {total_hours:g} but the steps add up to {hours:g}")
    if total_cost is not None and abs(total_cost - cost) > TOLERANCE:
        problems.append(f"total_cost is {total_cost:g} but the steps add up to {cost:g}")
    c = profile.constraints
    if c.max_hours is not None and hours > c.max_hours + TOLERANCE:
        problems.append(f"total hours {hours:g} exceed max_hours {c.max_hours:g}")
    if c.max_cost is not None and cost > c.max_cost + TOLERANCE:
        problems.append(f"total cost {cost:g} exceeds max_cost {c.max_cost:g}")
    if covered is not None:
        for t in covered:
            if t not in have.skills and t not in have.credentials:
                problems.append(f"target {t} is claimed covered but no step or held item provides it")
        for t in uncovered:
            if t in covered:
                problems.append(f"target {t} is listed as both covered and uncovered")
        for t in _target_ids(g, profile):
            if t not in covered and t not in uncovered:
                problems.append(f"target {t} is neither covered nor reported uncovered")
    return Verification(valid=not problems, checks=CHECKS, problems=tuple(problems))


def verify(g: SkillGraph, pathway: Pathway) -> Verification:
    """Verify a whole Pathway (its request, steps, totals and coverage claims)."""
    return verify_steps(
        g,
        pathway.request,
        pathway.steps,
        total_hours=pathway.total_hours,
        total_cost=pathway.total_cost,
        covered=pathway.covered,
        uncovered=[u.target for u in pathway.uncovered],
    )


def _target_ids(g: SkillGraph, profile: LearnerProfile) -> list[str]:
    t = profile.targets
    ids = list(t.skills) + list(t.credentials)
    occ = g.occupations.get(t.occupation) if t.occupation else None
    if occ is not None:
        ids += list(occ.essential_skills) + (list(occ.optional_skills) if t.include_optional_skills else [])
    return ids
