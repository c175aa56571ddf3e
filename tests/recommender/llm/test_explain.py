"""The narrative: from verified facts only, checked afterwards; anything it invents brings back the template."""

from __future__ import annotations

import pytest

from graph.skillgraph import SkillGraph
from recommender.llm.config import Session
from recommender.llm.explain import check, facts, narrate
from recommender.llm.fake import FakeChatModel
from recommender.plan import Pathway
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService
from recommender.settings import LLMSettings
from tests.recommender.llm.conftest import DATA_MINING


@pytest.fixture
def pathway(service: CredpathService) -> Pathway:
    return service.plan(LearnerProfile(targets=Targets(skills=(DATA_MINING,))))


def session(script: list[object]) -> Session:
    fake = FakeChatModel(script=script)
    return Session(LLMSettings(llm="fake:test"), make_model=lambda _t: fake, name="fake")


def good_text(p: Pathway) -> str:
    first, last = p.steps[0], p.steps[-1]
    return (
        f"You start with {first.name} from {first.provider} ({first.hours:g} hours) and finish with "
        f"{last.name}, which teaches data mining. In all, {len(p.steps)} steps and {p.total_hours:g} hours."
    )


def test_a_faithful_narrative_passes(graph: SkillGraph, pathway: Pathway) -> None:
    assert check(graph, pathway, [good_text(pathway)], facts(graph, pathway)) == []


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ("Then add Deep Learning Practitioner.", "credential"),
        ("OpenQuarry Learning is also great.", "provider"),
        ("You will also master natural language processing.", "skill"),
        ("It only takes 12 weeks.", "number 12"),
    ],
)
def test_anything_not_in_the_plan_is_caught(graph: SkillGraph, pathway: Pathway, extra: str, named: str) -> None:
    assert "OpenQuarry Learning" not in {s.provider for s in pathway.steps}
    wrong = check(graph, pathway, [good_text(pathway), extra], facts(graph, pathway))
    assert any(w.startswith(named) for w in wrong), wrong


def test_narrate_keeps_a_faithful_text_and_rejects_an_invented_one(graph: SkillGraph, pathway: Pathway) -> None:
    paragraphs, note = narrate(graph, pathway, session([{"paragraphs": [good_text(pathway)]}]))
    assert paragraphs == (good_text(pathway),) and note is None
    bad = {"paragraphs": [good_text(pathway) + " Budget 9999 dollars for it."]}
    paragraphs, note = narrate(graph, pathway, session([bad]))
    assert paragraphs == () and note is not None and "number 9999" in note and "templated explanation" in note


def test_a_failing_model_leaves_the_templated_explanation(graph: SkillGraph, pathway: Pathway) -> None:
    paragraphs, note = narrate(graph, pathway, session(["Sure! Here is your plan."]))
    assert paragraphs == () and note is not None and note.startswith("no narrative:")
