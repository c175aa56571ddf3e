"""Occupations the catalogue cannot teach in full: their coverage and the nearest ones it can."""

from __future__ import annotations

import random

import pytest

from bench.catalogue_gen import generate_catalogue
from graph.algorithms import attainable
from graph.errors import InfeasiblePlanError
from graph.model import (
    AllOf,
    AnyOf,
    Condition,
    Credential,
    CredentialCondition,
    Skill,
    SkillCondition,
    TaughtSkill,
)
from graph.skillgraph import SkillGraph
from recommender.profile import LearnerProfile, Targets
from recommender.reach import reachable_skills
from recommender.service import CredpathService


@pytest.fixture(scope="module")
def service() -> CredpathService:
    return CredpathService.bundled()


def occupation(service: CredpathService, label: str) -> str:
    return next(o.id for o in service.catalogue.occupations if o.label == label)


def test_a_partly_taught_occupation_says_what_is_missing_and_what_is_near(service: CredpathService) -> None:
    nurse = occupation(service, "nurse responsible for general care")
    plan = service.plan(LearnerProfile(targets=Targets(occupation=nurse)))
    assert plan.coverage is not None and plan.coverage.essential == 88
    assert 0 < plan.coverage.reachable < plan.coverage.essential
    assert plan.coverage.share == pytest.approx(plan.coverage.reachable / 88, abs=1e-4)
    untaught = {u.target for u in plan.uncovered if u.reason.value == "nothing_teaches"}
    assert set(plan.coverage.nothing_teaches) == untaught
    assert plan.nearest_occupations, "clinical work shares skills with occupations the catalogue teaches"
    g = service.graph
    for near in plan.nearest_occupations:
        assert near.coverage == 1.0
        shared = set(g.occupations[near.occupation].essential_skills) & set(g.occupations[nurse].essential_skills)
        assert near.shared == len(shared) > 0
    shares = [n.shared for n in plan.nearest_occupations]
    assert shares == sorted(shares, reverse=True)
    text = service.markdown(plan)
    assert "What the catalogue covers" in text and plan.nearest_occupations[0].label in text


def test_a_fully_taught_occupation_lists_no_neighbours(service: CredpathService) -> None:
    plan = service.plan(LearnerProfile(targets=Targets(occupation=occupation(service, "cloud engineer"))))
    assert plan.coverage is not None and plan.coverage.share == 1.0
    assert plan.nearest_occupations == ()
    assert "What the catalogue covers" not in service.markdown(plan)


def test_an_untaught_occupation_is_infeasible_with_the_reason(service: CredpathService) -> None:
    with pytest.raises(InfeasiblePlanError, match="no credential in the catalogue teaches"):
        service.plan(LearnerProfile(targets=Targets(occupation=occupation(service, "veterinary nurse"))))


def gated(seed: int) -> SkillGraph:
    """A generated catalogue plus chains of credentials gated by skills no credential teaches (g0..g9)."""
    base = generate_catalogue(300, seed=seed).catalogue
    rng = random.Random(seed)
    known = [s.id for s in base.skills]
    extra = [Skill(id=f"g{i}", label=f"gate {i}") for i in range(10)]
    extra += [Skill(id=f"t{i}", label=f"taught {i}") for i in range(40)]
    creds = []
    for i in range(40):
        gate: Condition = SkillCondition(skill=f"g{i % 10}")
        if i >= 10:
            gate = AllOf(all_of=(gate, CredentialCondition(credential=f"k{i - 10}")))
        if i % 3 == 0:
            gate = AnyOf(any_of=(gate, SkillCondition(skill=f"t{(i + 7) % 40}")))
        creds.append(
            Credential(
                id=f"k{i}",
                name=f"gated {i}",
                provider="P",
                hours=5,
                requires=gate,
                teaches=(TaughtSkill(skill=f"t{i}"), TaughtSkill(skill=rng.choice(known))),
            )
        )
    cat = base.model_copy(update={"skills": (*base.skills, *extra), "credentials": (*base.credentials, *creds)})
    return SkillGraph(cat)


@pytest.mark.parametrize("seed", range(4))
def test_reachable_skills_chained_on_from_nothing_equal_a_fresh_chain(seed: int) -> None:
    """The shortcut (chain on from what anyone reaches holding nothing) gives exactly what chaining afresh gives."""
    g = gated(seed)
    rng = random.Random(seed)
    creds, skills = sorted(g.credentials), sorted(g.skills)
    nothing = attainable(g).skills
    gained = 0
    for _ in range(25):
        held_c = rng.sample(creds, rng.randint(0, 3))
        held_s = rng.sample(skills, rng.randint(0, 6)) + rng.sample([f"g{i}" for i in range(10)], rng.randint(0, 3))
        fresh = attainable(g, held_c, held_s).skills | frozenset(held_s)
        assert reachable_skills(g, held_c, held_s) == fresh
        assert reachable_skills(g, held_c, held_s) == fresh, "and the remembered answer too"
        gained += bool(fresh - nothing - frozenset(held_s))
    assert gained, "some held sets open credentials that holding nothing does not"
    assert reachable_skills(g) == nothing
