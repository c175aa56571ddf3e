"""The pickers' choices over a catalogue, and its one-line summary: shared by the learner and advisor pages."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from recommender.escape import markdown_text
from recommender.profile import LANGUAGE_TAG, primary_language
from recommender.service import CredpathService


def unique_labels(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(label, id) pairs where a label shared by several ids gets the id appended, so picks are unambiguous."""
    seen = Counter(label for label, _ in pairs)
    return [(f"{label} [{ident}]" if seen[label] > 1 else label, ident) for label, ident in pairs]


def occupation_choices(service: CredpathService) -> list[tuple[str, str]]:
    return unique_labels([(o.label, o.id) for o in service.options("occupation")])


def skill_choices(service: CredpathService) -> list[tuple[str, str]]:
    return unique_labels([(o.label, o.id) for o in service.options("skill")])


def credential_choices(service: CredpathService) -> list[tuple[str, str]]:
    """Credentials labelled with their provider: two providers often use the same course title."""
    creds = service.graph.credentials
    return unique_labels([(f"{o.label} · {creds[o.id].provider}", o.id) for o in service.options("credential")])


def held_choices(service: CredpathService) -> list[tuple[str, str]]:
    """Credentials and skills in one list, each label saying which it is."""
    creds = [(f"{label} (credential)", ident) for label, ident in credential_choices(service)]
    skills = [(f"{label} (skill)", ident) for label, ident in skill_choices(service)]
    return creds + skills


def language_choices(service: CredpathService) -> list[str]:
    """The language codes the catalogue's credentials are taught in (primary subtags of valid tags), sorted."""
    tags = (c.language for c in service.catalogue.credentials)
    return sorted({primary_language(t) for t in tags if re.fullmatch(LANGUAGE_TAG, t)})


def provider_choices(service: CredpathService) -> list[str]:
    return sorted({c.provider for c in service.graph.credentials.values()}, key=str.casefold)


def catalogue_summary(service: CredpathService) -> str:
    """One Markdown line: which catalogue this is, how big, and where it came from (all of it escaped)."""
    g = service.graph
    name = markdown_text(service.catalogue.name) or "Catalogue"
    line = (
        f"**{name}**: {len(g.credentials):,} credentials · {len(g.skills):,} skills · "
        f"{len(g.occupations):,} occupations"
    )
    if service.source:
        line += f" · source: {markdown_text(service.source)}"
    if service.skipped:
        line += f" · {len(service.skipped):,} entries skipped while loading"
    return line
