"""Property tests: on random catalogues every plan is valid, optimal against brute force, and deterministic."""

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
from recommender.plan import Pathway
from recommender.profile import Constraints, LearnerProfile, Objective, Targets
from recommender.service import CredpathService
from tests.strategies import dag_catalogues

FAST = settings(
    max_examples=int(__import__("os").environ.get("CREDPATH_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def brute_force(cat: Catalogue, profile: LearnerProfile) -> float | None:
    """The optimum by trying every subset: the smallest objective of an orderable set covering all targets."""
    g = SkillGraph(cat)
    held = Holdings.from_ids(g, profile.have)
    ids = sorted(c for c in g.credentials if c not in held.credentials)
    best = None
    c = profile.constraints
    for r in range(len(ids) + 1):
        for subset in itertools.combinations(ids, r):
            taught = held.skills | {s for x in subset for s in g.credentials[x].taught_skill_ids}
            if not all(t in taught for t in profile.targets.skills):
                continue
            hours = sum(g.credentials[x].hours or 0 for x in subset)
            cost = sum(g.credentials[x].cost for x in subset)
            if (c.max_hours is not None and hours > c.max_hours) or (c.max_cost is not None and cost > c.max_cost):
                continue
            value = hours if profile.objective == Objective.hours else cost
            if best is not None and value >= best:
                continue
            _, stuck = order_credentials(g, subset, held.credentials, held.skills)
            if not stuck:
                best = value
    return best


@st.composite
def requests(draw: st.DrawFn, cat: Catalogue) -> LearnerProfile:
    sids = [s.id for s in cat.skills]
    targets = draw(st.lists(st.sampled_from(sids), min_size=1, max_size=3, unique=True))
    have = draw(st.lists(st.sampled_from(sids + [c.id for c in cat.credentials]), max_size=2, unique=True))
    return LearnerProfile(
        targets=Targets(skills=tuple(targets)),
        have=tuple(have),
        objective=draw(st.sampled_from([Objective.hours, Objective.cost])),
    )


@FAST
@given(data=st.data())
def test_every_step_comes_after_its_requirements(data: st.DataObject) -> None:
    cat = data.draw(dag_catalogues(allow_cycles=data.draw(st.booleans())))
    profile = data.draw(requests(cat))
    service = CredpathService(cat)
    try:
        plan = service.plan(profile)
    except InfeasiblePlanError as exc:
        assert exc.unmet
        return
    assert plan.verification.valid
    g = service.graph
    have = Holdings.from_ids(g, profile.have)
    for step in plan.steps:
        assert is_met(g.effective_requirement(step.credential_id), have.__contains__)
        have.gain(g, step.credential_id)
    assert set(plan.covered) | {u.target for u in plan.uncovered} == set(profile.targets.skills)


@FAST
def full_plan(service: CredpathService, profile: LearnerProfile) -> Pathway | None:
    """The plan when it covers every target; None when the request is infeasible or only partly covered."""
    try:
        plan = service.plan(profile)
    except InfeasiblePlanError:
        return None
    return None if plan.uncovered else plan


@given(data=st.data())
def test_exact_objective_equals_brute_force_optimum(data: st.DataObject) -> None:
    cat = data.draw(dag_catalogues(max_skills=6, max_creds=7, allow_cycles=data.draw(st.booleans())))
    profile = data.draw(requests(cat))
    expected = brute_force(cat, profile)
    plan = full_plan(CredpathService(cat), profile)
    assert (plan is None) == (expected is None), "a full plan exactly when brute force finds one"
    if plan is None or expected is None:
        return
    assert plan.optimal
    value = plan.total_hours if profile.objective == Objective.hours else plan.total_cost
    assert abs(value - expected) < 1e-6


@FAST
@given(data=st.data())
def test_budget_is_never_exceeded_and_never_silently_shorter(data: st.DataObject) -> None:
    cat = data.draw(dag_catalogues(max_skills=6, max_creds=7))
    base = data.draw(requests(cat))
    limit = float(data.draw(st.integers(0, 120)))
    profile = base.model_copy(update={"constraints": Constraints(max_hours=limit)})
    try:
        plan = CredpathService(cat).plan(profile)
    except InfeasiblePlanError as exc:
        assert exc.unmet
        return
    assert plan.total_hours <= limit + 1e-9
    assert set(plan.covered) | {u.target for u in plan.uncovered} == set(profile.targets.skills)
    if brute_force(cat, profile) is not None:
        assert not plan.uncovered


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_plans_are_deterministic(data: st.DataObject) -> None:
    cat = data.draw(dag_catalogues())
    profile = data.draw(requests(cat))

    def run() -> str:
        try:
            plan = CredpathService(cat).plan(profile, alternatives=2)
        except InfeasiblePlanError as exc:
            return exc.message
        return plan.model_dump_json(exclude={"quality": {"seconds"}})

    assert run() == run()
