"""The learner page's deadline, language and minimum-coverage inputs: planned, and refused by their labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from recommender.service import CredpathService
from tests.ui.test_app import form, load
from ui.choices import language_choices
from ui.learner import FORM_ORDER, LABELS, plan_form


def test_the_limits_reach_the_plan(service: CredpathService, lookup: Callable[[str, str], str]) -> None:
    deadline = (dt.date.today() + dt.timedelta(weeks=52)).isoformat()
    values = form(
        occupation=lookup("occupation", "data analyst"),
        hours_per_week="6",
        deadline=deadline,
        languages=["en"],
        min_coverage="0.6",
    )
    outcome = plan_form(service, *(values[name] for name in FORM_ORDER))
    plan = load(outcome.path)
    c = plan.request.constraints
    assert (str(c.deadline), c.languages, c.min_coverage) == (deadline, ("en",), 0.6)
    assert "min_coverage_met" in plan.verification.checks and "meets_deadline" in plan.verification.checks


def test_the_page_offers_the_catalogue_languages(service: CredpathService) -> None:
    assert "en" in language_choices(service)


@pytest.mark.parametrize(
    ("values", "field", "phrase"),
    [
        ({"deadline": "next june"}, "deadline", "'next june' is not a date"),
        ({"deadline": "2099-01-01"}, "deadline", LABELS["hours_per_week"]),
        ({"min_coverage": "0"}, "min_coverage", "greater than 0"),
        ({"min_coverage": "1.5"}, "min_coverage", "less than or equal to 1"),
        ({"languages": ["english please"]}, "languages", "not a language code"),
    ],
)
def test_a_bad_limit_is_named_by_its_label(
    service: CredpathService, lookup: Callable[[str, str], str], values: dict[str, Any], field: str, phrase: str
) -> None:
    outcome = plan_form(service, **form(skills=[lookup("skill", "SQL")], **values))
    assert outcome.path is None and outcome.field == field
    assert LABELS[field] in outcome.text and phrase in outcome.text and "How to fix it:" in outcome.text
