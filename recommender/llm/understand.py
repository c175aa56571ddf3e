"""Free text to a structured request: retrieval proposes the ids, the model picks among them, the rest is dropped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graph.model import Credential, Delivery, Kind
from graph.skillgraph import SkillGraph
from ingest.search import LabelBM25, normalise_label
from recommender.llm.answers import RequestAnswer
from recommender.llm.config import Session
from recommender.llm.prompts import understand_messages
from recommender.plan import Understood
from recommender.profile import (
    MAX_HOURS_PER_WEEK,
    MIN_HOURS_PER_WEEK,
    Constraints,
    LearnerProfile,
    Preferences,
    Targets,
)

KINDS = (Kind.skill, Kind.credential, Kind.occupation)
Search = Callable[[str, Kind, int], Sequence[str]]


def lexical_search(g: SkillGraph) -> Search:
    """BM25 over the catalogue's labels (names, alternative labels, providers): retrieval without a store."""
    scorers: dict[Kind, LabelBM25] = {}

    def search(text: str, kind: Kind, k: int) -> Sequence[str]:
        if kind not in scorers:
            labels: dict[str, list[str]] = {}
            for ident, e in g.entries(kind).items():
                if isinstance(e, Credential):
                    names = [e.name, e.provider, *(g.label((Kind.skill, s)) for s in e.taught_skill_ids)]
                else:
                    names = [e.label, *e.alt_labels]
                labels[ident] = [normalise_label(n) for n in names]
            scorers[kind] = LabelBM25(labels)
        return scorers[kind].rank(text, limit=k)

    return search


def retrieve(g: SkillGraph, text: str, search: Search | None = None, k: int = 15) -> dict[Kind, list[str]]:
    """The candidate ids per kind for a learner's text: what the model may choose from."""
    find = search or lexical_search(g)
    return {kind: [i for i in find(text, kind, k) if i in g.entries(kind)] for kind in KINDS}


def _entries(g: SkillGraph, found: dict[Kind, list[str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for kind, ids in found.items():
        rows = []
        for i in ids:
            row = {"id": i, "label": g.label((kind, i))}
            if kind == Kind.credential:
                row["provider"] = g.credentials[i].provider
            rows.append(row)
        out[kind] = rows
    return out


def understand(
    g: SkillGraph, text: str, session: Session, *, search: Search | None = None
) -> tuple[LearnerProfile, Understood]:
    """The learner profile the text describes, and what was understood, dropped and assumed.

    Every id comes from retrieval; an id the model names outside it is dropped and reported.
    Raises LLMError when the model fails.
    """
    found = retrieve(g, text, search)
    answer = session.ask(understand_messages(text, _entries(g, found)), RequestAnswer)
    return to_profile(g, text, answer, found)


def to_profile(
    g: SkillGraph, text: str, a: RequestAnswer, found: dict[Kind, list[str]]
) -> tuple[LearnerProfile, Understood]:
    """Turn the model's answer into a profile, keeping only retrieved ids."""
    dropped: list[str] = []
    notes: list[str] = []

    def keep(ids: Sequence[str], kinds: Sequence[Kind]) -> tuple[str, ...]:
        out = []
        for raw in ids:
            hit = next((i for kind in kinds if (i := g.find(kind, raw)) is not None and i in found[kind]), None)
            if hit is None:
                dropped.append(raw)
            elif hit not in out:
                out.append(hit)
        return tuple(out)

    occupation = keep([a.occupation_id], (Kind.occupation,)) if a.occupation_id else ()
    targets = Targets(
        skills=keep(a.target_skill_ids, (Kind.skill,)),
        credentials=keep(a.target_credential_ids, (Kind.credential,)),
        occupation=occupation[0] if occupation else None,
    )
    have = keep(a.held_ids, (Kind.credential, Kind.skill))
    max_hours = a.max_hours
    if a.deadline_weeks is not None:
        if a.hours_per_week:
            cap = a.deadline_weeks * a.hours_per_week
            if max_hours is None or cap < max_hours:
                max_hours = cap
                notes.append(
                    f"deadline of {a.deadline_weeks:g} weeks at {a.hours_per_week:g} hours a week: "
                    f"at most {cap:g} hours in total"
                )
        else:
            notes.append("a deadline without hours per week cannot limit the plan; say how many hours a week")
    pace = _positive(a.hours_per_week)
    if pace is not None and not MIN_HOURS_PER_WEEK <= pace <= MAX_HOURS_PER_WEEK:
        notes.append(
            f"{pace:g} hours a week is not a study pace ({MIN_HOURS_PER_WEEK:g} to {MAX_HOURS_PER_WEEK:g}); ignored"
        )
        pace = None
    providers = {c.provider.casefold() for c in g.credentials.values()}
    for name in a.avoid_providers:
        if name.casefold() not in providers:
            notes.append(f"no provider named {name!r} in the catalogue")
    if a.language:
        notes.append(f"language {a.language!r} is treated as a preference")
    if dropped:
        notes.append("not in what retrieval found, so dropped: " + ", ".join(repr(d) for d in dropped))
    profile = LearnerProfile(
        targets=targets,
        have=have,
        constraints=Constraints(
            max_hours=_positive(max_hours),
            max_cost=_positive(a.max_cost, zero=True),
            hours_per_week=pace,
            exclude_providers=tuple(a.avoid_providers),
            delivery=tuple(Delivery(d) for d in dict.fromkeys(a.delivery)),
        ),
        preferences=Preferences(
            goal=a.goal,
            background=a.background,
            learning_style=a.learning_style or None,
            provider_kinds=tuple(a.provider_kinds),
            favour_topics=tuple(a.favour_topics),
            avoid_topics=tuple(a.avoid_topics),
            language=a.language or None,
        ),
    )
    return profile, Understood(text=text, dropped=tuple(dropped), notes=tuple(notes))


def _positive(value: Any, *, zero: bool = False) -> float | None:
    """Numbers a model gives for limits: negative (or zero where zero means nothing) are not limits."""
    if value is None or value < 0 or (value == 0 and not zero):
        return None
    return float(value)
