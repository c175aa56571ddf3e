"""When the solver runs out of time, the plan is still valid and says how far from optimal it may be."""

from __future__ import annotations

from typing import Any

import pytest

from recommender import milp
from recommender.milp import Solution
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService

PROFILE = LearnerProfile(targets=Targets(occupation="data analyst"))


def test_no_solution_in_time_falls_back_to_greedy_with_the_bound(
    service: CredpathService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def timed_out(self: milp.PathwayMILP, **kwargs: Any) -> Solution:
        return Solution(None, None, 100.0, None, "Time limit reached", False, 20.0)

    monkeypatch.setattr(milp.PathwayMILP, "solve", timed_out)
    plan = service.plan(PROFILE, time_limit=0.1)
    assert plan.verification.valid and plan.steps
    assert not plan.optimal
    assert plan.quality.bound == 100.0
    assert plan.quality.gap == pytest.approx((plan.total_hours - 100.0) / plan.total_hours)
    assert plan.quality.solver.startswith("greedy")
    assert any("no valid plan can have total hours below 100" in note for note in plan.explanation)


def test_best_found_plan_states_its_gap(service: CredpathService, monkeypatch: pytest.MonkeyPatch) -> None:
    real = milp.PathwayMILP.solve

    def stopped_early(self: milp.PathwayMILP, **kwargs: Any) -> Solution:
        found = real(self, **kwargs)
        if found.chosen is None or found.value is None:
            return found
        bound = found.value * 0.9
        return Solution(found.chosen, found.value, bound, 0.1, "Time limit reached", False, 20.0)

    monkeypatch.setattr(milp.PathwayMILP, "solve", stopped_early)
    plan = service.plan(PROFILE)
    assert plan.verification.valid
    assert not plan.optimal and plan.quality.gap == pytest.approx(0.1)
    assert "gap 10.0%" in service.markdown(plan)


def test_real_time_limit_on_a_large_catalogue_still_verifies() -> None:
    from bench.catalogue_gen import generate_catalogue, sample_requests

    gen = generate_catalogue(3000, seed=3)
    service = CredpathService(gen.catalogue)
    for profile in sample_requests(gen, 2, seed=3):
        plan = service.plan(profile, time_limit=0.2)
        assert plan.verification.valid
        assert plan.optimal or plan.quality.bound is not None
