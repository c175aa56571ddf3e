"""Goals in plain words: pivots, skills and tools, several goals, ambiguity, and bad input, on the bundled map."""

from __future__ import annotations

import pytest

from graph.errors import RequestError
from recommender.goals import MAX_GOAL_CHARS, check_text, read_goal
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService


@pytest.fixture(scope="module")
def service() -> CredpathService:
    return CredpathService.bundled()


def labels(service: CredpathService, text: str, kind: str = "occupation") -> list[str]:
    return [c.label for c in service.resolve_goal(text).candidates if c.kind == kind]


@pytest.mark.parametrize(
    ("text", "background", "goal"),
    [
        ("from accountant to software developer", "accountant", "software developer"),
        ("I'm a nurse and want to become a data analyst", "nurse", "data analyst"),
        ("after ten years as a chef, I want to work as a web developer", "chef", "web developer"),
        ("I teach high-school maths and want to move into data analysis", "high-school maths teacher", "data analysis"),
        ("Former police officer looking to become a security analyst", "police officer", "security analyst"),
        ("As a welder, I'd like to retrain as an electrician", "welder", "electrician"),
    ],
)
def test_pivots_split_background_from_goal(text: str, background: str, goal: str) -> None:
    reading = read_goal(text)
    assert reading.background == background
    assert reading.occupations == (goal,)


def test_titles_and_plain_goals_are_read_whole() -> None:
    assert read_goal("General and Operations Managers").occupations == ("General and Operations Managers",)
    assert read_goal("I want to become a nurse").occupations == ("nurse",)
    assert read_goal("become a data analyst or a business analyst").occupations == ("data analyst", "business analyst")


def test_a_pivot_never_offers_the_background_as_a_target(service: CredpathService) -> None:
    goal = service.resolve_goal("from accountant to software developer")
    assert goal.background is not None and goal.background.label == "accountant"
    assert goal.background.likely_held and goal.background.assumed == ()
    assert goal.background.occupation not in {c.id for c in goal.candidates}
    assert goal.chosen == goal.candidates[0].id and goal.candidates[0].label == "software developer"


def test_skills_and_tools_become_target_skills(service: CredpathService) -> None:
    goal = service.resolve_goal("become a cloud engineer and learn Python and SQL")
    assert [service.graph.label(("skill", s)) for s in goal.target_skills] == ["Python (computer programming)", "SQL"]
    assert goal.candidates[0].label == "cloud engineer"
    unknown = service.resolve_goal("learn Kubernetes and Terraform")
    assert unknown.target_skills == () and unknown.chosen is None
    assert any("Kubernetes" in n for n in unknown.notes), "a tool the map does not know is said so"


def test_several_goals_give_several_candidates(service: CredpathService) -> None:
    found = labels(service, "I'd like to become a data analyst or a web developer")
    assert found[:2] == ["data analyst", "web developer"]


def test_close_readings_are_flagged(service: CredpathService) -> None:
    vague = service.resolve_goal("I teach high-school maths and want to move into analysing business data")
    assert vague.ambiguous and len(vague.candidates) >= 2
    assert not service.resolve_goal("I want to become a web developer").ambiguous


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \t ", "empty"),
        ("🙂🚀🙂", "no words"),
        ("?!... ---", "no words"),
        ("x" * (10 * 1024), f"at most {MAX_GOAL_CHARS:,}"),
    ],
)
def test_text_that_is_no_goal_says_why(text: str, message: str) -> None:
    with pytest.raises(RequestError, match=message) as caught:
        check_text(text)
    assert caught.value.fix


def test_another_language_is_refused_with_the_reason(service: CredpathService) -> None:
    with pytest.raises(RequestError, match="does not read as English"):
        service.resolve_goal("Quiero ser enfermera en un hospital")
    assert service.resolve_goal("data analist").candidates[0].label == "data analyst", "a typo is still English"


@pytest.mark.parametrize(
    ("title", "top"), [("Skincare Specialists", "aesthetician"), ("Brickmasons and Blockmasons", "bricklayer")]
)
def test_a_compound_of_known_words_reads_as_english(service: CredpathService, title: str, top: str) -> None:
    assert labels(service, title)[0] == top


def test_an_except_clause_does_not_find_what_it_excludes(service: CredpathService) -> None:
    found = labels(service, "Entertainment and Recreation Managers, Except Gambling")
    assert found and not any("gambling" in label for label in found)
    assert "gambling manager" in labels(service, "Entertainment and Recreation Managers, Gambling")


def test_a_broader_occupation_follows_its_narrower_one_without_a_false_ambiguity(service: CredpathService) -> None:
    goal = service.resolve_goal("Chefs and Head Cooks")
    assert [c.label for c in goal.candidates[:2]] == ["head chef", "chef"]
    assert goal.candidates[0].score - goal.candidates[1].score < 0.04, "close, as a broader occupation is"
    assert not goal.ambiguous, "a specialism and the occupation it specialises are one reading, not two"


def test_plan_for_a_goal_carries_it_and_assumes_nothing_silently(service: CredpathService) -> None:
    text = "I teach maths and want to become a data analyst"
    plain = service.plan_goal(text, LearnerProfile(targets=Targets()))
    assumed = service.plan_goal(text, LearnerProfile(targets=Targets()), assume_background=True)
    assert plain.goal is not None and plain.goal.chosen == plain.request.targets.occupation
    assert plain.goal.background is not None and plain.goal.background.assumed == ()
    assert assumed.goal is not None and assumed.goal.background is not None
    assert assumed.goal.background.assumed == assumed.goal.background.likely_held
    assert set(assumed.goal.background.assumed) <= set(assumed.request.have)
    assert assumed.total_hours < plain.total_hours, "a maths teacher's skills shorten the pathway"
    assert "likely held but not assumed" in service.markdown(plain)


def test_an_explicit_occupation_overrides_the_goal(service: CredpathService) -> None:
    nurse = next(o.id for o in service.catalogue.occupations if o.label == "nurse responsible for general care")
    plan = service.plan_goal("I want to become a nurse", LearnerProfile(targets=Targets(occupation=nurse)))
    assert plan.goal is not None and plan.goal.chosen == nurse
    assert plan.coverage is not None and plan.coverage.share < 1 and plan.nearest_occupations


def test_a_goal_naming_nothing_is_a_request_error(service: CredpathService) -> None:
    with pytest.raises(RequestError, match="names no occupation or skill"):
        service.plan_goal("learn Kubernetes", LearnerProfile(targets=Targets()))


def test_goal_file_lines_resolve_in_order_and_bad_lines_say_why(service: CredpathService) -> None:
    raw = "data analyst\n\n🙂\nfrom chef to web developer\n".encode() + b"\xff broken\n" + ("x" * 20000).encode()
    lines = list(service.resolve_goal_lines(raw, k=2))
    assert [line.line for line in lines] == [1, 2, 3, 4, 5, 6]
    assert lines[0].goal is not None and lines[0].goal.candidates[0].label == "data analyst"
    assert lines[1].error == "blank line" and not lines[1].failed
    assert lines[2].failed and "no words" in (lines[2].error or "")
    assert lines[3].goal is not None and lines[3].goal.background is not None
    assert lines[4].failed and "UTF-8" in (lines[4].error or "")
    assert lines[5].failed and len(lines[5].text) <= MAX_GOAL_CHARS
