"""The learner's plan-wide limits as numbers: a deadline's hours budget, the date a plan needs, minimum coverage."""

from __future__ import annotations

import datetime as dt
import math

from graph.errors import RequestError
from recommender.profile import Constraints

EPSILON = 1e-9


def start_date(c: Constraints) -> dt.date:
    """The day a schedule's weeks count from: ``as_of``, else today."""
    return c.as_of or dt.date.today()


def check_deadline(c: Constraints) -> None:
    """Raise RequestError when a deadline cannot be turned into hours: no pace given, or already past."""
    if c.deadline is None:
        return
    if c.hours_per_week is None:
        raise RequestError(
            "a deadline needs a study pace: how many hours a week you can study until then",
            field="constraints.deadline",
            fix="also give ${constraints.hours_per_week}, e.g. 8, or drop ${constraints.deadline}",
        )
    if c.deadline <= start_date(c):
        raise RequestError(
            f"the deadline {c.deadline.isoformat()} is not after {start_date(c).isoformat()}, the day the plan starts",
            field="constraints.deadline",
            fix="give a deadline after the start day (as_of, default today)",
        )


def weeks_until_deadline(c: Constraints) -> int | None:
    """Whole weeks from the start day to the deadline (None without a deadline).

    A plan of W weeks finishes on the start day plus 7 W days, so it meets the deadline when W is at most this.

    Examples
    --------
    >>> weeks_until_deadline(Constraints(as_of=dt.date(2026, 1, 1), deadline=dt.date(2026, 1, 22), hours_per_week=5))
    3
    """
    if c.deadline is None:
        return None
    return max(0, (c.deadline - start_date(c)).days // 7)


def deadline_hours(c: Constraints) -> float | None:
    """The hours a deadline leaves: whole weeks until it times ``hours_per_week`` (None without both).

    Examples
    --------
    >>> deadline_hours(Constraints(as_of=dt.date(2026, 1, 1), deadline=dt.date(2026, 1, 22), hours_per_week=5))
    15.0
    """
    weeks = weeks_until_deadline(c)
    if weeks is None or c.hours_per_week is None:
        return None
    return float(weeks * c.hours_per_week)


def hours_budget(c: Constraints) -> float | None:
    """The tighter of ``max_hours`` and the deadline's hours, or None when neither is set."""
    limits = [h for h in (c.max_hours, deadline_hours(c)) if h is not None]
    return min(limits) if limits else None


def finish_date(c: Constraints, hours: float) -> dt.date | None:
    """The day a plan of ``hours`` finishes at ``hours_per_week`` from the start day (None without a pace).

    Examples
    --------
    >>> finish_date(Constraints(as_of=dt.date(2026, 1, 1), hours_per_week=5), 12)
    datetime.date(2026, 1, 22)
    """
    if c.hours_per_week is None:
        return None
    weeks = math.ceil(hours / c.hours_per_week - EPSILON) if hours > 0 else 0
    return start_date(c) + dt.timedelta(weeks=weeks)


def step_weeks(elapsed: float, hours: float, hours_per_week: float) -> tuple[int, int]:
    """The weeks (first, last) of a step of ``hours`` taken after ``elapsed`` hours of the plan, at this pace.

    >>> step_weeks(0, 10, 8), step_weeks(16, 4, 8), step_weeks(20, 0, 8)
    ((1, 2), (3, 3), (3, 3))
    """
    start = int(elapsed // hours_per_week) + 1
    return start, max(start, math.ceil((elapsed + hours) / hours_per_week))


def coverage_needed(c: Constraints, held: int, coverable: int) -> int | None:
    """How many of the ``coverable`` targets a plan must reach for ``min_coverage`` (None without one).

    The fraction is of the targets the catalogue can reach under the constraints, held ones counting as
    reached: ``ceil(min_coverage * (held + coverable)) - held``, at least 0.

    Examples
    --------
    >>> coverage_needed(Constraints(min_coverage=0.8), held=2, coverable=26)
    21
    >>> coverage_needed(Constraints(min_coverage=0.7), held=0, coverable=10)
    7
    """
    if c.min_coverage is None:
        return None
    return max(0, math.ceil(c.min_coverage * (held + coverable) - EPSILON) - held)
