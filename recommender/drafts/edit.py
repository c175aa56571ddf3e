"""Advisor edits to a pathway: any order of credentials assembled into a Pathway and judged by the one verifier."""

from __future__ import annotations

from collections.abc import Sequence

from graph.conditions import Leaf, witness
from graph.errors import RequestError
from graph.holdings import Holdings
from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.build import PENDING, credential_step, earned_on_the_way
from recommender.limits import step_weeks
from recommender.plan import Goal, MetBy, Pathway, Quality, Step, Uncovered, UncoveredReason
from recommender.problem import allowed_credentials, prepare, resolve_profile
from recommender.profile import LearnerProfile
from recommender.reach import occupation_reach
from recommender.verify import verify

EDITED = "edited"


def assemble(
    g: SkillGraph,
    profile: LearnerProfile,
    order: Sequence[str],
    *,
    previous: Pathway | None = None,
    quality: Quality | None = None,
    planner: str = EDITED,
    notes: Sequence[str] = (),
    goal: Goal | None = None,
) -> Pathway:
    """The pathway taking ``order`` as given, verified: a broken prerequisite or budget is reported, not refused.

    A credential gone from the catalogue keeps the step ``previous`` had for it, so the verifier can say so.
    Coverage, nearest occupations and what the steps earn on the way come from the functions the service
    plans with; the goal is ``goal``, else the one ``previous`` was planned for.
    """
    p = prepare(g, profile)
    old = {s.credential_id: s for s in previous.steps} if previous is not None else {}
    have = p.holdings.copy()
    first_provider: dict[str, int] = {}
    stage_of: dict[int, int] = {}
    steps: list[Step] = []
    used_skills: set[str] = set()
    hpw = profile.constraints.hours_per_week
    elapsed = 0.0
    last_stage = 1
    for n, cid in enumerate(dict.fromkeys(order), start=1):
        cred = g.credentials.get(cid)
        if cred is None:
            if cid not in old:
                raise RequestError(f"unknown credential {cid!r}", where="credential", fix="pick one from the catalogue")
            steps.append(old[cid].model_copy(update={"index": n, "stage": last_stage, "requirements_met_by": ()}))
            continue

        used = witness(g.effective_requirement(cid), have.__contains__) or []
        met = tuple(_met_by(p.holdings, leaf, first_provider) for leaf in used)
        used_skills.update(i for k, i in used if k == Kind.skill)
        stage = max([last_stage] + [stage_of[m.step] + 1 for m in met if m.step is not None])
        last_stage = stage
        hours = float(cred.hours or 0.0)
        weeks = step_weeks(elapsed, hours, hpw) if hpw else None
        elapsed += hours
        teaches = tuple(dict.fromkeys(cred.taught_skill_ids))
        steps.append(credential_step(cred, index=n, stage=stage, met=met, teaches=teaches, weeks=weeks))
        stage_of[n] = stage
        have.gain(g, cid)
        for sid in cred.taught_skill_ids:
            first_provider.setdefault(sid, n)
        first_provider.setdefault(f"credential:{cid}", n)
    needed = {t.id for t in p.targets if t.kind == Kind.skill} | used_skills
    steps = [s.model_copy(update={"teaches": tuple(x for x in s.teaches if x in needed)}) for s in steps]
    covered = tuple(t.id for t in p.targets if (t.kind, t.id) in have)
    uncovered = [u for u in p.uncovered if u.target not in covered]
    reported = {u.target for u in uncovered}
    uncovered += [
        Uncovered(
            target=t.id,
            kind=t.kind,
            reason=UncoveredReason.left_out,
            detail="no step of this draft reaches it: add a credential that does, or re-plan the rest",
        )
        for t in p.targets
        if t.id not in covered and t.id not in reported
    ]
    hours = round(sum(s.hours for s in steps), 6)
    cost = round(sum(s.cost for s in steps), 6)
    value = hours if profile.objective.value == "hours" else cost
    same = previous is not None and previous.credential_ids == tuple(dict.fromkeys(order))
    if quality is None:
        quality = (
            previous.quality
            if same and previous is not None
            else Quality(
                objective=profile.objective.value,
                value=value,
                optimal=False,
                solver="none",
                status="edited by an advisor",
                seconds=0.0,
            )
        )
    currencies = {s.currency for s in steps}
    coverage, nearest = occupation_reach(g, p.profile.targets.occupation, p.held_credentials, p.held_skills)
    draft = Pathway(
        request=profile,
        steps=tuple(steps),
        covered=covered,
        already_held=tuple(t.id for t in p.already_held),
        uncovered=tuple(uncovered),
        earned=earned_on_the_way(p, tuple(steps)),
        total_hours=hours,
        total_cost=cost,
        currency=currencies.pop() if len(currencies) == 1 else "USD",
        total_weeks=max((s.end_week or 0 for s in steps), default=0) if hpw else None,
        optimal=quality.optimal,
        quality=quality,
        verification=PENDING,
        planner=previous.planner if same and previous is not None else planner,
        explanation=tuple(notes) or (previous.explanation if same and previous is not None else ()),
        coverage=coverage,
        nearest_occupations=nearest,
        goal=goal if goal is not None else previous.goal if previous is not None else None,
    )
    return draft.model_copy(update={"verification": verify(g, draft)})


def _met_by(held: Holdings, leaf: Leaf, first_provider: dict[str, int]) -> MetBy:
    kind, ident = leaf
    if kind == Kind.credential:
        if leaf in held:
            return MetBy(requirement=ident, kind=kind, source="held")
        return MetBy(requirement=ident, kind=kind, source="step", step=first_provider[f"credential:{ident}"])
    if leaf in held:
        return MetBy(requirement=ident, kind=kind, source="held", via=held.granted_via.get(ident))
    return MetBy(requirement=ident, kind=kind, source="step", step=first_provider[ident])


def alternatives(g: SkillGraph, pathway: Pathway, credential_id: str) -> list[str]:
    """Credentials that teach every skill this step is on the plan for, cheapest first (then fewest hours).

    Offered only when the learner's constraints allow them and they are not already on the plan or held.
    """
    step = next((s for s in pathway.steps if s.credential_id == credential_id), None)
    if step is None:
        raise RequestError(f"{credential_id!r} is not a step of this draft", where="credential", fix="pick a step")
    cred = g.credentials.get(credential_id)
    needed = set(step.teaches) or set(cred.taught_skill_ids if cred is not None else ())
    if not needed:
        return []
    allowed = allowed_credentials(g, pathway.request.constraints)
    held_c = Holdings.from_ids(g, resolve_profile(g, pathway.request).have).credentials
    on_plan = set(pathway.credential_ids)
    pool = set.intersection(*(set(g.teachers(s)) for s in needed))
    found = [c for c in pool if c not in on_plan and c not in held_c and c in allowed]
    return sorted(found, key=lambda c: (g.credentials[c].cost, g.credentials[c].hours or 0.0, g.credentials[c].name))


def insertion_point(g: SkillGraph, pathway: Pathway, credential_id: str) -> int:
    """The earliest 0-based position at which ``credential_id``'s requirements are met (else the end)."""
    if credential_id not in g.credentials:
        raise RequestError(f"unknown credential {credential_id!r}", where="credential", fix="pick one from the list")
    have = Holdings.from_ids(g, resolve_profile(g, pathway.request).have)
    requirement = g.effective_requirement(credential_id)

    def holds(leaf: Leaf) -> bool:
        return leaf in have

    for n, step in enumerate(pathway.steps):
        if witness(requirement, holds) is not None:
            return n
        if step.credential_id in g.credentials:
            have.gain(g, step.credential_id)
    return len(pathway.steps)
