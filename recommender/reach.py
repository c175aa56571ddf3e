"""What the catalogue can teach of an occupation, and the nearest occupations it can teach in full."""

from __future__ import annotations

import weakref
from collections.abc import Collection

from graph.algorithms import Attainable, attainable, forward_chain
from graph.holdings import Holdings
from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.plan import Finding, NearOccupation, OccupationCoverage
from recommender.subject import Subject, plan_finding

NEAREST = 5


_REACHABLE: weakref.WeakKeyDictionary[SkillGraph, dict[tuple[frozenset[str], frozenset[str]], frozenset[str]]]
_REACHABLE = weakref.WeakKeyDictionary()
REMEMBERED = 64
"""Held sets whose reachable skills each graph remembers: a plan asks twice (assembly, then the verifier)."""


def reachable_skills(
    g: SkillGraph, held_credentials: Collection[str] = (), held_skills: Collection[str] = ()
) -> frozenset[str]:
    """Skills held or taught by some credential the learner can eventually take (any constraints aside).

    Forward chaining over the whole catalogue takes a third of a second at 10,000 credentials, and every plan
    for an occupation needs it twice. Requirements only ever ask for more, so what anyone can reach holding
    nothing is reached holding anything: that is chained once per graph (which never changes), and a held set
    only chains on from it over the few credentials still out of reach. Each answer is remembered too.
    """
    key = (frozenset(held_credentials), frozenset(held_skills))
    remembered = _REACHABLE.setdefault(g, {})
    found = remembered.get(key)
    if found is not None:
        return found
    if key == (frozenset(), frozenset()):
        found = attainable_from_nothing(g).skills
    else:
        base = attainable_from_nothing(g)
        have = Holdings.of(g, [*base.credentials, *key[0]], [*base.skills, *key[1]])
        forward_chain(g, [c for c in g.credentials if c not in have.credentials], have)
        found = frozenset(have.skills) | key[1]
    if len(remembered) >= REMEMBERED:
        remembered.pop(next(iter(remembered)))
    remembered[key] = found
    return found


_FROM_NOTHING: weakref.WeakKeyDictionary[SkillGraph, Attainable] = weakref.WeakKeyDictionary()


def attainable_from_nothing(g: SkillGraph) -> Attainable:
    """``attainable(g)`` holding nothing, computed once per graph."""
    found = _FROM_NOTHING.get(g)
    if found is None:
        found = _FROM_NOTHING[g] = attainable(g)
    return found


def occupation_coverage(g: SkillGraph, occupation_id: str, reachable: frozenset[str]) -> OccupationCoverage:
    """How many of the occupation's essential skills are ``reachable``, and which no credential teaches.

    >>> from graph.model import Catalogue, Credential, Occupation, Skill, TaughtSkill
    >>> cat = Catalogue(skills=(Skill(id="a", label="A"), Skill(id="b", label="B")),
    ...     credentials=(Credential(id="c", name="C", provider="P", teaches=(TaughtSkill(skill="a"),)),),
    ...     occupations=(Occupation(id="o", label="O", essential_skills=("a", "b")),))
    >>> g = SkillGraph(cat)
    >>> cover = occupation_coverage(g, "o", reachable_skills(g))
    >>> (cover.reachable, cover.essential, cover.share, cover.nothing_teaches)
    (1, 2, 0.5, ('b',))
    """
    occupation = g.occupations[occupation_id]
    essential = occupation.essential_skills
    hit = sum(s in reachable for s in essential)
    return OccupationCoverage(
        occupation=occupation_id,
        label=g.label((Kind.occupation, occupation_id)),
        essential=len(essential),
        reachable=hit,
        share=round(hit / len(essential), 4) if essential else 1.0,
        nothing_teaches=tuple(s for s in essential if not g.teachers(s) and s not in reachable),
    )


def nearest_occupations(
    g: SkillGraph, occupation_id: str, reachable: frozenset[str], *, limit: int = NEAREST, min_coverage: float = 1.0
) -> tuple[NearOccupation, ...]:
    """Occupations whose essential skills are at least ``min_coverage`` reachable, sharing the most with the target.

    Ranked by shared essential skills, then shared optional and essential skills together, then
    label; occupations sharing no essential skill are left out.

    >>> from graph.model import Catalogue, Credential, Occupation, Skill, TaughtSkill
    >>> cat = Catalogue(skills=tuple(Skill(id=x, label=x.upper()) for x in "abc"),
    ...     credentials=(Credential(id="c", name="C", provider="P", teaches=(TaughtSkill(skill="a"),)),),
    ...     occupations=(Occupation(id="goal", label="Goal", essential_skills=("a", "b")),
    ...                  Occupation(id="near", label="Near", essential_skills=("a",)),
    ...                  Occupation(id="far", label="Far", essential_skills=("c",))))
    >>> g = SkillGraph(cat)
    >>> [(n.occupation, n.shared, n.share) for n in nearest_occupations(g, "goal", reachable_skills(g))]
    [('near', 1, 0.5)]
    """
    goal = g.occupations[occupation_id]
    essential = set(goal.essential_skills)
    related = essential | set(goal.optional_skills)
    found = []
    for other in g.occupations.values():
        if other.id == occupation_id or not other.essential_skills:
            continue
        shared = len(essential.intersection(other.essential_skills))
        if not shared:
            continue
        coverage = sum(s in reachable for s in other.essential_skills) / len(other.essential_skills)
        if coverage < min_coverage:
            continue
        overlap = len(related.intersection(other.essential_skills, other.optional_skills))
        found.append((-shared, -overlap, other.label.casefold(), other.id, coverage))
    found.sort()
    return tuple(
        NearOccupation(
            occupation=oid,
            label=g.label((Kind.occupation, oid)),
            shared=-shared,
            share=round(-shared / len(essential), 4),
            coverage=round(coverage, 4),
        )
        for shared, _, _, oid, coverage in found[:limit]
    )


def occupation_reach(
    g: SkillGraph, occupation: str | None, held_credentials: Collection[str], held_skills: Collection[str]
) -> tuple[OccupationCoverage | None, tuple[NearOccupation, ...]]:
    """A plan's ``coverage`` and ``nearest_occupations``: what every builder of a Pathway fills them with.

    None and no occupations without a target occupation of the catalogue; the nearest occupations only
    when the catalogue does not cover the target in full.
    """
    if occupation is None or occupation not in g.occupations:
        return None, ()
    reachable = reachable_skills(g, held_credentials, held_skills)
    coverage = occupation_coverage(g, occupation, reachable)
    if coverage.share >= 1:
        return coverage, ()
    return coverage, nearest_occupations(g, occupation, reachable)


def reach_claims(s: Subject) -> list[Finding] | None:
    """The plan's coverage, nearest occupations and goal agree with the catalogue and the request.

    Coverage and nearest occupations are re-derived from the target occupation and what the request
    holds; a goal's chosen occupation must be the request's, its assumed skills held, its candidates
    real entries under their own labels. Retrieval scores and the goal's words are not re-derived.
    """
    p = s.pathway
    if p is None:
        return None
    g, occupation = s.g, s.profile.targets.occupation
    coverage: OccupationCoverage | None = None
    nearest: tuple[NearOccupation, ...] = ()
    if occupation is not None and occupation in g.occupations:
        held = Holdings.from_ids(g, s.profile.have)
        reachable = reachable_skills(g, held.credentials, held.skills)
        coverage = occupation_coverage(g, occupation, reachable)
        nearest = () if coverage.share >= 1 else nearest_occupations(g, occupation, reachable)
    found = []
    if p.coverage != coverage:
        found.append(("/coverage", "does not match what the catalogue teaches of the target occupation"))
    if tuple(p.nearest_occupations) != nearest:
        found.append(("/nearest_occupations", "are not the nearest occupations the catalogue teaches in full"))
    goal = p.goal
    if goal is not None:
        if goal.chosen != occupation:
            found.append(("/goal/chosen", "is not the occupation the request targets"))
        if goal.background is not None and not set(goal.background.assumed) <= set(s.profile.have):
            found.append(("/goal/background/assumed", "lists skills the request does not hold"))
        for i, c in enumerate(goal.candidates):
            known = False
            if c.kind in ("occupation", "skill"):
                kind = Kind(c.kind)
                known = c.id in set(g.entries(kind)) and g.label((kind, c.id)) == c.label
            if not known:
                found.append((f"/goal/candidates/{i}", "is no occupation or skill of the catalogue under its label"))
    return [
        plan_finding("reach_claims", pointer, f"{pointer.lstrip('/')} {message}", REACH_FIX)
        for pointer, message in found
    ]


REACH_FIX = "re-plan, or recompute the field from the catalogue and the request"
