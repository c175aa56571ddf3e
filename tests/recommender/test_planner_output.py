"""What planners report about themselves is true: gaps, missing alternatives, bounded study pace, time limits."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from graph.errors import RequestError
from recommender.profile import Constraints, LearnerProfile, Targets
from recommender.service import CredpathService

ANALYST = LearnerProfile(targets=Targets(occupation="data analyst"))


def test_greedy_markdown_does_not_claim_a_zero_gap(service: CredpathService) -> None:
    plan = service.plan(ANALYST, planner="greedy")
    assert not plan.optimal and plan.quality.gap is None
    text = service.markdown(plan)
    assert "gap 0.0%" not in text
    assert "gap unknown" in text


def test_greedy_says_it_lists_no_alternatives(service: CredpathService) -> None:
    plan = service.plan(ANALYST, planner="greedy", alternatives=3)
    assert plan.alternatives == ()
    assert any("3 alternative plan(s) were asked for" in n and "greedy" in n for n in plan.notes)


def test_exact_alternatives_need_no_note_when_all_are_found(service: CredpathService) -> None:
    plan = service.plan(ANALYST, alternatives=1)
    assert len(plan.alternatives) == 1
    assert not any("alternative plan(s) were asked for" in n for n in plan.notes)
    assert service.verify(plan).valid


@pytest.mark.parametrize("pace", [1e-300, 0.1, 169.0, math.nan, math.inf])
def test_hours_per_week_is_bounded(pace: float) -> None:
    with pytest.raises(ValidationError) as caught:
        Constraints(hours_per_week=pace)
    assert caught.value.errors()[0]["loc"] == ("hours_per_week",)


def test_profile_numbers_are_numbers() -> None:
    with pytest.raises(ValidationError):
        Constraints.model_validate_json('{"max_hours": "12"}')
    assert Constraints.model_validate_json('{"max_hours": 12}').max_hours == 12.0


@pytest.mark.parametrize("limit", [math.nan, math.inf, 0.0, -1.0])
def test_time_limit_must_be_positive_and_finite(service: CredpathService, limit: float) -> None:
    with pytest.raises(RequestError) as caught:
        service.plan(ANALYST, time_limit=limit)
    assert caught.value.field == "time_limit"
