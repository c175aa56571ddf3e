"""Free text to a request: retrieval supplies the ids, anything else the model names is dropped and reported."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from graph.model import Catalogue
from graph.skillgraph import SkillGraph
from recommender.llm.config import Session
from recommender.llm.fake import FakeChatModel
from recommender.llm.planner import LLMPlanner
from recommender.llm.understand import retrieve, understand
from recommender.service import CredpathService
from recommender.settings import LLMSettings
from tests.recommender.llm.conftest import DATA_MINING

TEXT = (
    "I'm a nurse and want to get into data mining. I can do 5 hours a week for 20 weeks, my employer pays "
    "up to 800 dollars, online only, I prefer universities and learn best with hands-on projects."
)


def reply(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "goal": "move into data mining",
        "background": "nurse",
        "target_skill_ids": [DATA_MINING],
        "target_credential_ids": [],
        "occupation_id": None,
        "held_ids": [],
        "max_hours": None,
        "max_cost": 800,
        "hours_per_week": 5,
        "deadline_weeks": 20,
        "delivery": ["online"],
        "language": None,
        "avoid_providers": [],
        "learning_style": "hands-on projects",
        "provider_kinds": ["university"],
        "favour_topics": [],
        "avoid_topics": [],
    }
    return base | changes


def session(script: list[object]) -> tuple[Session, FakeChatModel]:
    fake = FakeChatModel(script=script)
    return Session(LLMSettings(llm="fake:test"), make_model=lambda _t: fake, name="fake"), fake


def test_retrieval_finds_the_skill_the_text_names(graph: SkillGraph) -> None:
    assert DATA_MINING in retrieve(graph, TEXT)["skill"]


def test_the_text_becomes_a_profile_with_hard_limits_and_preferences(graph: SkillGraph) -> None:
    s, fake = session([reply()])
    profile, understood = understand(graph, TEXT, s)
    assert profile.targets.skills == (DATA_MINING,)
    c = profile.constraints
    assert (c.max_cost, c.hours_per_week, c.max_hours) == (800, 5, 100)
    assert [d.value for d in c.delivery] == ["online"]
    assert profile.preferences.learning_style == "hands-on projects"
    assert profile.preferences.background == "nurse"
    assert any("20 weeks at 5 hours a week: at most 100 hours" in n for n in understood.notes)
    prompt = str(fake.prompts[0][1].content)
    assert "<<<DATA name=LEARNER TEXT" in prompt and DATA_MINING in prompt


def test_ids_not_returned_by_retrieval_are_dropped_and_reported(graph: SkillGraph) -> None:
    not_retrieved = "http://data.europa.eu/esco/skill/fff0e2cd-d0bd-4b02-9daf-158b79d9688a"
    assert not_retrieved in graph.skills and not_retrieved not in retrieve(graph, TEXT)["skill"]
    s, _ = session([reply(target_skill_ids=[DATA_MINING, "skill:underwater-basketry", not_retrieved])])
    profile, understood = understand(graph, TEXT, s)
    assert profile.targets.skills == (DATA_MINING,)
    assert understood.dropped == ("skill:underwater-basketry", not_retrieved)
    assert any("dropped" in n for n in understood.notes)


def test_nonsense_numbers_are_not_limits(graph: SkillGraph) -> None:
    s, _ = session([reply(max_cost=-5, hours_per_week=0, deadline_weeks=None)])
    profile, _ = understand(graph, TEXT, s)
    assert profile.constraints.max_cost is None and profile.constraints.hours_per_week is None
    s, _ = session([reply(hours_per_week=500, deadline_weeks=None)])
    profile, understood = understand(graph, TEXT, s)
    assert profile.constraints.hours_per_week is None and "500 hours a week is not a study pace" in understood.notes[0]


def test_with_a_store_retrieval_is_the_stores_search(example_catalogue: Catalogue) -> None:
    """What the store's search returns is all the model may choose from."""

    class Store:
        def __init__(self) -> None:
            self.queries: list[tuple[str, str]] = []

        def search(self, query: str, *, kind: str, k: int) -> list[SimpleNamespace]:
            self.queries.append((query, kind))
            return [SimpleNamespace(id=DATA_MINING)] if kind == "skill" else []

    store = Store()
    service = CredpathService(example_catalogue, store=store)
    fake = FakeChatModel(script=[reply(held_ids=["harbourline-python-beginners"])])
    llm = LLMPlanner(LLMSettings(llm="fake:test"), model=fake)
    profile, understood, used = service.understand(TEXT, llm)
    assert used is llm and {kind for _, kind in store.queries} == {"skill", "credential", "occupation"}
    assert profile.targets.skills == (DATA_MINING,) and profile.have == ()
    assert understood.dropped == ("harbourline-python-beginners",)
