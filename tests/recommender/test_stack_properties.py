"""Property tests for stacked credentials: what plans earn on the way, and targeting a stack, against brute force."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.algorithms import order_credentials
from graph.conditions import is_met
from graph.errors import InfeasiblePlanError
from graph.holdings import Holdings
from graph.model import Catalogue
from graph.skillgraph import SkillGraph
from recommender.profile import LearnerProfile, Objective, Targets
from recommender.service import CredpathService
from tests.recommender.test_properties import full_plan
from tests.strategies import stacked_catalogues

FAST = settings(
    max_examples=int(__import__("os").environ.get("CREDPATH_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def brute_force_stack(cat: Catalogue, profile: LearnerProfile, stack: str) -> float | None:
    """The least objective of a set of credentials, the stack among them, whose award rule holds and that can be
    put in an order where each starts after its requirements."""
    g = SkillGraph(cat)
    held = Holdings.from_ids(g, profile.have)
    ids = sorted(c for c in g.credentials if c not in held.credentials and c != stack)
    rule = g.credentials[stack].awarded_for
    best = None
    for r in range(len(ids) + 1):
        for subset in itertools.combinations(ids, r):
            chosen = {*subset, stack}
            value = sum(
                (g.credentials[x].hours or 0.0) if profile.objective == Objective.hours else g.credentials[x].cost
                for x in chosen
            )
            if best is not None and value >= best:
                continue
            if not is_met(rule, lambda leaf, chosen=chosen: leaf[1] in chosen or leaf in held):
                continue
            _, stuck = order_credentials(g, chosen, held.credentials, held.skills)
            if not stuck:
                best = value
    return best


@st.composite
def requests(draw: st.DrawFn, cat: Catalogue, target_stack: bool) -> LearnerProfile:
    sids = [s.id for s in cat.skills]
    stacks = [c.id for c in cat.credentials if c.awarded_for is not None]
    others = [c.id for c in cat.credentials if c.awarded_for is None]
    have = draw(st.lists(st.sampled_from(sids + others), max_size=2, unique=True))
    if target_stack:
        targets = Targets(credentials=(draw(st.sampled_from(stacks)),))
    else:
        targets = Targets(skills=tuple(draw(st.lists(st.sampled_from(sids), min_size=1, max_size=3, unique=True))))
    return LearnerProfile(targets=targets, have=tuple(have), objective=draw(st.sampled_from(list(Objective))))


@FAST
@given(data=st.data())
def test_every_earned_credential_meets_its_award_rule_and_none_is_missed(data: st.DataObject) -> None:
    cat = data.draw(stacked_catalogues())
    profile = data.draw(requests(cat, target_stack=data.draw(st.booleans())))
    planner = data.draw(st.sampled_from(["exact", "greedy"]))
    service = CredpathService(cat)
    try:
        plan = service.plan(profile, planner=planner)
    except InfeasiblePlanError:
        return
    assert plan.verification.valid, plan.verification.problems
    g = service.graph
    have = Holdings.from_ids(g, profile.have)
    steps = [s.credential_id for s in plan.steps]
    after: list[Holdings] = [have.copy()]
    for cid in steps:
        have.gain(g, cid)
        after.append(have.copy())
    earned = {e.credential_id: e for e in plan.earned}
    for e in plan.earned:
        cred = g.credentials[e.credential_id]
        assert cred.earned_by_parts and e.credential_id not in steps
        reached = after[e.after_step].copy()
        for other in plan.earned:  # stacks earned no later count as held (a stack of stacks)
            if other.after_step <= e.after_step and other.credential_id != e.credential_id:
                reached.gain(g, other.credential_id)
        assert is_met(cred.awarded_for, reached.__contains__)
        assert set(e.via) <= set(cred.part_ids) & set(steps[: e.after_step])
    final = after[-1]
    for e in plan.earned:
        final.gain(g, e.credential_id)
    alone = Holdings.from_ids(g, profile.have)
    grown = True
    while grown:  # stacks the held items alone earn count as held, and may earn a stack of stacks
        grown = False
        for cred in g.credentials.values():
            held_now = cred.id in alone.credentials
            if cred.earned_by_parts and not held_now and is_met(g.effective_requirement(cred.id), alone.__contains__):
                alone.gain(g, cred.id)
                grown = True
    for cred in g.credentials.values():
        if not cred.earned_by_parts or cred.id in steps or cred.id in earned or cred.id in alone.credentials:
            continue
        met_at_end = is_met(g.effective_requirement(cred.id), final.__contains__)
        met_by_held_alone = is_met(g.effective_requirement(cred.id), alone.__contains__)
        assert not met_at_end or met_by_held_alone, f"{cred.id} is earned by the plan but not listed"


@FAST
@given(data=st.data())
def test_targeting_a_stack_gives_the_brute_force_optimum(data: st.DataObject) -> None:
    cat = data.draw(stacked_catalogues(max_skills=5, max_creds=5))
    profile = data.draw(requests(cat, target_stack=True))
    (stack,) = profile.targets.credentials
    expected = brute_force_stack(cat, profile, stack)
    service = CredpathService(cat)
    plan = full_plan(service, profile)
    assert (plan is None) == (expected is None), "a full plan exactly when brute force finds one"
    if plan is None or expected is None:
        return
    assert plan.optimal and stack in plan.covered
    assert stack in [s.credential_id for s in plan.steps]
    value = plan.total_hours if profile.objective == Objective.hours else plan.total_cost
    assert abs(value - expected) < 1e-6
