"""Which catalogue credentials and skills a held badge proves: its ids, URLs and alignments, then its meaning."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any, Literal

import numpy as np

from graph.holdings import Holdings
from graph.model import Catalogue
from graph.skillgraph import SkillGraph
from ingest.badges import Achievement, BadgeResult, BadgeStatus, Mapping
from ingest.search import Embedder, LabelGrams, normalise_label
from recommender.plan import BadgeMatch, HeldBadge, Pathway

ID, URL, ALIGNMENT, NAME = 1.0, 0.95, 0.95, 0.9
"""Confidence of each kind of evidence: the catalogue's own id, its URL, a framework alignment, the exact name."""
COUNTED_FROM = 0.8
"""A match below this confidence is a proposal: it counts only once the learner accepts it (holds its id)."""
SEMANTIC_FLOOR = 0.5
SEMANTIC_LIMIT = 3
COUNTABLE = {BadgeStatus.verified}
ACCEPTABLE = {BadgeStatus.verified, BadgeStatus.unverifiable}
"""Accepting unverified badges lets an unverifiable one count; expired, revoked, invalid and unreadable never do."""

Kind = Literal["credential", "skill"]
ONET_ELEMENT = re.compile(r"^\d(\.[A-Z])(\.\d+)*(\.[a-z])?$")
"""An O*NET content-model element id (2.A.1.a) as an alignment's targetCode: the O*NET adapter's onet:element/ID."""


def _web_key(value: str) -> str:
    """URLs compared without scheme, case of the host part or trailing slash."""
    return value.strip().removeprefix("https://").removeprefix("http://").rstrip("/").casefold()


class BadgeMatcher:
    """Maps badges onto one catalogue; embeddings of the catalogue's texts are computed once, on first need."""

    def __init__(self, catalogue: Catalogue, embedder: Callable[[], Embedder]) -> None:
        self.catalogue = catalogue
        self._embedder_factory = embedder
        self.credential_keys: dict[str, str] = {}
        self.skill_keys: dict[str, str] = {}
        for c in catalogue.credentials:
            for key in (c.id, *c.alt_ids, *([c.url] if c.url else [])):
                self.credential_keys.setdefault(_web_key(key), c.id)
        for s in catalogue.skills:
            for key in (s.id, *s.alt_ids):
                self.skill_keys.setdefault(_web_key(key), s.id)
        self.credential_names = {normalise_label(c.name): c.id for c in catalogue.credentials}
        self.skill_labels = {
            normalise_label(label): s.id for s in catalogue.skills for label in (s.label, *s.alt_labels)
        }

    def map(self, achievement: Achievement) -> tuple[Mapping, ...]:
        """Every mapping for one badge's achievement, strongest evidence first, each id once."""
        found: dict[tuple[str, str], Mapping] = {}

        def add(kind: Kind, ident: str, confidence: float, via: Any) -> None:
            key = (kind, ident)
            if key not in found or found[key].confidence < confidence:
                found[key] = Mapping(
                    id=ident, kind=kind, confidence=round(confidence, 3), via=via, proposal=confidence < COUNTED_FROM
                )

        for value, via, confidence in (
            (achievement.id, "id", ID),
            *((a, "alt_id", ID) for a in achievement.alt_ids),
            *((u, "url", URL) for u in achievement.urls),
        ):
            if value and (hit := self.credential_keys.get(_web_key(value))):
                add("credential", hit, confidence, via)
        for alignment in achievement.alignments:
            onet = [f"onet:element/{alignment.code}"] if ONET_ELEMENT.match(alignment.code) else []
            for value in (alignment.url, alignment.code, *onet):
                if not value:
                    continue
                if hit := self.skill_keys.get(_web_key(value)):
                    add("skill", hit, ALIGNMENT, "alignment")
                if hit := self.credential_keys.get(_web_key(value)):
                    add("credential", hit, ALIGNMENT, "alignment")
            if alignment.name and (hit := self.skill_labels.get(normalise_label(alignment.name))):
                add("skill", hit, NAME, "alignment")
        if not any(m.kind == "credential" for m in found.values()) and achievement.name:
            if hit := self.credential_names.get(normalise_label(achievement.name)):
                add("credential", hit, NAME, "name")
            else:
                for kind, ident, score in self.semantic(achievement):
                    add(kind, ident, score, "semantic")
        return tuple(sorted(found.values(), key=lambda m: (-m.confidence, m.kind, m.id)))

    def semantic(self, achievement: Achievement) -> list[tuple[Kind, str, float]]:
        """Credentials and skills near the badge's name and description: cosine fused with label n-grams.

        A credential found only by meaning stays a proposal (below ``COUNTED_FROM``): holding it would
        skip a whole credential on a guess.
        """
        text = "\n".join(p for p in (achievement.name, achievement.description) if p)
        vector = self._embedder.embed([text])[0]
        out: list[tuple[Kind, str, float]] = []
        searches: list[tuple[Kind, list[str], Any, LabelGrams]] = [
            ("credential", self._credential_ids, self._credential_vectors, self._credential_grams),
            ("skill", self._skill_ids, self._skill_vectors, self._skill_grams),
        ]
        for kind, ids, matrix, grams in searches:
            if not ids:
                continue
            cosine = np.clip(matrix @ vector, 0.0, 1.0)
            spelling = grams.scores(achievement.name)
            scores = {i: 0.6 * float(c) + 0.4 * spelling.get(i, 0.0) for i, c in zip(ids, cosine, strict=True)}
            best = sorted(scores.items(), key=lambda p: (-p[1], p[0]))[:SEMANTIC_LIMIT]
            cap = COUNTED_FROM - 0.01 if kind == "credential" else 1.0
            out += [(kind, i, min(s, cap)) for i, s in best if s >= SEMANTIC_FLOOR]
        return out

    @cached_property
    def _embedder(self) -> Embedder:
        return self._embedder_factory()

    @cached_property
    def _credential_ids(self) -> list[str]:
        return [c.id for c in self.catalogue.credentials]

    @cached_property
    def _skill_ids(self) -> list[str]:
        return [s.id for s in self.catalogue.skills]

    @cached_property
    def _credential_vectors(self) -> Any:
        texts = [f"{c.name}\n{c.description}" for c in self.catalogue.credentials]
        return self._embedder.embed(texts) if texts else np.zeros((0, 1))

    @cached_property
    def _skill_vectors(self) -> Any:
        texts = [f"{s.label}\n{s.description}" for s in self.catalogue.skills]
        return self._embedder.embed(texts) if texts else np.zeros((0, 1))

    @cached_property
    def _credential_grams(self) -> LabelGrams:
        return LabelGrams({c.id: [normalise_label(c.name)] for c in self.catalogue.credentials})

    @cached_property
    def _skill_grams(self) -> LabelGrams:
        return LabelGrams({s.id: [normalise_label(x) for x in (s.label, *s.alt_labels)] for s in self.catalogue.skills})


def counts(result: BadgeResult, *, accept_unverified: bool) -> bool:
    """Whether a badge counts as held: verified, or unverifiable when the learner accepts that."""
    return result.status in (ACCEPTABLE if accept_unverified else COUNTABLE)


def held_ids(results: Iterable[BadgeResult], *, accept_unverified: bool) -> list[str]:
    """The catalogue ids the counted badges prove (proposals left out), in badge order."""
    ids: list[str] = []
    for result in results:
        if counts(result, accept_unverified=accept_unverified):
            ids += [m.id for m in result.maps_to if not m.proposal and m.id not in ids]
    return ids


def why_not_counted(result: BadgeResult, *, accept_unverified: bool) -> str:
    """A short reason a badge does not count, or '' when it does."""
    if counts(result, accept_unverified=accept_unverified):
        return "" if any(not m.proposal for m in result.maps_to) else "maps to nothing in the catalogue for sure"
    if result.status is BadgeStatus.unverifiable:
        return "unverifiable: it counts only if unverified badges are accepted"
    return f"{result.status.value}: never counts"


def held_badges(
    g: SkillGraph, pathway: Pathway, badges: Sequence[BadgeResult], *, accept_unverified: bool
) -> tuple[HeldBadge, ...]:
    """Each badge given: whether it counted as held, and which held targets or step requirements it covered."""
    used = set(pathway.already_held) | {
        ident
        for step in pathway.steps
        for met in step.requirements_met_by
        if met.source == "held"
        for ident in (met.requirement, met.via)
        if ident
    }
    out = []
    for badge in badges:
        counted = counts(badge, accept_unverified=accept_unverified)
        proven = [m.id for m in badge.maps_to if not m.proposal] if counted else []
        holdings = Holdings.from_ids(g, proven)
        out.append(
            HeldBadge(
                source=badge.source,
                status=badge.status.value,
                name=badge.name,
                issuer=badge.issuer_name or badge.issuer,
                trusted=badge.trusted,
                counted=counted and bool(proven),
                reason=why_not_counted(badge, accept_unverified=accept_unverified),
                maps_to=tuple(BadgeMatch(**m.model_dump()) for m in badge.maps_to),
                covered=tuple(sorted(used & (set(holdings.credentials) | set(holdings.skills) | set(proven)))),
            )
        )
    return tuple(out)
