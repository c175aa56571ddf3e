"""The goal box with a language model (a loopback OpenAI-compatible server): it reads limits, holdings and wishes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recommender.plan import Pathway
from recommender.service import CredpathService
from tests.recommender.llm.conftest import DATA_MINING, answer
from tests.recommender.llm.openai_stub import serve
from tests.recommender.llm.test_understand import TEXT, reply
from tests.ui.test_cli_llm import EXACT, narrative
from ui import goal_input, learner, request_reading

RANKING = {"ids": []}
"""The model's ranking of the goal's candidates: none preferred, so retrieval's order stands."""


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point credpath at the loopback server each test starts; short timeouts, no retries."""
    monkeypatch.setenv("CREDPATH_LLM", "openai:test-model")
    monkeypatch.setenv("CREDPATH_LLM_API_KEY", "sk-test")
    monkeypatch.setenv("CREDPATH_LLM_TIMEOUT", "2")
    monkeypatch.setenv("CREDPATH_LLM_RETRIES", "0")
    yield


def at(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDPATH_LLM_BASE_URL", url)


def plan(service: CredpathService, found: goal_input.GoalOptions, **extra: Any) -> learner.Outcome:
    values: dict[str, Any] = dict.fromkeys(learner.FORM_ORDER)
    values |= {"objective": "hours", "alternatives": 0}
    values |= {"skills": [DATA_MINING]} | extra
    return learner.plan_form(service, **values, goal=found.resolved, read=request_reading.carry(found.reading))


def test_the_model_reads_limits_and_wishes_and_the_plan_carries_them(
    service: CredpathService, model: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve([RANKING, reply(), answer(EXACT), narrative()]) as (url, script):
        at(url, monkeypatch)
        found = goal_input.find_options(service, TEXT)
        assert found.reading is not None and len(script.requests) == 2, "one call ranks, one reads the limits"
        assert found.candidates, "the offline resolver still gives the candidates"
        assert "**The language model read your limits:** at most 100 hours in total; at most 800 in cost; " in (
            found.message
        )
        assert "5 hours a week; online only." in found.message
        assert "learning style: hands-on projects; providers: university" in found.message
        values = request_reading.field_values(service, found.reading)
        assert values == {"max_hours": "100", "max_cost": "800", "hours_per_week": "5", "delivery": ["online"]}
        outcome = plan(service, found, **values)
    assert outcome.path is not None, outcome.text
    pathway = Pathway.model_validate_json(Path(outcome.path).read_text(encoding="utf-8"))
    assert pathway.request.preferences.learning_style == "hands-on projects"
    assert pathway.request.constraints.max_cost == 800
    assert pathway.llm is not None and pathway.llm.understood is not None and pathway.llm.understood.text == TEXT
    assert pathway.verification.valid


def test_a_model_that_fails_leaves_the_candidates_and_says_so(
    service: CredpathService, model: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve([500]) as (url, _):
        at(url, monkeypatch)
        found = goal_input.find_options(service, TEXT)
    assert found.reading is None and found.candidates
    assert "The language model could not read your limits" in found.message
    assert "fill them in below" in found.message


def test_without_a_model_nothing_is_read_and_nothing_is_asked(
    service: CredpathService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CREDPATH_LLM", raising=False)
    found = goal_input.find_options(service, TEXT)
    assert found.reading is None and "language model" not in found.message
    assert request_reading.carry(None) == ""


def test_ids_the_model_invents_are_dropped_and_named(
    service: CredpathService, model: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve([RANKING, reply(held_ids=["not-a-course"], avoid_providers=["Nowhere College"])]) as (url, _):
        at(url, monkeypatch)
        found = goal_input.find_options(service, TEXT)
    assert found.reading is not None and found.reading.profile.have == ()
    assert "not in what retrieval found, so dropped: 'not-a-course'" in found.message
    assert "no provider named 'Nowhere College' in the catalogue" in found.message
    assert "exclude_providers" not in request_reading.field_values(service, found.reading)


def test_a_damaged_hidden_reading_is_a_readable_error(service: CredpathService) -> None:
    values: dict[str, Any] = dict.fromkeys(learner.FORM_ORDER)
    values |= {"objective": "hours", "alternatives": 0, "skills": [DATA_MINING]}
    outcome = learner.plan_form(service, **values, goal="learn data mining", read="{not json")
    assert outcome.path is None and "came back damaged" in outcome.text and "Find my options" in outcome.text
