"""The learner page's goal box: a goal in words to candidates, a pivot's ticked skills, a plan that records both."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.plan import Pathway
from recommender.service import CredpathService
from ui.goal_input import candidate_value, choose_candidate, find_options, sync_held
from ui.learner import Outcome, plan_form

PIVOT = "I'm a software developer and want to become a data analyst"


def plan_with(
    service: CredpathService, occupation: str | None, skills: list[str], have: list[str], **goal: object
) -> Outcome:
    return plan_form(service, occupation, skills, [], False, have, "", "", "", [], [], "hours", 0, **goal)  # type: ignore[arg-type]


def test_a_pivot_gives_candidates_and_unticked_background_skills(service: CredpathService) -> None:
    found = find_options(service, PIVOT)
    goal = service.resolve_goal(PIVOT)
    assert found.problem is None and found.resolved == goal.text
    assert found.candidates and found.chosen == found.candidates[0][1]
    assert found.chosen == candidate_value("occupation", str(goal.chosen))
    assert "data analyst" in found.candidates[0][0]
    assert goal.background is not None
    assert [ident for _, ident in found.background] == list(goal.background.likely_held)
    assert all(label and label != ident for label, ident in found.background)
    assert "tick" in found.message


def test_ticked_background_and_top_candidate_plan_with_the_goal(service: CredpathService) -> None:
    found = find_options(service, PIVOT)
    occupation, skills = choose_candidate(found.chosen, None, [])
    ticked = [ident for _, ident in found.background][:3]
    have = sync_held(ticked, [ident for _, ident in found.background], [])
    outcome = plan_with(service, occupation, skills, have, goal=found.resolved, assumed=ticked)
    assert outcome.path is not None, outcome.text
    plan = Pathway.model_validate_json(Path(outcome.path).read_text(encoding="utf-8"))
    assert plan.goal is not None and plan.goal.text == found.resolved
    assert plan.goal.chosen == occupation
    assert plan.goal.background is not None and plan.goal.background.assumed == tuple(ticked)
    assert set(ticked) <= set(plan.request.have)
    assert plan.verification.valid


def test_a_plan_without_ticks_assumes_nothing(service: CredpathService) -> None:
    found = find_options(service, PIVOT)
    occupation, skills = choose_candidate(found.chosen, None, [])
    outcome = plan_with(service, occupation, skills, [], goal=found.resolved, assumed=[])
    assert outcome.path is not None, outcome.text
    plan = Pathway.model_validate_json(Path(outcome.path).read_text(encoding="utf-8"))
    assert plan.goal is not None and plan.goal.background is not None
    assert plan.goal.background.assumed == () and plan.request.have == ()


def test_ambiguous_goal_preselects_nothing_and_says_so(service: CredpathService) -> None:
    assert service.resolve_goal("work in data").ambiguous
    found = find_options(service, "work in data")
    assert found.chosen is None and len(found.candidates) >= 2
    assert "more than one thing" in found.message and "Choose" in found.message
    assert choose_candidate(found.chosen, "kept", ["s"]) == ("kept", ["s"])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("😀🚀✨", "no words"),
        ("x" * 10_000, "characters long"),
        ("Je veux devenir infirmière dans un grand hôpital", "English"),
    ],
)
def test_bad_goal_gives_a_readable_message(service: CredpathService, text: str, words: str) -> None:
    found = find_options(service, text)
    assert found.candidates == [] and found.chosen is None and found.resolved is None
    assert found.problem is not None and words in found.problem
    assert 'role="alert"' in found.message and "How to fix it" in found.message
    assert "<script" not in found.message
    # the session goes on: a good goal right after still resolves
    assert find_options(service, PIVOT).candidates


def test_skill_goals_fill_the_skill_picker(service: CredpathService) -> None:
    found = find_options(service, "learn SQL and Python")
    kinds = {value.partition(":")[0] for _, value in found.candidates}
    assert kinds == {"skill"}
    occupation, skills = choose_candidate(found.chosen, None, [])
    assert occupation is None and skills == [found.candidates[0][1].partition(":")[2]]


def test_a_tick_outside_the_background_is_refused(service: CredpathService) -> None:
    found = find_options(service, PIVOT)
    offered = {ident for _, ident in found.background}
    stray = next(s.id for s in service.catalogue.skills if s.id not in offered)
    occupation, skills = choose_candidate(found.chosen, None, [])
    outcome = plan_with(service, occupation, skills, [stray], goal=found.resolved, assumed=[stray])
    assert outcome.path is None
    assert "likely-held" in outcome.text and "How to fix it" in outcome.text


def test_a_background_the_catalogue_has_no_occupation_for_is_said_not_guessed(service: CredpathService) -> None:
    found = find_options(service, "I teach maths and want to become a data analyst")
    assert found.background == [] and "data analyst" in found.candidates[0][0]
    assert "the background 'maths teacher' matches no occupation in this catalogue" in found.message
