"""The LLM planner's rounds with the shipped fake model: propose, critique with precise messages, repair, fall back."""

from __future__ import annotations

from collections.abc import Callable

from graph.skillgraph import SkillGraph
from recommender.llm.fake import FakeChatModel
from recommender.llm.planner import LLMPlanner
from recommender.llm.repair import diagnose
from recommender.plan import Verification
from recommender.problem import PlanProblem, prepare
from recommender.profile import LearnerProfile, Targets
from recommender.settings import LLMSettings
from tests.recommender.llm.conftest import DATA_MINING, answer

REJECTED = Verification(valid=False, checks=("prerequisites_first",), problems=("step 1: starts too early",))
SETTINGS = LLMSettings(llm="fake:test")


def planner(script: list[object]) -> tuple[LLMPlanner, FakeChatModel]:
    fake = FakeChatModel(script=script)
    return LLMPlanner(SETTINGS, model=fake, rounds=3), fake


def valid(p: PlanProblem, order: tuple[str, ...] | None) -> bool:
    assert order is not None
    return diagnose(p, order, {t.id for t in p.coverable}) == []


def test_a_good_answer_is_taken_as_it_is(problem: Callable[..., PlanProblem], exact_order: list[str]) -> None:
    p = problem()
    llm, fake = planner([answer(exact_order)])
    proposal = llm.propose(p)
    assert proposal.order == tuple(exact_order)
    assert proposal.quality.optimal
    assert proposal.rationale[exact_order[0]] == f"because {exact_order[0]}"
    assert any("cost nothing extra" in n for n in proposal.notes)
    record = llm.record()
    assert record is not None and record.rounds == 1 and record.repairs == () and record.fallback is None
    assert record.usage is not None and record.usage.calls == 1 and record.usage.input_tokens > 0
    assert len(fake.prompts) == 1


def test_invented_ids_repeats_and_padding_are_dropped_and_listed(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    p = problem()
    llm, _ = planner([answer([*exact_order, "quantum-basket-weaving", exact_order[1], "harbourline-git-badge"])])
    proposal = llm.propose(p)
    assert proposal.order == tuple(exact_order)
    notes = " | ".join(proposal.notes)
    assert "dropped 'quantum-basket-weaving'" in notes
    assert "appears more than once" in notes
    assert "removed 'Version Control with Git'" in notes and "serves no target" in notes


def test_the_verdict_goes_back_as_precise_messages(problem: Callable[..., PlanProblem], exact_order: list[str]) -> None:
    p = problem()
    llm, fake = planner([answer(list(reversed(exact_order))), answer(exact_order)])
    first = llm.propose(p)
    assert not valid(p, first.order)
    second = llm.propose(p, feedback=REJECTED)
    assert second.order == tuple(exact_order)
    critique = str(fake.prompts[1][-1].content)
    assert "The verifier rejected your last pathway" in critique
    assert "step 1 'Data Mining" in critique and "is given by no held item or earlier step" in critique
    record = llm.record()
    assert record is not None and record.rounds == 2 and any(f.startswith("round 1:") for f in record.faults)


def test_what_still_fails_after_the_last_round_is_repaired(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    p = problem()
    llm, fake = planner([answer(exact_order[1:])])
    proposal = llm.propose(p)
    for _ in range(2):
        proposal = llm.propose(p, feedback=REJECTED)
    assert len(fake.prompts) == 3
    assert valid(p, proposal.order)
    assert any(
        n.startswith("exact-planner repair after 3 round(s): added 'Applied Mathematics") for n in proposal.notes
    )
    assert proposal.rationale[exact_order[0]].startswith("added by the exact planner")


def test_an_over_budget_answer_is_repaired_within_the_limit(problem: Callable[..., PlanProblem]) -> None:
    p = problem(max_hours=170)
    costly = ["openquarry-learn-to-code", "harbourline-python-beginners", "brightpath-applied-maths"]
    llm, _ = planner([answer([*costly, "brightpath-statistics", "meridian-data-mining"])])
    proposal = llm.propose(p)
    for _ in range(3):
        if valid(p, proposal.order):
            break
        proposal = llm.propose(p, feedback=REJECTED)
    assert valid(p, proposal.order)
    assert "openquarry-learn-to-code" not in proposal.chosen


def test_a_preference_is_kept_and_priced(problem: Callable[..., PlanProblem], exact_order: list[str]) -> None:
    p = problem()
    free_code = ["brightpath-applied-maths", "brightpath-statistics", "openquarry-learn-to-code"]
    llm, _ = planner([answer([*free_code, "harbourline-python-beginners", "meridian-data-mining"])])
    proposal = llm.propose(p)
    assert valid(p, proposal.order) and "openquarry-learn-to-code" in proposal.chosen
    assert not proposal.quality.optimal and proposal.quality.status == "preferred"
    assert any("+15 hours and -200 in cost" in n for n in proposal.notes), proposal.notes
    record = llm.record()
    assert record is not None and record.price_of_preferences is not None
    assert record.price_of_preferences.extra_hours == 15


def test_prose_is_asked_again_and_a_structured_answer_then_taken(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    p = problem()
    llm, fake = planner(["Take statistics, then data mining.", answer(exact_order)])
    proposal = llm.propose(p)
    assert proposal.order == tuple(exact_order)
    assert "not the required JSON structure" in str(fake.prompts[1][-1].content)
    record = llm.record()
    assert record is not None and record.rounds == 2 and record.fallback is None
    assert llm.fault_kinds() == [frozenset({"unparseable"}), frozenset()]


def test_prose_or_a_failing_model_gives_the_exact_plan_with_a_note(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    for script, why in (
        (["I recommend taking some statistics courses."], "not the required JSON structure"),
        ([ConnectionError("refused")], "the model call failed"),
    ):
        p = problem()
        llm, _ = planner(script)
        proposal = llm.propose(p)
        assert proposal.order == tuple(exact_order)
        assert proposal.quality.optimal
        assert len(proposal.notes) == 1 and why in proposal.notes[0] and "exact plan stands in" in proposal.notes[0]
        record = llm.record()
        assert record is not None and record.fallback == proposal.notes[0]


def test_a_provider_without_its_package_gives_the_exact_plan_with_the_fix(
    problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    llm = LLMPlanner(LLMSettings(llm="no-such-provider:model"), rounds=3)
    proposal = llm.propose(problem())
    assert proposal.order == tuple(exact_order)
    assert "cannot start the language model 'no-such-provider:model'" in proposal.notes[0]


def test_nothing_to_plan_asks_no_model(graph: SkillGraph) -> None:
    p = prepare(graph, LearnerProfile(targets=Targets(skills=(DATA_MINING,)), have=(DATA_MINING,)))
    llm, fake = planner([answer(["harbourline-git-badge"])])
    assert llm.propose(p).chosen == frozenset() and fake.prompts == []
