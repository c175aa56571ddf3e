"""The learner's limits on the bundled catalogue: a deadline, languages and minimum coverage, planned and verified."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from graph.errors import InfeasiblePlanError, RequestError
from graph.model import Catalogue
from recommender.plan import Pathway, UncoveredReason
from recommender.profile import Constraints, LearnerProfile, Targets, primary_language
from recommender.service import CredpathService

AS_OF = dt.date(2026, 12, 1)
SPANISH_BI = "alameda-visualizacion"


@pytest.fixture(scope="module")
def bundled() -> CredpathService:
    return CredpathService.bundled()


def analyst(**constraints: object) -> LearnerProfile:
    return LearnerProfile(targets=Targets(occupation="data analyst"), constraints=Constraints(**constraints))


def findings(service: CredpathService, plan: Pathway, check: str) -> list[str]:
    result = service.verify(plan)
    return [f"{f.pointer} {f.message} | {f.fix}" for f in result.findings if f.check == check]


def test_english_only_drops_the_spanish_course_and_stays_optimal_among_english_credentials(
    bundled: CredpathService,
) -> None:
    mixed = bundled.plan(analyst())
    assert SPANISH_BI in mixed.credential_ids
    english = bundled.plan(analyst(languages=("en",)))
    assert SPANISH_BI not in english.credential_ids
    langs = {c.id: c.language for c in bundled.catalogue.credentials}
    assert all(primary_language(langs[c]) == "en" for c in english.credential_ids)
    only_english = Catalogue(
        skills=bundled.catalogue.skills,
        credentials=tuple(c for c in bundled.catalogue.credentials if primary_language(c.language) == "en"),
        occupations=bundled.catalogue.occupations,
    )
    reference = CredpathService(only_english).plan(analyst())
    assert english.optimal and reference.optimal
    assert english.total_hours == pytest.approx(reference.total_hours)
    assert sorted(english.covered) == sorted(reference.covered)
    assert english.total_hours >= mixed.total_hours


def test_language_codes_compare_on_the_primary_subtag_case_insensitively(example_catalogue: Catalogue) -> None:
    british = example_catalogue.model_copy(
        update={"credentials": tuple(c.model_copy(update={"language": "en-GB"}) for c in example_catalogue.credentials)}
    )
    service = CredpathService(british)
    profile = LearnerProfile(targets=Targets(occupation="software developer"))
    base = service.plan(profile)
    for codes in (("en",), ("EN",), ("en-US",), ("es", "En")):
        limited = service.plan(profile.model_copy(update={"constraints": Constraints(languages=codes)}))
        assert limited.credential_ids == base.credential_ids
    with pytest.raises(InfeasiblePlanError, match="language"):
        service.plan(profile.model_copy(update={"constraints": Constraints(languages=("fr",))}))


def test_a_bad_language_code_is_refused_with_the_field() -> None:
    with pytest.raises(ValueError, match="'e n' is not a language code"):
        Constraints(languages=("e n",))


def test_a_deadline_needs_a_pace_and_a_future_date(bundled: CredpathService) -> None:
    with pytest.raises(RequestError) as exc:
        bundled.plan(analyst(deadline=dt.date(2027, 6, 30)))
    assert exc.value.field == "constraints.deadline" and "hours_per_week" in (exc.value.fix or "")
    with pytest.raises(RequestError, match="not after"):
        bundled.plan(analyst(deadline=AS_OF, as_of=AS_OF, hours_per_week=8))


def test_a_deadline_is_an_hours_budget_and_what_does_not_fit_says_the_date_it_needs(bundled: CredpathService) -> None:
    deadline = AS_OF + dt.timedelta(weeks=20)
    plan = bundled.plan(analyst(deadline=deadline, as_of=AS_OF, hours_per_week=8))
    assert plan.total_hours <= 20 * 8 and plan.total_weeks is not None and plan.total_weeks <= 20
    over = [u for u in plan.uncovered if u.reason == UncoveredReason.over_budget]
    assert over
    needed = bundled.plan(analyst(hours_per_week=8, as_of=AS_OF))
    finish = AS_OF + dt.timedelta(weeks=math.ceil(needed.total_hours / 8))
    assert all(str(deadline) in u.detail and f"finishing on {finish}" in u.detail for u in over)
    tighter = bundled.plan(analyst(deadline=deadline, as_of=AS_OF, hours_per_week=8, max_hours=60))
    assert tighter.total_hours <= 60


def test_the_plan_records_the_day_a_deadline_counts_from(bundled: CredpathService) -> None:
    plan = bundled.plan(analyst(deadline=dt.date.today() + dt.timedelta(weeks=40), hours_per_week=8))
    assert plan.request.constraints.as_of == dt.date.today()


def test_min_coverage_reaches_the_fraction_at_least_hours(bundled: CredpathService) -> None:
    full = bundled.plan(analyst())
    core = bundled.plan(analyst(min_coverage=0.5))
    reachable = len(full.covered)
    assert len(core.covered) >= math.ceil(0.5 * reachable)
    assert core.total_hours < full.total_hours and core.optimal
    left = [u for u in core.uncovered if u.reason == UncoveredReason.beyond_min_coverage]
    assert left and {u.target for u in left}.isdisjoint(core.covered)
    every = bundled.plan(analyst(min_coverage=1.0))
    assert every.total_hours == pytest.approx(full.total_hours)
    assert sorted(every.covered) == sorted(full.covered)


def test_min_coverage_beyond_the_budget_is_refused_with_the_fraction_that_fits(bundled: CredpathService) -> None:
    with pytest.raises(InfeasiblePlanError) as exc:
        bundled.plan(analyst(min_coverage=0.9, max_hours=100))
    assert "min coverage 0.9" in exc.value.what and "${constraints.min_coverage}" in (exc.value.fix or "")
    suggested = float(re.search(r"to (\d\.\d+) or less", exc.value.fix or "").group(1))  # type: ignore[union-attr]
    fits = bundled.plan(analyst(min_coverage=suggested, max_hours=100))
    assert fits.verification.valid and fits.total_hours <= 100


@pytest.mark.parametrize("planner", ["exact", "greedy"])
def test_both_planners_respect_every_limit(bundled: CredpathService, planner: str) -> None:
    limits = {"languages": ("en",), "deadline": AS_OF + dt.timedelta(weeks=40), "as_of": AS_OF, "hours_per_week": 8}
    plan = bundled.plan(analyst(**limits, min_coverage=0.5), planner=planner)
    assert plan.verification.valid and plan.fallback is None
    assert SPANISH_BI not in plan.credential_ids and plan.total_hours <= 40 * 8
    assert "meets_deadline" in plan.verification.checks and "min_coverage_met" in plan.verification.checks


def test_the_verifier_refuses_a_plan_that_breaks_a_limit(bundled: CredpathService) -> None:
    plan = bundled.plan(analyst(hours_per_week=8, as_of=AS_OF))
    c = plan.request.constraints

    late = plan.model_copy(
        update={
            "request": plan.request.model_copy(
                update={"constraints": c.model_copy(update={"deadline": AS_OF + dt.timedelta(weeks=10)})}
            )
        }
    )
    (found,) = findings(bundled, late, "meets_deadline")
    assert found.startswith("/total_hours") and "after the deadline" in found and "over_budget" in found

    spanish = plan.model_copy(
        update={"request": plan.request.model_copy(update={"constraints": c.model_copy(update={"languages": ("en",)})})}
    )
    found_lang = findings(bundled, spanish, "allowed_by_constraints")
    assert len(found_lang) == 1 and "language" in found_lang[0]

    core = bundled.plan(analyst(min_coverage=0.5, hours_per_week=8, as_of=AS_OF))
    stricter = core.model_copy(
        update={"request": core.request.model_copy(update={"constraints": c.model_copy(update={"min_coverage": 0.9})})}
    )
    (short,) = findings(bundled, stricter, "min_coverage_met")
    assert short.startswith("/covered") and "min_coverage 0.9" in short
    assert findings(bundled, stricter, "uncovered_reasons") == []

    unasked = core.model_copy(update={"request": core.request.model_copy(update={"constraints": c})})
    assert findings(bundled, unasked, "uncovered_reasons")
