"""The model reranks a goal's candidates over the real client path (stub server on 127.0.0.1): only retrieved ids."""

from __future__ import annotations

from typing import Any

import pytest

from recommender.goals import GoalResolver
from recommender.llm.rerank import GoalReranker
from recommender.plan import Goal
from recommender.service import CredpathService
from recommender.settings import LLMSettings
from tests.recommender.llm.openai_stub import serve

GOAL = "I want to work with data"


@pytest.fixture(scope="module")
def service() -> CredpathService:
    return CredpathService.bundled()


@pytest.fixture(scope="module")
def offline(service: CredpathService) -> Goal:
    """The offline reading with as many occupations as the reranker gets to see."""
    return service.goals.resolve(GOAL, k=10)


def resolve(service: CredpathService, answers: list[Any], k: int = 5) -> tuple[Goal, list[dict[str, Any]]]:
    with serve(answers) as (url, script):
        settings = LLMSettings(
            llm="openai:gpt-4o-mini", llm_base_url=url, llm_timeout=2.0, llm_retries=0, llm_deadline=5.0
        )
        resolver = GoalResolver(service.catalogue, service.goals.search, reranker=GoalReranker(settings))
        return resolver.resolve(GOAL, k=k), script.requests


def test_a_reranker_is_configured_only_with_a_model() -> None:
    assert not GoalReranker(LLMSettings(llm=None)).configured
    assert GoalReranker(LLMSettings(llm="openai:gpt-4o-mini")).configured


def ids(goal: Goal) -> list[str]:
    return [c.id for c in goal.candidates]


def test_the_model_reorders_the_retrieved_candidates(service: CredpathService, offline: Goal) -> None:
    pool = ids(offline)
    assert len(pool) >= 8
    goal, requests = resolve(service, [{"ids": [pool[7], pool[2]]}])
    assert ids(goal)[:2] == [pool[7], pool[2]]
    assert goal.chosen == pool[7]
    assert ids(goal)[2:] == [i for i in pool if i not in (pool[7], pool[2])][:3], "the rest keep retrieval's order"
    assert any("ranked by openai:gpt-4o-mini" in n for n in goal.notes)
    prompt = str(requests[0]["messages"])
    assert all(i in prompt for i in pool), "the model sees every retrieved candidate"


def test_an_id_the_model_invents_is_dropped_and_named(service: CredpathService, offline: Goal) -> None:
    pool = ids(offline)
    invented = "http://data.europa.eu/esco/occupation/not-retrieved"
    goal, _ = resolve(service, [{"ids": [invented, pool[4]]}])
    assert invented not in ids(goal) and set(ids(goal)) <= set(pool)
    assert goal.chosen == pool[4]
    assert any(invented in n and "dropped" in n for n in goal.notes)


@pytest.mark.parametrize("failure", [503, "not json at all"])
def test_a_model_failure_keeps_the_offline_order_with_a_note(service: CredpathService, failure: Any) -> None:
    without = service.goals.resolve(GOAL, k=5)
    goal, requests = resolve(service, [failure])
    assert requests, "the model was asked"
    assert ids(goal) == ids(without) and goal.chosen == without.chosen
    assert any("retrieval's order stands" in n for n in goal.notes)


def test_the_service_reranks_only_when_a_model_is_configured(
    service: CredpathService, offline: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = ids(offline)
    assert ids(service.resolve_goal(GOAL)) == pool[:5], "no model: retrieval's order, nothing asked"
    with serve([{"ids": [pool[6]]}]) as (url, script):
        monkeypatch.setenv("CREDPATH_LLM", "openai:gpt-4o-mini")
        monkeypatch.setenv("CREDPATH_LLM_BASE_URL", url)
        monkeypatch.setenv("CREDPATH_LLM_RETRIES", "0")
        goal = service.resolve_goal(GOAL)
        lines = list(service.resolve_goal_lines(f"{GOAL}\n".encode()))
    assert goal.chosen == pool[6] and len(script.requests) == 2
    assert lines[0].goal is not None and lines[0].goal.chosen == pool[6]
    monkeypatch.delenv("CREDPATH_LLM")
    assert service.resolve_goal(GOAL).chosen == offline.chosen, "the setting is read on every call"
