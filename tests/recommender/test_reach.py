"""Occupations the catalogue cannot teach in full: their coverage and the nearest ones it can."""

from __future__ import annotations

import pytest

from graph.errors import InfeasiblePlanError
from recommender.profile import LearnerProfile, Targets
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
