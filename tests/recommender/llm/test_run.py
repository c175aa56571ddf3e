"""A whole LLM request: the plan carries the model's record and a checked, escaped narrative."""

from __future__ import annotations

from recommender.llm.explain import markdown_lines
from recommender.llm.fake import FakeChatModel
from recommender.llm.planner import LLMPlanner
from recommender.plan import Pathway, Understood
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService
from recommender.settings import LLMSettings
from tests.recommender.llm.conftest import DATA_MINING, answer


def plan_with(
    service: CredpathService, script: list[object], understood: Understood | None = None
) -> tuple[Pathway, FakeChatModel]:
    fake = FakeChatModel(script=script)
    llm = LLMPlanner(LLMSettings(llm="fake:test"), model=fake)
    profile = LearnerProfile(targets=Targets(skills=(DATA_MINING,)))
    return service.plan(profile, planner=llm, understood=understood), fake


def test_the_plan_records_the_model_rounds_tokens_price_and_narrative(
    service: CredpathService, exact_order: list[str]
) -> None:
    text = "Start with **Applied Mathematics** <b>now</b>; five steps, then data mining."
    done, _ = plan_with(service, [answer(exact_order), {"paragraphs": [text]}], Understood(text="I want data mining"))
    run = done.llm
    assert run is not None and run.rounds == 1 and run.fallback is None
    assert run.narrative == (text,)
    assert run.usage is not None and run.usage.calls == 2
    assert run.price_of_preferences is not None and run.price_of_preferences.extra_hours == 0
    assert run.understood is not None and run.understood.text == "I want data mining"
    shown = "\n".join(markdown_lines(done, service.graph))
    assert "\\*\\*Applied Mathematics\\*\\*" in shown and "&lt;b&gt;now&lt;/b&gt;" in shown
    assert "<b>" not in shown
    assert Pathway.model_validate_json(done.model_dump_json()) == done


def test_an_unfaithful_narrative_leaves_the_template_with_a_note(
    service: CredpathService, exact_order: list[str]
) -> None:
    done, _ = plan_with(service, [answer(exact_order), {"paragraphs": ["Also take Deep Learning Practitioner."]}])
    assert done.llm is not None and done.llm.narrative == ()
    assert done.explanation[:-1] == service.plan(done.request).explanation
    assert "Deep Learning Practitioner" in done.explanation[-1] and "templated explanation" in done.explanation[-1]


def test_no_narrative_is_asked_for_when_the_exact_plan_stood_in(service: CredpathService) -> None:
    done, fake = plan_with(service, ["no JSON here"])
    assert len(fake.prompts) == 3
    assert all("You plan a learning pathway" in str(prompt[0].content) for prompt in fake.prompts)
    assert done.llm is not None and done.llm.fallback is not None and done.llm.narrative == ()


def test_the_models_reasons_are_escaped_in_markdown(service: CredpathService, exact_order: list[str]) -> None:
    hostile = {
        "steps": [
            {"credential_id": c, "reason": "<img src=x onerror=alert(1)> [click](http://evil)"} for c in exact_order
        ],
        "notes": "",
    }
    done, _ = plan_with(service, [hostile, {"paragraphs": ["Five steps."]}])
    assert any("onerror" in n for n in done.notes)
    shown = service.markdown(done)
    assert "<img" not in shown and "[click](http://evil)" not in shown
    assert "&lt;img src=x onerror=alert" in shown
