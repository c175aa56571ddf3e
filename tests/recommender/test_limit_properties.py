"""Property tests of the learner's limits: on random catalogues with random languages, deadlines and minimum
coverage, every plan respects them and the exact plan is optimal against brute force."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.algorithms import order_credentials
from graph.errors import InfeasiblePlanError
from graph.holdings import Holdings
from graph.model import Catalogue
from graph.skillgraph import SkillGraph
from recommender.plan import UncoveredReason
from recommender.profile import Constraints, LearnerProfile, Objective, Targets, primary_language
from recommender.service import CredpathService
from tests.strategies import dag_catalogues

FAST = settings(
    max_examples=int(__import__("os").environ.get("CREDPATH_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
LANGUAGES = ("en", "en-GB", "es", "FR")
AS_OF = dt.date(2026, 1, 5)


@st.composite
def limited_requests(draw: st.DrawFn, cat: Catalogue, *, min_coverage: bool) -> LearnerProfile:
    """Skill targets, held items, a language set, a deadline at a pace and (optionally) a minimum coverage."""
    sids = [s.id for s in cat.skills]
    targets = draw(st.lists(st.sampled_from(sids), min_size=1, max_size=4, unique=True))
    have = draw(st.lists(st.sampled_from(sids + [c.id for c in cat.credentials]), max_size=2, unique=True))
    languages = draw(st.lists(st.sampled_from(["en", "EN", "es", "fr", "de"]), max_size=2, unique=True))
    deadline = draw(st.none() | st.integers(1, 30).map(lambda w: AS_OF + dt.timedelta(days=7 * w)))
    hours_per_week = float(draw(st.integers(1, 10)))
    return LearnerProfile(
        targets=Targets(skills=tuple(targets)),
        have=tuple(have),
        constraints=Constraints(
            as_of=AS_OF,
            deadline=deadline,
            hours_per_week=hours_per_week,
            languages=tuple(languages),
            min_coverage=draw(st.floats(0.05, 1.0)) if min_coverage else None,
        ),
        objective=draw(st.sampled_from([Objective.hours, Objective.cost])),
    )


@dataclass(frozen=True)
class Best:
    """What brute force finds: the targets the catalogue can reach at all, and per reach the least objective."""

    reachable: frozenset[str]
    least: dict[int, float]  # targets reached (held included) -> smallest objective within the hours budget


def brute_force(cat: Catalogue, profile: LearnerProfile) -> Best:
    """Every subset of the credentials the languages allow, each that can be put in order."""
    g = SkillGraph(cat)
    held = Holdings.from_ids(g, profile.have)
    c = profile.constraints
    wanted = {primary_language(code) for code in c.languages}
    ids = sorted(
        x
        for x in g.credentials
        if x not in held.credentials and (not wanted or primary_language(g.credentials[x].language) in wanted)
    )
    budget = None
    if c.deadline is not None and c.hours_per_week is not None:
        budget = ((c.deadline - (c.as_of or dt.date.today())).days // 7) * c.hours_per_week
    reachable: set[str] = set()
    least: dict[int, float] = {}
    for r in range(len(ids) + 1):
        for subset in itertools.combinations(ids, r):
            _, stuck = order_credentials(g, subset, held.credentials, held.skills)
            if stuck:
                continue
            taught = held.skills | {s for x in subset for s in g.credentials[x].taught_skill_ids}
            reached = {t for t in profile.targets.skills if t in taught}
            reachable |= reached
            hours = sum(g.credentials[x].hours or 0 for x in subset)
            if budget is not None and hours > budget + 1e-9:
                continue
            value = hours if profile.objective == Objective.hours else sum(g.credentials[x].cost for x in subset)
            n = len(reached)
            least[n] = min(value, least.get(n, math.inf))
    return Best(frozenset(reachable), least)


def _value(plan: object, profile: LearnerProfile) -> float:
    return plan.total_hours if profile.objective == Objective.hours else plan.total_cost  # type: ignore[attr-defined]


@FAST
@given(data=st.data(), planner=st.sampled_from(["exact", "greedy"]))
def test_plans_respect_languages_deadlines_and_min_coverage(data: st.DataObject, planner: str) -> None:
    cat = data.draw(dag_catalogues(max_skills=6, max_creds=7, languages=LANGUAGES))
    profile = data.draw(limited_requests(cat, min_coverage=data.draw(st.booleans())))
    service = CredpathService(cat)
    try:
        plan = service.plan(profile, planner=planner)
    except InfeasiblePlanError as exc:
        assert exc.unmet
        return
    assert plan.verification.valid
    c = profile.constraints
    g = service.graph
    wanted = {primary_language(code) for code in c.languages}
    for step in plan.steps:
        assert not wanted or primary_language(g.credentials[step.credential_id].language) in wanted
    if c.deadline is not None and c.hours_per_week is not None:
        weeks = (c.deadline - AS_OF).days // 7
        assert plan.total_hours <= weeks * c.hours_per_week + 1e-9
        assert plan.total_weeks is not None and plan.total_weeks <= weeks
    best = brute_force(cat, profile)
    if c.min_coverage is not None:
        held = set(plan.already_held)
        total = len(held | best.reachable)
        assert len(plan.covered) >= math.ceil(c.min_coverage * total - 1e-9)
        assert all(u.reason != UncoveredReason.over_budget for u in plan.uncovered)
    assert set(plan.covered) | {u.target for u in plan.uncovered} == set(profile.targets.skills)


@FAST
@given(data=st.data())
def test_exact_is_optimal_under_every_limit(data: st.DataObject) -> None:
    cat = data.draw(dag_catalogues(max_skills=6, max_creds=7, languages=LANGUAGES))
    profile = data.draw(limited_requests(cat, min_coverage=data.draw(st.booleans())))
    best = brute_force(cat, profile)
    c = profile.constraints
    held = {t for t in profile.targets.skills if t in Holdings.from_ids(SkillGraph(cat), profile.have).skills}
    total = len(held | best.reachable)
    top = max(best.least, default=0)
    if c.min_coverage is not None:
        need = math.ceil(c.min_coverage * total - 1e-9)
        expected_reach, expected = None, min((v for n, v in best.least.items() if n >= need), default=None)
    else:
        expected_reach, expected = top, best.least.get(top)
    try:
        plan = CredpathService(cat).plan(profile)
    except InfeasiblePlanError:
        assert expected is None or top == 0
        return
    assert expected is not None and top > 0
    assert plan.optimal
    assert abs(_value(plan, profile) - expected) < 1e-6
    if expected_reach is not None:
        assert len(plan.covered) == expected_reach
