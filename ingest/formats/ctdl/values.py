"""CTDL value profiles as model values: durations, costs, credit values, audience levels, delivery, dates.

Each ``*_of`` function takes the raw JSON-LD value of one property and returns the model value, or None
when the property is absent or unusable; unusable values add a sentence to ``notes`` (which the adapter
reports as skipped, so nothing is dropped silently).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import isodate

from graph.model import Delivery, Level
from ingest.formats.jsonld import as_list, get, lang_text, local_name, number, ref_ids

STUDY_HOURS_PER_WEEK = 10.0
"""Learning hours per calendar week, used to turn a calendar ``exactDuration`` such as ``P9M`` into hours.
Clock-time durations (``PT40H``, or any ``*TimeRequired``) are taken literally instead."""

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

CURRENCY_NAMES = {
    "us dollar": "USD", "u.s. dollar": "USD", "united states dollar": "USD", "dollar": "USD",
    "euro": "EUR", "pound sterling": "GBP", "british pound": "GBP", "canadian dollar": "CAD",
    "australian dollar": "AUD", "new zealand dollar": "NZD", "swiss franc": "CHF", "japanese yen": "JPY",
    "indian rupee": "INR", "mexican peso": "MXN", "south african rand": "ZAR", "singapore dollar": "SGD",
}  # fmt: skip
LEVEL_WORDS = (("Beginner", Level.beginner), ("Intermediate", Level.intermediate), ("Advanced", Level.advanced))
DELIVERY_WORDS = (("Blended", Delivery.blended), ("InPerson", Delivery.in_person), ("Online", Delivery.online))


def iso_hours(text: str, calendar: bool) -> float:
    """Hours in an ISO 8601 duration. Date parts of a ``calendar`` duration count STUDY_HOURS_PER_WEEK.

    >>> iso_hours("PT1H30M", calendar=True)
    1.5
    >>> round(iso_hours("P2W", calendar=True), 2)
    20.0
    >>> iso_hours("P1D", calendar=False)
    24.0
    """
    duration = isodate.parse_duration(text.strip())
    if isinstance(duration, isodate.Duration):
        days = float(duration.years) * DAYS_PER_YEAR + float(duration.months) * DAYS_PER_MONTH
        delta = duration.tdelta
    else:
        days, delta = 0.0, duration
    days += delta.days
    seconds = delta.seconds + delta.microseconds / 1e6
    day_hours = days / 7 * STUDY_HOURS_PER_WEEK if calendar else days * 24
    hours = float(day_hours + seconds / 3600)
    if hours < 0:
        raise ValueError("negative duration")
    return hours


def hours_of(value: Any, notes: list[str]) -> float | None:
    """Learning hours from DurationProfiles: clock ``*TimeRequired`` first, then calendar ``*Duration``.

    A range (minimum and maximum) gives its midpoint.
    """
    for profile in as_list(value):
        if isinstance(profile, str):
            profile = {"exactDuration": profile}
        if not isinstance(profile, dict):
            continue
        for stem, calendar in (("TimeRequired", False), ("Duration", True)):
            exact = get(profile, "exact" + stem)
            bounds = [get(profile, "minimum" + stem), get(profile, "maximum" + stem)]
            texts = [exact] if exact is not None else [b for b in bounds if b is not None]
            try:
                hours = [iso_hours(t, calendar) for t in texts if isinstance(t, str)]
            except (ValueError, OverflowError, TypeError, ArithmeticError) as exc:
                notes.append(f"duration {texts} is not an ISO 8601 duration ({exc}); hours left empty")
                return None
            if hours:
                return round(sum(hours) / len(hours), 2)
    return None


def cost_of(value: Any, notes: list[str]) -> tuple[float, str] | None:
    """Cost and ISO currency from CostProfiles: an aggregate cost when stated, else the sum of the prices."""
    prices: list[tuple[float, str, bool]] = []
    for profile in as_list(value):
        if not isinstance(profile, dict):
            continue
        price = number(get(profile, "price"))
        if price is None or price < 0:
            continue
        currency = currency_code(get(profile, "currency"))
        if currency is None:
            notes.append(f"currency {get(profile, 'currency')!r} is not an ISO 4217 code; cost left out")
            continue
        kinds = [local_name(t) for t in _targets(get(profile, "directCostType"))]
        prices.append((price, currency, "AggregateCost" in kinds))
    if not prices:
        return None
    aggregate = [p for p in prices if p[2]]
    if aggregate:
        best = max(aggregate)
        return best[0], best[1]
    currency = prices[0][1]
    other = [p for p in prices if p[1] != currency]
    if other:
        notes.append(f"{len(other)} price(s) in another currency than {currency} left out of the cost")
    return sum(p[0] for p in prices if p[1] == currency), currency


def currency_code(value: Any) -> str | None:
    """ISO 4217 code for a code (``usd``) or a common name (``US Dollar``)."""
    text = lang_text(value).strip()
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    return CURRENCY_NAMES.get(text.lower())


def credits_of(value: Any, notes: list[str]) -> float | None:
    """Credits from ``creditValue``: a number or ValueProfiles (value, else maximum, else minimum)."""
    for profile in as_list(value):
        if isinstance(profile, dict):
            found = [number(get(profile, k)) for k in ("value", "maxValue", "minValue")]
            credits = next((c for c in found if c is not None), None)
        else:
            credits = number(profile)
        if credits is not None and credits >= 0:
            return credits
        notes.append(f"creditValue {profile!r} holds no non-negative number; credits left empty")
    return None


def level_of(value: Any) -> Level | None:
    """Level from ``audienceLevelType`` terms (``audLevel:BeginnerLevel``); mixed when several differ."""
    names = [local_name(term).replace(" ", "") for term in _targets(value)]
    found = {level for name in names for word, level in LEVEL_WORDS if word in name}
    if not found:
        return None
    return found.pop() if len(found) == 1 else Level.mixed


def delivery_of(value: Any) -> Delivery | None:
    """Delivery from ``deliveryType`` terms (``deliveryType:OnlineOnly``); blended when several differ."""
    found: set[Delivery] = set()
    for term in _targets(value):
        name = local_name(term).replace(" ", "").replace("-", "")
        found.update(next(([d] for word, d in DELIVERY_WORDS if word in name), []))
    if not found:
        return None
    return found.pop() if len(found) == 1 else Delivery.blended


def expiry_of(value: Any, notes: list[str]) -> dt.date | None:
    """The date part of ``expirationDate``."""
    text = lang_text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        notes.append(f"expirationDate {text!r} is not an ISO date; valid_until left empty")
        return None


def _targets(value: Any) -> list[str]:
    """Terms of CredentialAlignmentObjects (their ``targetNode``) or of plain term strings."""
    terms: list[str] = []
    for item in as_list(value):
        if isinstance(item, dict):
            terms.extend(ref_ids(get(item, "targetNode")) or [lang_text(get(item, "targetNodeName"))])
        elif isinstance(item, str):
            terms.append(item)
    return [t for t in terms if t]
