"""Catalogue entries as the index stores them: the texts to embed, filterable metadata and full JSON."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from graph.errors import RequestError
from graph.model import Catalogue, Credential, Kind, Occupation, Skill
from ingest.search import normalise_label

ENTRY_KINDS: tuple[Kind, ...] = (Kind.credential, Kind.skill, Kind.occupation)
"""The kinds of entry a store holds, one collection each."""
Entry = Credential | Skill | Occupation
SCHEME = 3  # how entries become vectors; a store built under another scheme is re-embedded


def entry_kind(kind: str) -> Kind:
    """``kind`` as a :data:`Kind`; a RequestError naming the kinds when it is none of them."""
    if kind not in ENTRY_KINDS:
        raise RequestError(f"unknown kind {kind!r}", fix=f"use one of: {', '.join(ENTRY_KINDS)}")
    return Kind(kind)


@dataclass(frozen=True)
class IndexEntry:
    """One catalogue entry as the index stores it: text to embed, filterable metadata, full JSON.

    ``parts`` are embedded separately and summed (a title part, a body part): a long description
    then cannot drown the few words of a label. ``document`` is what Chroma stores: the parts joined.
    """

    id: str
    kind: Kind
    parts: tuple[str, ...]
    metadata: dict[str, Any]

    @property
    def document(self) -> str:
        return "\n".join(self.parts)

    @property
    def content_hash(self) -> str:
        return str(self.metadata["hash"])


def _entry(kind: Kind, item: Entry, label: str, meta: dict[str, Any], *texts: str) -> IndexEntry:
    parts = tuple(p for p in texts if p.strip()) or (label,)
    payload = item.model_dump_json(exclude_defaults=True)
    labels = [normalise_label(x) for x in (label, *getattr(item, "alt_labels", ()))]
    metadata = {k: v for k, v in meta.items() if v is not None and v != []}
    metadata |= {
        "label": label,
        "labels": [x for x in dict.fromkeys(labels) if x] or [label],
        "json": payload,
        "hash": hashlib.sha256("\0".join((str(SCHEME), *parts, payload)).encode()).hexdigest(),
    }
    return IndexEntry(item.id, kind, parts, metadata)


def _labelled(kind: Kind, item: Skill | Occupation, *more: str) -> IndexEntry:
    return _entry(kind, item, item.label, {}, "; ".join((item.label, *item.alt_labels)), item.description, *more)


def index_entries(catalogue: Catalogue) -> dict[Kind, list[IndexEntry]]:
    """Every entry of ``catalogue`` as the index stores it, per kind, in catalogue order.

    Skills and occupations: title = label and alternative labels, body = description; occupations
    add a third part, the labels of their essential skills found in ``catalogue`` (on ESCO this
    raised recall@5 of unseen job titles, bench/ingest_bench.py). Credentials: title = name, body =
    description and the labels of the skills it teaches, so a query in the words of a skill finds
    the credentials that teach it.
    """
    skill_label = {s.id: s.label for s in catalogue.skills}

    def body(c: Credential) -> str:
        taught = "; ".join(skill_label.get(t.skill, t.skill) for t in c.teaches)
        return "\n".join(p for p in (c.description, f"Teaches: {taught}" if taught else "") if p)

    credentials = [
        _entry(
            Kind.credential,
            c,
            c.name,
            {
                "provider": c.provider,
                "kind": c.kind.value,
                "hours": c.hours,
                "credits": c.credits,
                "cost": c.cost,
                "currency": c.currency,
                "level": c.level.value if c.level else None,
                "delivery": c.delivery.value if c.delivery else None,
                "language": c.language,
                "areas": list(c.areas),
            },
            c.name,
            body(c),
        )
        for c in catalogue.credentials
    ]
    skills = [_labelled(Kind.skill, s) for s in catalogue.skills]
    occupations = [
        _labelled(Kind.occupation, o, "; ".join(skill_label[s] for s in o.essential_skills if s in skill_label))
        for o in catalogue.occupations
    ]
    return {Kind.credential: credentials, Kind.skill: skills, Kind.occupation: occupations}
