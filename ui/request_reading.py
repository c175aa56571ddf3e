"""The goal box's second reader: with a language model configured, the limits, holdings and wishes in a goal's words.

The offline resolver picks the targets (``goal_input``); the model only reads what the pickers cannot, such as
"5 hours a week", "my employer pays up to 800" or "online only", and every id it names comes from retrieval
(``CredpathService.understand``). What it read fills the limit fields, where the learner sees and can change it
before planning; the wishes the page has no field for travel with the plan as its preferences.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from graph.errors import CredpathError, RequestError
from graph.model import Kind
from recommender.escape import markdown_text
from recommender.plan import Understood
from recommender.profile import LearnerProfile, Preferences
from recommender.service import CredpathService
from ui.choices import provider_choices


@dataclass(frozen=True)
class Reading:
    """What the model read from a goal: a profile (its targets are not used) and how the text was read."""

    profile: LearnerProfile
    understood: Understood


def read_request(service: CredpathService, text: str) -> tuple[Reading | None, str]:
    """The model's reading of ``text`` and a Markdown paragraph saying what it read, or why it could not.

    Without a configured model: (None, ""). A model that fails or times out leaves the page as it was, with
    a note; the goal's candidates stand on their own.
    """
    if service.language_model() is None:
        return None, ""
    try:
        profile, understood, _ = service.understand(text)
    except CredpathError as exc:
        return None, (
            f"The language model could not read your limits ({markdown_text(exc.what)}); "
            "fill them in below if you have any."
        )
    reading = Reading(profile, understood)
    return reading, summary(service, reading)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def summary(service: CredpathService, reading: Reading) -> str:
    """What the model read, in the page's words; every text from the model or the learner escaped."""
    c, p = reading.profile.constraints, reading.profile.preferences
    parts = []
    if c.max_hours is not None:
        parts.append(f"at most {c.max_hours:g} hours in total")
    if c.max_cost is not None:
        parts.append(f"at most {c.max_cost:g} in cost")
    if c.hours_per_week is not None:
        parts.append(f"{c.hours_per_week:g} hours a week")
    if c.delivery:
        parts.append(" or ".join(d.value.replace("_", " ") for d in c.delivery) + " only")
    parts += [f"not {markdown_text(name)}" for name in c.exclude_providers]
    lines = [
        "**The language model read your limits:** "
        + ("; ".join(parts) if parts else "none")
        + ". They are filled in below; change them before planning if they are wrong."
    ]
    if reading.profile.have:
        held = ", ".join(markdown_text(_label(service, i)) for i in reading.profile.have)
        lines.append(f"Added to what you hold, as you said: {held}. Remove any you do not hold.")
    wishes = [
        *([f"learning style: {p.learning_style}"] if p.learning_style else []),
        *([f"providers: {', '.join(p.provider_kinds)}"] if p.provider_kinds else []),
        *([f"favour: {', '.join(p.favour_topics)}"] if p.favour_topics else []),
        *([f"avoid: {', '.join(p.avoid_topics)}"] if p.avoid_topics else []),
        *([f"language: {p.language}"] if p.language else []),
    ]
    if wishes:
        lines.append("Wishes the plan weighs where the catalogue allows: " + markdown_text("; ".join(wishes)) + ".")
    lines += [f"- {markdown_text(note)}" for note in reading.understood.notes]
    return "\n\n".join(lines)


def _label(service: CredpathService, ident: str) -> str:
    kind = Kind.credential if ident in service.graph.credentials else Kind.skill
    return service.graph.label((kind, ident))


def field_values(service: CredpathService, reading: Reading) -> dict[str, Any]:
    """The page's fields the reading fills, by form field name; a limit the model did not read is left out,
    so what the learner typed stays."""
    c = reading.profile.constraints
    values: dict[str, Any] = {}
    for name in ("max_hours", "max_cost", "hours_per_week"):
        if getattr(c, name) is not None:
            values[name] = _number(getattr(c, name))
    if c.delivery:
        values["delivery"] = [d.value for d in c.delivery]
    names = {p.casefold(): p for p in provider_choices(service)}
    avoided = [names[n.casefold()] for n in c.exclude_providers if n.casefold() in names]
    if avoided:
        values["exclude_providers"] = avoided
    return values


def carry(reading: Reading | None) -> str:
    """The reading's wishes and record as JSON for a hidden field, so the plan can carry them ("" for none)."""
    if reading is None:
        return ""
    return json.dumps(
        {
            "preferences": reading.profile.preferences.model_dump(mode="json"),
            "understood": reading.understood.model_dump(mode="json"),
        }
    )


def carried(value: str | None) -> tuple[Preferences, Understood] | None:
    """What ``carry`` wrote, read back (None for an empty field)."""
    if not value:
        return None
    try:
        data = json.loads(value)
        return Preferences.model_validate(data["preferences"]), Understood.model_validate(data["understood"])
    except (ValueError, KeyError, TypeError):
        raise RequestError(
            "what the language model read from your goal came back damaged",
            field="goal",
            fix="press “Find my options” again, then plan",
        ) from None
