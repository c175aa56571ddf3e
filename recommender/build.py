"""Turn a chosen set of credentials into an ordered, staged, explained Pathway."""

from __future__ import annotations

from collections.abc import Sequence

from graph.algorithms import order_credentials, stages
from graph.conditions import Leaf
from graph.errors import PlanVerificationError
from graph.model import Credential, Kind
from graph.stacks import earned_along
from recommender.limits import finish_date, step_weeks
from recommender.plan import Earned, MetBy, Quality, Step, Uncovered, Verification
from recommender.problem import PlanProblem

PREFERRED = "preferred"
"""Quality status of a plan chosen for soft preferences over the proven optimum (the LLM planner's)."""

PENDING = Verification(valid=False, checks=(), problems=("not verified yet",))


def build_steps(p: PlanProblem, chosen: frozenset[str], order: Sequence[str] | None = None) -> tuple[Step, ...]:
    """Order ``chosen`` and say what meets each requirement; never raises, so the verifier judges any proposal.

    ``order`` is the planner's own order (steps are then grouped by stage, keeping that order within a
    stage); None orders stably by stage, then hours, then id. Ids the catalogue does not know, and an
    order that starts a credential before its requirements, still become steps, for the verifier to name.
    """
    g = p.g
    known = sorted(c for c in chosen if c in g.credentials)
    if order is None:
        order_list, stuck = order_credentials(
            g, known, p.held_credentials, p.held_skills, key=lambda c: (g.credentials[c].hours or 0.0, c)
        )
        order_list += sorted(stuck)
    else:
        order_list = [c for c in dict.fromkeys(order) if c in g.credentials]
        order_list += [c for c in known if c not in order_list]
    unknown = sorted({*chosen, *(order or ())} - set(g.credentials))
    try:
        staged = stages(g, order_list, p.held_credentials, p.held_skills)
    except PlanVerificationError:
        staged = {c: (i, []) for i, c in enumerate(order_list, start=1)}
    order_list.sort(key=lambda c: staged[c][0])
    return tuple(_steps(p, order_list, staged)) + tuple(
        _unknown_step(cid, len(order_list) + i) for i, cid in enumerate(unknown, start=1)
    )


def _unknown_step(cid: str, index: int) -> Step:
    """A step for an id the catalogue does not know: it exists only to fail the verifier."""
    return Step(
        index=index,
        stage=index,
        credential_id=cid,
        name=cid,
        provider="",
        kind="unknown",
        teaches=(),
        hours=0.0,
        cost=0.0,
        currency="USD",
    )


def _steps(p: PlanProblem, order: list[str], staged: dict[str, tuple[int, list[Leaf]]]) -> list[Step]:
    g = p.g
    position = {c: i + 1 for i, c in enumerate(order)}
    needed = _needed_skills(p, order, staged)
    first_provider: dict[str, str] = {}
    for cid in order:
        for sid in g.credentials[cid].taught_skill_ids:
            first_provider.setdefault(sid, cid)
    hpw = p.profile.constraints.hours_per_week
    steps = []
    elapsed = 0.0
    for cid in order:
        cred = g.credentials[cid]
        stage, used = staged[cid]
        met = tuple(_met_by(p, leaf, position, first_provider) for leaf in used)
        hours = float(cred.hours or 0.0)
        weeks = step_weeks(elapsed, hours, hpw) if hpw else None
        elapsed += hours
        teaches = tuple(s for s in dict.fromkeys(cred.taught_skill_ids) if s in needed)
        steps.append(credential_step(cred, index=position[cid], stage=stage, met=met, teaches=teaches, weeks=weeks))
    return steps


def credential_step(
    cred: Credential,
    *,
    index: int,
    stage: int,
    met: tuple[MetBy, ...],
    teaches: tuple[str, ...],
    weeks: tuple[int, int] | None,
) -> Step:
    """A plan step taking ``cred``: its catalogue fields, and where it sits in the plan."""
    return Step(
        index=index,
        stage=stage,
        credential_id=cred.id,
        name=cred.name,
        provider=cred.provider,
        kind=cred.kind.value,
        teaches=teaches,
        requirements_met_by=met,
        hours=float(cred.hours or 0.0),
        cost=float(cred.cost),
        currency=cred.currency,
        start_week=weeks[0] if weeks else None,
        end_week=weeks[1] if weeks else None,
        url=cred.url,
    )


def _needed_skills(p: PlanProblem, order: list[str], staged: dict[str, tuple[int, list[Leaf]]]) -> set[str]:
    needed = {t.id for t in p.targets if t.kind == Kind.skill}
    for cid in order:
        needed.update(i for k, i in staged[cid][1] if k == Kind.skill)
    return needed


def _met_by(p: PlanProblem, leaf: Leaf, position: dict[str, int], first_provider: dict[str, str]) -> MetBy:
    kind, ident = leaf
    if leaf in p.holdings:
        via = p.holdings.granted_via.get(ident) if kind == Kind.skill else None
        return MetBy(requirement=ident, kind=kind, source="held", via=via)
    provider = ident if kind == Kind.credential else first_provider[ident]
    return MetBy(requirement=ident, kind=kind, source="step", step=position[provider])


def earned_on_the_way(p: PlanProblem, steps: tuple[Step, ...]) -> tuple[Earned, ...]:
    """The stacked credentials the steps earn with no step of their own (their parts award them)."""
    g = p.g
    return tuple(
        Earned(
            credential_id=e.credential_id,
            name=g.credentials[e.credential_id].name,
            provider=g.credentials[e.credential_id].provider,
            after_step=e.after_step,
            via=e.via,
        )
        for e in earned_along(g, p.holdings, [s.credential_id for s in steps])
    )


def totals(p: PlanProblem, steps: tuple[Step, ...]) -> tuple[float, float, int | None]:
    """Total hours, total cost and (with hours per week) total weeks."""
    hours = round(sum(s.hours for s in steps), 6)
    cost = round(sum(s.cost for s in steps), 6)
    weeks = max((s.end_week or 0 for s in steps), default=0) if p.profile.constraints.hours_per_week else None
    return hours, cost, weeks


def objective_value(p: PlanProblem, steps: tuple[Step, ...]) -> float:
    hours, cost, _ = totals(p, steps)
    return hours if p.profile.objective.value == "hours" else cost


def covered_targets(p: PlanProblem, steps: tuple[Step, ...]) -> tuple[str, ...]:
    """Targets reached: held already, or taught / earned by a step."""
    creds = p.g.credentials
    taught = {s for st in steps if st.credential_id in creds for s in creds[st.credential_id].taught_skill_ids}
    earned = {st.credential_id for st in steps}
    out = []
    for t in p.targets:
        if t.leaf in p.holdings or t.id in (taught if t.kind == Kind.skill else earned):
            out.append(t.id)
    return tuple(out)


def explanation(
    p: PlanProblem, steps: tuple[Step, ...], quality: Quality, uncovered: tuple[Uncovered, ...]
) -> tuple[str, ...]:
    """Plain-language notes: what the plan reaches, why it is this short, what it leaves out."""
    g = p.g
    notes = []
    unit = "hours" if quality.objective == "hours" else "cost"
    if steps:
        notes.append(
            f"{len(steps)} credential(s) in {max(s.stage for s in steps)} stage(s) reach "
            f"{len(covered_targets(p, steps)) - len(p.already_held)} target(s)."
        )
    if quality.optimal:
        notes.append(f"Proven optimal: no valid plan reaching the same targets has lower total {unit}.")
    elif quality.bound is not None and quality.status == PREFERRED:
        notes.append(
            f"Chosen for your preferences: the optimum under the same limits has total {unit} "
            f"{quality.bound:g}; this plan is {100 * (quality.gap or 0):.1f}% above it."
        )
    elif quality.bound is not None:
        notes.append(
            f"Best plan found within the time limit; no valid plan can have total {unit} below "
            f"{quality.bound:g} (gap {100 * (quality.gap or 0):.1f}%)."
        )
    else:
        notes.append(
            f"Not proven optimal: no lower bound on total {unit} is known, so the gap to the best plan is unknown."
        )
    notes += _limit_notes(p, steps)
    if p.already_held:
        held = ", ".join(g.label(t.leaf) for t in p.already_held)
        notes.append(f"Already held: {held}.")
    for u in uncovered:
        notes.append(f"Not covered: {g.label((u.kind, u.target))}: {u.detail}.")
    unknown_hours = [
        st.name
        for st in steps
        if st.credential_id in g.credentials
        and g.credentials[st.credential_id].hours is None
        and not g.credentials[st.credential_id].earned_by_parts
    ]
    if unknown_hours:
        notes.append(f"No hours stated for {', '.join(unknown_hours)}; the totals count them as 0 hours.")
    return tuple(notes)


def _limit_notes(p: PlanProblem, steps: tuple[Step, ...]) -> list[str]:
    """What the deadline and minimum coverage mean for this plan (nothing when neither is set)."""
    c = p.profile.constraints
    notes = []
    if c.deadline is not None and c.hours_per_week is not None:
        finish = finish_date(c, sum(s.hours for s in steps))
        notes.append(
            f"At {c.hours_per_week:g} hours a week from {c.as_of}, it finishes by {finish}, "
            f"within the deadline {c.deadline}."
        )
    if c.min_coverage is not None:
        total = len(p.already_held) + len(p.coverable)
        reached = len(p.already_held) + len(p.reached({s.credential_id for s in steps}))
        notes.append(
            f"Minimum coverage {c.min_coverage:g}: it reaches {reached} of the {total} targets the catalogue "
            f"can reach ({100 * reached / total:.0f}%), leaving the rest out to save {p.profile.objective.value}."
            if total
            else f"Minimum coverage {c.min_coverage:g}: the catalogue can reach none of the targets."
        )
    return notes
