"""The learner's narrative: written by the model from verified facts only, and checked before anyone sees it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from graph.errors import LLMError
from graph.model import Kind
from graph.skillgraph import SkillGraph
from ingest.search import normalise_label
from recommender.escape import markdown_text
from recommender.llm.answers import NarrativeAnswer
from recommender.llm.config import Session
from recommender.llm.prompts import narrative_messages
from recommender.plan import Pathway

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
MAX_WORDS = 8


def facts(g: SkillGraph, pathway: Pathway, rationale: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything the narrative may use: the verified steps, totals, the goal and background."""
    pref = pathway.request.preferences
    return {
        "goal": pref.goal,
        "background": pref.background,
        "steps": [
            {
                "step": s.index,
                "name": s.name,
                "provider": s.provider,
                "hours": s.hours,
                "cost": s.cost,
                "currency": s.currency,
                "weeks": [s.start_week, s.end_week] if s.start_week else None,
                "teaches": [g.label((Kind.skill, t)) for t in s.teaches],
                "why": (rationale or {}).get(s.credential_id, ""),
            }
            for s in pathway.steps
        ],
        "total_hours": pathway.total_hours,
        "total_cost": pathway.total_cost,
        "currency": pathway.currency,
        "total_weeks": pathway.total_weeks,
        "reaches": [_label(g, c) for c in pathway.covered],
        "already_held": [_label(g, c) for c in pathway.already_held],
    }


def _label(g: SkillGraph, ident: str) -> str:
    return g.label((Kind.skill, ident)) if ident in g.skills else g.label((Kind.credential, ident))


def _numbers(values: Iterable[Any]) -> set[float]:
    out: set[float] = set()
    for v in values:
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, int | float):
            out.add(round(float(v), 2))
        elif isinstance(v, str):
            out.update(round(float(m.replace(",", "")), 2) for m in _NUMBER.findall(v))
        elif isinstance(v, dict):
            out |= _numbers(v.values())
        elif isinstance(v, list | tuple):
            out |= _numbers(v)
    return out


def _grams(text: str) -> set[str]:
    words = normalise_label(text).split()
    return {" ".join(words[i : i + n]) for n in range(1, MAX_WORDS + 1) for i in range(len(words) - n + 1)}


def check(g: SkillGraph, pathway: Pathway, paragraphs: Iterable[str], known: dict[str, Any]) -> list[str]:
    """What the narrative names that the plan does not: credentials, providers, skills, numbers."""
    text = "\n".join(paragraphs)
    grams = _grams(text)
    in_plan_creds = {s.credential_id for s in pathway.steps}
    in_plan_providers = {normalise_label(s.provider) for s in pathway.steps}
    plan_skills = {t for s in pathway.steps for t in s.teaches}
    plan_skills |= {m.requirement for s in pathway.steps for m in s.requirements_met_by if m.kind == Kind.skill}
    plan_skills |= set(pathway.covered) | set(pathway.already_held) | set(pathway.request.have)
    allowed_text = _grams(" ".join(str(v) for v in (known.get("goal"), known.get("background"))))
    found: list[str] = []
    for cid, c in g.credentials.items():
        if cid not in in_plan_creds and normalise_label(c.name) in grams - allowed_text:
            found.append(f"credential {c.name!r}")
        provider = normalise_label(c.provider)
        if provider not in in_plan_providers and provider in grams - allowed_text:
            found.append(f"provider {c.provider!r}")
    for sid, s in g.skills.items():
        if sid not in plan_skills and normalise_label(s.label) in grams - allowed_text:
            found.append(f"skill {s.label!r}")
    allowed_numbers = _numbers(known.values()) | set(range(len(pathway.steps) + 2))
    for m in _NUMBER.findall(text):
        if round(float(m.replace(",", "")), 2) not in allowed_numbers:
            found.append(f"number {m}")
    return list(dict.fromkeys(found))


def narrate(
    g: SkillGraph, pathway: Pathway, session: Session, rationale: dict[str, str] | None = None
) -> tuple[tuple[str, ...], str | None]:
    """The checked narrative and None, or () and a note saying why the templated explanation stands in."""
    known = facts(g, pathway, rationale)
    try:
        answer = session.ask(narrative_messages(known), NarrativeAnswer)
    except LLMError as exc:
        return (), f"no narrative: {exc.what}; the templated explanation stands in"
    paragraphs = tuple(p.strip() for p in answer.paragraphs if p.strip())
    wrong = check(g, pathway, paragraphs, known)
    if wrong:
        return (), "the model's narrative named what the plan does not contain (" + ", ".join(wrong[:5]) + (
            "); the templated explanation stands in"
        )
    return paragraphs, None


def escape_markdown(text: str) -> str:
    """Model text made inert in Markdown and HTML (``recommender.escape.markdown_text``, the one escaper)."""
    return markdown_text(text)


def _understood_lines(g: SkillGraph, pathway: Pathway) -> list[str]:
    """The request as read, in words: what to reach, from what, within which limits, with which wishes."""
    r = pathway.request
    c, pref = r.constraints, r.preferences
    wants = [g.label((Kind.skill, s)) for s in r.targets.skills]
    wants += [g.label((Kind.credential, c)) for c in r.targets.credentials]
    if r.targets.occupation:
        wants.append(g.label((Kind.occupation, r.targets.occupation)))
    limits = {
        "at most hours": c.max_hours,
        "at most cost": c.max_cost,
        "hours a week": c.hours_per_week,
        "delivery": ", ".join(d.value for d in c.delivery) or None,
        "never from": ", ".join(c.exclude_providers) or None,
    }
    wishes = {
        "goal": pref.goal,
        "background": pref.background,
        "learning style": pref.learning_style,
        "kinds of provider": ", ".join(pref.provider_kinds),
        "topics to favour": ", ".join(pref.favour_topics),
        "topics to avoid": ", ".join(pref.avoid_topics),
        "language": pref.language,
    }
    lines = [f"Targets: {', '.join(wants) or 'none'}"]
    if r.have:
        lines.append(f"Held: {', '.join(_label(g, h) for h in r.have)}")
    shown = "; ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in limits.items() if v)
    lines.append(f"Hard limits: {shown or 'none'}")
    lines += [f"{k.capitalize()}: {v}" for k, v in wishes.items() if v]
    return lines


def markdown_lines(pathway: Pathway, g: SkillGraph) -> list[str]:
    """The LLM part of a Markdown plan: what was understood, the checked narrative, the model's record.

    Everything the model wrote is escaped.
    """
    run = pathway.llm
    if run is None:
        return []
    lines: list[str] = []
    if run.understood is not None:
        lines += ["## What I understood", "", f"> {escape_markdown(run.understood.text)}", ""]
        lines += [f"- {escape_markdown(line)}" for line in _understood_lines(g, pathway)]
        lines += [f"- {escape_markdown(n)}" for n in run.understood.notes]
        lines.append("")
    if run.narrative:
        lines += ["## In a few words", ""]
        for paragraph in run.narrative:
            lines += [escape_markdown(paragraph), ""]
    tokens = f", {run.usage.input_tokens + run.usage.output_tokens:,} tokens" if run.usage else ""
    lines += ["## How the language model did", ""]
    lines.append(f"- Model {escape_markdown(run.model)}: {run.rounds} round(s){tokens}.")
    if run.fallback:
        lines.append(f"- {escape_markdown(run.fallback)}.")
    lines += [f"- Changed: {escape_markdown(r)}" for r in run.repairs]
    price = run.price_of_preferences
    if price is not None and run.fallback is None:
        lines.append(
            f"- Price of the preferences: {price.extra_hours:+g} hours, {price.extra_cost:+g} in cost, against the "
            f"proven optimum of {price.optimum_hours:g} hours and {price.optimum_cost:g} under the same limits."
        )
    lines.append("")
    return lines
