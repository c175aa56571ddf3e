"""The gap report contract: what occupations need that a catalogue (or one provider) does not teach.

`credpath schema gaps` prints its JSON Schema; fields are only ever added in a minor version.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from graph.algorithms import Attainable, attainable
from graph.conditions import describe
from graph.errors import RequestError
from graph.gaps import (
    missing_skills,
    occupation_coverage,
    occupations_matching,
    overlapping_credentials,
    provider_credentials,
    skill_demand,
    taught_by,
    unique_skills,
    unmeetable_credentials,
)
from graph.model import Kind, StrictModel
from graph.skillgraph import SkillGraph

GAPS_SCHEMA_VERSION = "1.0"


class MissingSkill(StrictModel):
    """A skill the chosen occupations need that no credential in scope teaches."""

    id: str
    label: str
    essential_for: tuple[str, ...] = Field(description="Occupations that list it as essential.")
    optional_for: tuple[str, ...] = Field(description="Occupations that list it as optional only.")
    demand: int = Field(ge=0, description="How many occupations need it as essential.")
    optional_demand: int = Field(ge=0, description="How many occupations list it as optional only.")


class OccupationCoverage(StrictModel):
    """How much of one occupation the credentials in scope teach, and whether one pathway reaches it all."""

    id: str
    label: str
    essential: int = Field(ge=0, description="Essential skills the occupation lists.")
    taught: int = Field(ge=0, description="Essential skills some credential in scope teaches.")
    fraction: float = Field(ge=0, le=1, description="taught / essential (1 when none are listed).")
    reachable: int = Field(ge=0, description="Essential skills a learner holding nothing can reach.")
    full_plan: bool = Field(description="Whether one pathway from nothing reaches every essential skill.")
    untaught: tuple[str, ...] = Field(description="Essential skills nothing in scope teaches.")


class Requirement(StrictModel):
    """One skill or credential a requirement names."""

    kind: str = Field(description="'skill' or 'credential'.")
    id: str
    label: str


class UnmeetableCredential(StrictModel):
    """A credential nobody can start: no credential of the catalogue meets part of its requirement."""

    id: str
    name: str
    provider: str
    requirement: str = Field(description="The part of its requirement that stays unmet, in words.")
    unmet: tuple[Requirement, ...] = Field(description="Skills and credentials in that part nobody can get.")
    cycle: tuple[str, ...] = Field(default=(), description="Ids that depend on each other through it, if any.")


class CredentialOverlap(StrictModel):
    """Two credentials in scope that teach mostly the same skills."""

    first: str
    first_name: str
    second: str
    second_name: str
    share: float = Field(ge=0, le=1, description="Shared skills / skills either teaches (Jaccard).")
    shared: tuple[str, ...] = Field(description="The skills both teach.")


class UniqueSkill(StrictModel):
    """A skill only the chosen provider teaches."""

    id: str
    label: str
    taught_by: tuple[str, ...] = Field(description="The provider's credentials that teach it.")
    demand: int = Field(ge=0, description="Chosen occupations that need it as essential.")
    optional_demand: int = Field(ge=0, description="Chosen occupations that list it as optional only.")


class GapReport(StrictModel):
    """Which demanded skills a catalogue or a provider misses, and where its credentials fall short."""

    schema_version: str = GAPS_SCHEMA_VERSION
    catalogue: str = Field(description="Name of the catalogue the report is about.")
    provider: str | None = Field(default=None, description="The provider in scope; None for every provider.")
    credentials: int = Field(ge=0, description="Credentials in scope.")
    occupations: tuple[str, ...] = Field(description="The occupations whose demand counts.")
    min_share: float = Field(ge=0, le=1, description="Smallest share for two credentials to count as overlapping.")
    missing_skills: tuple[MissingSkill, ...]
    coverage: tuple[OccupationCoverage, ...]
    unmeetable_credentials: tuple[UnmeetableCredential, ...]
    overlaps: tuple[CredentialOverlap, ...]
    unique_skills: tuple[UniqueSkill, ...] = Field(
        default=(), description="With a provider: skills its credentials add that no other provider teaches."
    )


def gap_report(
    g: SkillGraph,
    occupations: Sequence[str],
    *,
    provider: str | None = None,
    min_share: float = 0.5,
    reach: Attainable | None = None,
) -> GapReport:
    """The gap report for ``occupations`` (ids in ``g``) and the credentials of ``provider`` (default all).

    Missing skills, coverage and overlaps count only the credentials in scope; whether a credential
    can be started counts every credential, since learners may take another provider's course first.
    ``reach`` is ``attainable(g)`` when the caller keeps it.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, Occupation, Skill, SkillCondition, TaughtSkill
    >>> cat = Catalogue(name="demo", skills=(Skill(id="a", label="A"), Skill(id="b", label="B")),
    ...     credentials=(Credential(id="c", name="C", provider="P", teaches=(TaughtSkill(skill="a"),)),
    ...                  Credential(id="d", name="D", provider="P", requires=SkillCondition(skill="b"))),
    ...     occupations=(Occupation(id="o", label="O", essential_skills=("a", "b")),))
    >>> r = gap_report(SkillGraph(cat), ["o"])
    >>> [(m.id, m.demand) for m in r.missing_skills], r.coverage[0].fraction, r.unmeetable_credentials[0].requirement
    ([('b', 1)], 0.5, 'B')
    """
    scope = provider_credentials(g, provider) if provider is not None else sorted(g.credentials)
    taught = taught_by(g, scope)
    everything = reach or attainable(g)
    reach = everything if provider is None else attainable(g, allowed=set(scope).__contains__)
    chosen = list(dict.fromkeys(occupations))
    gaps = missing_skills(g, chosen, taught)
    demand = skill_demand(g, chosen) if provider is not None else {}

    def counts(sid: str) -> tuple[int, int]:
        essential, optional = demand.get(sid, ((), ()))
        return len(essential), len(optional)

    return GapReport(
        catalogue=g.catalogue.name,
        provider=provider,
        credentials=len(scope),
        occupations=tuple(chosen),
        min_share=min_share,
        missing_skills=tuple(
            MissingSkill(
                id=gap.skill,
                label=gap.label,
                essential_for=gap.essential_for,
                optional_for=gap.optional_for,
                demand=len(gap.essential_for),
                optional_demand=len(gap.optional_for),
            )
            for gap in gaps
        ),
        coverage=tuple(
            OccupationCoverage(
                id=c.occupation,
                label=g.label((Kind.occupation, c.occupation)),
                essential=c.essential,
                taught=c.taught,
                fraction=c.fraction,
                reachable=c.reachable,
                full_plan=c.full_plan,
                untaught=c.untaught,
            )
            for c in occupation_coverage(g, chosen, taught, reach.skills)
        ),
        unmeetable_credentials=tuple(
            UnmeetableCredential(
                id=u.credential,
                name=g.credentials[u.credential].name,
                provider=g.credentials[u.credential].provider,
                requirement=describe(u.unmet, g.label),
                unmet=tuple(Requirement(kind=k, id=i, label=g.label((k, i))) for k, i in u.unmet_leaves),
                cycle=tuple(i for _, i in u.cycle),
            )
            for u in unmeetable_credentials(g, scope, reach=everything)
        ),
        # Hundreds of thousands of pairs in large catalogues, every field computed here from typed
        # dataclasses: constructed without re-validation (validation was most of the report's time).
        overlaps=tuple(
            CredentialOverlap.model_construct(
                first=o.first,
                first_name=g.credentials[o.first].name,
                second=o.second,
                second_name=g.credentials[o.second].name,
                share=round(o.share, 4),
                shared=o.shared,
            )
            for o in overlapping_credentials(g, scope, min_share=min_share)
        ),
        unique_skills=tuple(
            UniqueSkill(
                id=sid,
                label=g.label((Kind.skill, sid)),
                taught_by=teachers,
                demand=counts(sid)[0],
                optional_demand=counts(sid)[1],
            )
            for sid, teachers in sorted(
                unique_skills(g, provider).items() if provider is not None else (),
                key=lambda item: (-counts(item[0])[0], -counts(item[0])[1], g.label((Kind.skill, item[0])), item[0]),
            )
        ),
    )


def choose_occupations(g: SkillGraph, occupations: Sequence[str], area: str | None) -> list[str]:
    """Ids of the named occupations (id, alternative id or exact label) and of those in ``area``.

    With neither, every occupation of the catalogue. Raises RequestError naming an occupation that
    is not in the catalogue (field ``occupations``), or an area no occupation falls in (``area``).
    """
    chosen: list[str] = []
    for text in occupations:
        found = g.find(Kind.occupation, text)
        if found is None:
            raise RequestError(
                f"no occupation {text!r} in the catalogue",
                field="occupations",
                fix="give an occupation id or its exact label, or choose occupations by words with ${area}",
            )
        chosen.append(found)
    if area is not None:
        matched = occupations_matching(g, area)
        if not matched:
            coded = any(code[:1].isdigit() for o in g.occupations.values() for code in o.alt_ids)
            raise RequestError(
                f"no occupation in the catalogue falls in area {area!r}"
                + ("" if coded else " (its occupations carry no ISCO codes, so only words match)"),
                field="area",
                fix="use words from occupation names (e.g. 'data', 'security') or an ISCO code prefix (e.g. '25')",
            )
        chosen += matched
    if not occupations and area is None:
        chosen = sorted(g.occupations, key=lambda o: (g.occupations[o].label.casefold(), o))
    return list(dict.fromkeys(chosen))


def choose_provider(g: SkillGraph, provider: str) -> str:
    """The provider's name as the catalogue spells it; RequestError when no credential has it."""
    ids = provider_credentials(g, provider)
    if not ids:
        known = sorted({c.provider for c in g.credentials.values()}, key=str.casefold)
        shown = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        shown = shown.replace("$", "$$")  # provider names are data, not ${field} placeholders
        raise RequestError(
            f"no credential in the catalogue comes from provider {provider!r}",
            field="provider",
            fix=f"use a provider name from the catalogue: {shown or 'it has no credentials'}",
        )
    return g.credentials[ids[0]].provider
