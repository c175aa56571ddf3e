"""Pure gap analysis over a SkillGraph: skill demand, coverage, unmeetable and overlapping credentials."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.algorithms import Attainable, Gap, attainable
from graph.conditions import Holds, Leaf, is_met, leaves
from graph.holdings import Holdings
from graph.model import (
    AllOf,
    AtLeast,
    Condition,
    Gate,
    Kind,
    requirement_parts,
)
from graph.skillgraph import SkillGraph

_WORD = re.compile(r"\w+")
_CODE = re.compile(r"^\d+(\.\d+)*$")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def occupations_matching(g: SkillGraph, text: str) -> list[str]:
    """Occupations in an area: an ISCO code prefix, or words that all appear in one of their names.

    Digits (``"25"``, ``"2511"``) match occupations whose ESCO code (an alternative id such as
    ``"2511.1"``, whose first four digits are the ISCO unit group) starts with them. Otherwise every
    word of ``text`` must appear, as a whole word, in the label or in one alternative label. The
    result is sorted by label, then id.

    Examples
    --------
    >>> from graph.model import Catalogue, Occupation
    >>> cat = Catalogue(occupations=(
    ...     Occupation(id="o1", label="data analyst", alt_ids=("2511.4",)),
    ...     Occupation(id="o2", label="database developer", alt_labels=("data engineer",), alt_ids=("2521.1",)),
    ...     Occupation(id="o3", label="nurse", alt_ids=("2221.1",))))
    >>> occupations_matching(SkillGraph(cat), "Data")
    ['o1', 'o2']
    >>> occupations_matching(SkillGraph(cat), "25")
    ['o1', 'o2']
    >>> occupations_matching(SkillGraph(cat), "data nurse")
    []
    """
    query = text.strip()
    found = []
    if _CODE.match(query):
        for o in g.occupations.values():
            if any(_CODE.match(code) and code.startswith(query) for code in o.alt_ids):
                found.append(o)
    else:
        wanted = set(_words(query))
        for o in g.occupations.values():
            if wanted and any(wanted <= set(_words(name)) for name in (o.label, *o.alt_labels)):
                found.append(o)
    return [o.id for o in sorted(found, key=lambda o: (o.label.casefold(), o.id))]


def skill_demand(g: SkillGraph, occupations: Iterable[str]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Skill id -> (occupations needing it as essential, occupations listing it as optional only), sorted.

    Examples
    --------
    >>> from graph.model import Catalogue, Occupation
    >>> cat = Catalogue(occupations=(Occupation(id="o1", label="O1", essential_skills=("a",), optional_skills=("b",)),
    ...     Occupation(id="o2", label="O2", essential_skills=("b",), optional_skills=("a", "b"))))
    >>> skill_demand(SkillGraph(cat), ["o1", "o2"])
    {'a': (('o1',), ('o2',)), 'b': (('o2',), ('o1',))}
    """
    essential: dict[str, list[str]] = defaultdict(list)
    optional: dict[str, list[str]] = defaultdict(list)
    for oid in dict.fromkeys(occupations):
        o = g.occupations[oid]
        needed = set(o.essential_skills)
        for s in needed:
            essential[s].append(oid)
        for s in set(o.optional_skills) - needed:
            optional[s].append(oid)
    return {
        s: (tuple(sorted(essential.get(s, ()))), tuple(sorted(optional.get(s, ()))))
        for s in sorted(set(essential) | set(optional))
    }


def missing_skills(g: SkillGraph, occupations: Iterable[str], taught: Collection[str]) -> list[Gap]:
    """Skills the occupations need that are not in ``taught``, most demanded first.

    Ranked by how many occupations need the skill as essential, then as optional, then by label and
    id; so every skill some occupation calls essential comes before the optional-only ones.

    Examples
    --------
    >>> from graph.model import Catalogue, Occupation, Skill
    >>> cat = Catalogue(skills=(Skill(id="a", label="A"), Skill(id="b", label="B"), Skill(id="c", label="C")),
    ...     occupations=(Occupation(id="o1", label="O1", essential_skills=("a", "b"), optional_skills=("c",)),
    ...                  Occupation(id="o2", label="O2", essential_skills=("b",), optional_skills=("a", "c"))))
    >>> ranked = missing_skills(SkillGraph(cat), ["o1", "o2"], {"x"})
    >>> [(gap.skill, gap.essential_for, gap.optional_for) for gap in ranked]
    [('b', ('o1', 'o2'), ()), ('a', ('o1',), ('o2',)), ('c', (), ('o1', 'o2'))]
    >>> [gap.skill for gap in missing_skills(SkillGraph(cat), ["o2"], {"b"})]
    ['a', 'c']
    """
    gaps = [
        Gap(skill=s, label=g.label((Kind.skill, s)), essential_for=ess, optional_for=opt)
        for s, (ess, opt) in skill_demand(g, occupations).items()
        if s not in taught
    ]
    return sorted(gaps, key=lambda x: (-len(x.essential_for), -len(x.optional_for), x.label, x.skill))


@dataclass(frozen=True)
class Coverage:
    """How much of one occupation's essential skills a set of credentials teaches and reaches."""

    occupation: str
    essential: int
    taught: int
    reachable: int
    untaught: tuple[str, ...]

    @property
    def fraction(self) -> float:
        """Share of essential skills taught (1.0 for an occupation that lists none)."""
        return self.taught / self.essential if self.essential else 1.0

    @property
    def full_plan(self) -> bool:
        """Whether one pathway from nothing held reaches every essential skill."""
        return self.reachable == self.essential


def occupation_coverage(
    g: SkillGraph, occupations: Iterable[str], taught: Collection[str], reachable: Collection[str]
) -> list[Coverage]:
    """Per occupation: essential skills, how many are ``taught``, how many are ``reachable``.

    ``taught`` holds the skills some credential teaches; ``reachable`` those a learner holding
    nothing can actually get (see :func:`graph.algorithms.attainable`). Lowest fraction first, then
    by id.

    Examples
    --------
    >>> from graph.model import Catalogue, Occupation
    >>> cat = Catalogue(occupations=(Occupation(id="o1", label="O1", essential_skills=("a", "b")),
    ...     Occupation(id="o2", label="O2", essential_skills=("a",))))
    >>> [(c.occupation, c.fraction, c.full_plan, c.untaught)
    ...  for c in occupation_coverage(SkillGraph(cat), ["o1", "o2"], {"a"}, {"a"})]
    [('o1', 0.5, False, ('b',)), ('o2', 1.0, True, ())]
    """
    out = []
    for oid in occupations:
        essential = tuple(dict.fromkeys(g.occupations[oid].essential_skills))
        untaught = tuple(s for s in essential if s not in taught)
        out.append(
            Coverage(
                occupation=oid,
                essential=len(essential),
                taught=len(essential) - len(untaught),
                reachable=sum(1 for s in essential if s in reachable),
                untaught=untaught,
            )
        )
    return sorted(out, key=lambda c: (c.fraction, c.reachable / c.essential if c.essential else 1.0, c.occupation))


def unmet_requirement(condition: Condition | None, holds: Holds) -> Condition | None:
    """The part of a requirement tree that ``holds`` cannot satisfy, or None when it is met.

    An ALL keeps its unmet children; an ANY is unmet as a whole; an AT-LEAST keeps its unmet children
    and asks for as many of them as are still missing.

    Examples
    --------
    >>> from graph.conditions import describe
    >>> from graph.model import AnyOf, SkillCondition
    >>> req = AllOf(all_of=(SkillCondition(skill="a"), AnyOf(any_of=(SkillCondition(skill="b"),
    ...     SkillCondition(skill="c"))), AtLeast(at_least=2, of=(SkillCondition(skill="d"),
    ...     SkillCondition(skill="e"), SkillCondition(skill="f")))))
    >>> describe(unmet_requirement(req, lambda leaf: leaf[1] in {"a", "d"}))
    '(b or c) and (1 of (e, f))'
    >>> unmet_requirement(req, lambda leaf: True) is None
    True
    """
    if condition is None or is_met(condition, holds):
        return None
    parts = requirement_parts(condition)
    if parts is None or parts.gate is Gate.any_of:
        return condition
    if parts.gate is Gate.all_of:
        unmet = [u for c in parts.children if (u := unmet_requirement(c, holds)) is not None]
        return unmet[0] if len(unmet) == 1 else AllOf(all_of=tuple(unmet))
    failing = tuple(c for c in parts.children if not is_met(c, holds))
    if len(failing) == 1:
        return failing[0]
    return AtLeast(at_least=parts.needed - (len(parts.children) - len(failing)), of=failing)


@dataclass(frozen=True)
class Unmeetable:
    """A credential nobody can start from nothing held, what of its requirement stays unmet, and any cycle."""

    credential: str
    unmet: Condition
    unmet_leaves: tuple[Leaf, ...]
    cycle: tuple[Leaf, ...]


def unmeetable_credentials(
    g: SkillGraph, credentials: Iterable[str] | None = None, reach: Attainable | None = None
) -> list[Unmeetable]:
    """Credentials (of ``credentials``, default all) whose requirements no pathway from nothing can meet.

    Every credential of the catalogue may help meet a requirement. The unmet part is the subtree of
    the effective requirement that stays false once everything attainable is held; ``cycle`` lists the
    blocked skills and credentials that depend on each other through this one, sorted. Sorted by id.
    ``reach`` is ``attainable(g)`` when the caller has it already.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, CredentialCondition, SkillCondition, TaughtSkill
    >>> cat = Catalogue(credentials=(
    ...     Credential(id="a", name="A", provider="P", requires=SkillCondition(skill="s")),
    ...     Credential(id="b", name="B", provider="P", requires=CredentialCondition(credential="c")),
    ...     Credential(id="c", name="C", provider="P", requires=CredentialCondition(credential="b")),
    ...     Credential(id="d", name="D", provider="P", teaches=(TaughtSkill(skill="t"),))))
    >>> [(u.credential, u.unmet_leaves, u.cycle) for u in unmeetable_credentials(SkillGraph(cat))]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('a', (('skill', 's'),), ()),
     ('b', (('credential', 'c'),), (('credential', 'b'), ('credential', 'c'))),
     ('c', (('credential', 'b'),), (('credential', 'b'), ('credential', 'c')))]
    """
    reach = reach or attainable(g)
    reached = Holdings(reach.credentials, reach.skills)
    holds = reached.__contains__

    wanted = g.credentials if credentials is None else credentials
    blocked = sorted(c for c in wanted if c in g.credentials and c not in reach.credentials)
    if not blocked:
        return []
    knots = _blocked_knots(g, reached)
    out = []
    for cid in blocked:
        unmet = unmet_requirement(g.effective_requirement(cid), holds)
        assert unmet is not None, cid
        out.append(
            Unmeetable(
                credential=cid,
                unmet=unmet,
                unmet_leaves=tuple(leaf for leaf in leaves(unmet) if not holds(leaf)),
                cycle=knots.get((Kind.credential, cid), ()),
            )
        )
    return out


def _blocked_knots(g: SkillGraph, reached: Holdings) -> dict[Leaf, tuple[Leaf, ...]]:
    """Blocked node -> the sorted strongly connected knot it sits on, among blocked skills and credentials."""
    sub = nx.DiGraph()
    for cid in g.credentials:
        node: Leaf = (Kind.credential, cid)
        if node in reached:
            continue
        for leaf in g.requirement_leaves(cid):
            if leaf not in reached:
                sub.add_edge(leaf, node)
        for sid in g.credentials[cid].taught_skill_ids:
            if (Kind.skill, sid) not in reached:
                sub.add_edge(node, (Kind.skill, sid))
    out: dict[Leaf, tuple[Leaf, ...]] = {}
    for comp in nx.strongly_connected_components(sub):
        if len(comp) > 1 or any(sub.has_edge(n, n) for n in comp):
            knot = tuple(sorted(comp))
            out.update(dict.fromkeys(comp, knot))
    return out


@dataclass(frozen=True)
class Overlap:
    """Two credentials teaching mostly the same skills: ``share`` is |shared| / |taught by either|."""

    first: str
    second: str
    shared: tuple[str, ...]
    share: float


def overlapping_credentials(g: SkillGraph, credentials: Iterable[str], min_share: float = 0.5) -> list[Overlap]:
    """Pairs among ``credentials`` whose taught skills overlap by at least ``min_share`` (Jaccard).

    Pairs are found through the skills they share, so the cost grows with the pairs that share a
    skill rather than with all pairs. Highest share first, then most shared skills, then ids.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, TaughtSkill
    >>> def cred(ident, *skills):
    ...     return Credential(id=ident, name=ident, provider="P", teaches=tuple(TaughtSkill(skill=s) for s in skills))
    >>> g = SkillGraph(Catalogue(credentials=(cred("x", "a", "b"), cred("y", "b", "a", "c"), cred("z", "c"))))
    >>> [(o.first, o.second, o.shared, round(o.share, 2)) for o in overlapping_credentials(g, ["x", "y", "z"])]
    [('x', 'y', ('a', 'b'), 0.67)]
    >>> len(overlapping_credentials(g, ["x", "y", "z"], min_share=0.3))
    2
    """
    chosen = sorted(set(credentials) & set(g.credentials))
    taught = [frozenset(g.credentials[c].taught_skill_ids) for c in chosen]
    first, second, shared = _sharing_pairs(taught)
    sizes = np.fromiter((len(t) for t in taught), dtype=np.int64, count=len(taught))
    share = shared / (sizes[first] + sizes[second] - shared) if len(shared) else np.zeros(0)
    keep = np.flatnonzero(share >= min_share)
    out = [
        Overlap(chosen[a], chosen[b], tuple(sorted(taught[a] & taught[b])), float(share[k]))
        for k, a, b in zip(keep.tolist(), first[keep].tolist(), second[keep].tolist(), strict=True)
    ]
    return sorted(out, key=lambda o: (-o.share, -len(o.shared), o.first, o.second))


def _sharing_pairs(taught: Sequence[frozenset[str]]) -> tuple[npt.NDArray[np.int64], ...]:
    """Every pair (i < j) of sets sharing an element, with how many they share, as three arrays.

    Vectorised: the (set, element) incidences are grouped by element, each group of k holders yields its
    k(k-1)/2 pairs, and equal pairs are counted with one ``np.unique``.
    """
    index: dict[str, int] = {}
    element = np.fromiter(
        (index.setdefault(s, len(index)) for t in taught for s in t), dtype=np.int64, count=sum(map(len, taught))
    )
    if not len(element):
        return element, element, element
    holder = np.repeat(np.arange(len(taught), dtype=np.int64), [len(t) for t in taught])
    by_element = np.lexsort((holder, element))
    element, holder = element[by_element], holder[by_element]
    starts = np.flatnonzero(np.r_[True, element[1:] != element[:-1]])
    group_end = np.repeat(np.r_[starts[1:], len(element)], np.diff(np.r_[starts, len(element)]))
    after = group_end - np.arange(len(element)) - 1
    left = np.repeat(np.arange(len(element)), after)
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(after) - after, after) + 1
    a, b = holder[left], holder[left + offsets]
    n = len(taught)
    codes, counts = np.unique(a * n + b, return_counts=True)
    return codes // n, codes % n, counts


def provider_credentials(g: SkillGraph, provider: str) -> list[str]:
    """Ids of the credentials whose provider is ``provider`` (compared case-insensitively), sorted.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential
    >>> g = SkillGraph(Catalogue(credentials=(Credential(id="b", name="B", provider="Acme"),
    ...     Credential(id="a", name="A", provider="acme"), Credential(id="c", name="C", provider="Other"))))
    >>> provider_credentials(g, "ACME")
    ['a', 'b']
    """
    key = provider.strip().casefold()
    return sorted(c.id for c in g.credentials.values() if c.provider.strip().casefold() == key)


def unique_skills(g: SkillGraph, provider: str) -> dict[str, tuple[str, ...]]:
    """Skills only ``provider``'s credentials teach, each with those credentials, sorted by skill id.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, TaughtSkill
    >>> def cred(ident, provider, *skills):
    ...     return Credential(id=ident, name=ident, provider=provider,
    ...                       teaches=tuple(TaughtSkill(skill=s) for s in skills))
    >>> g = SkillGraph(Catalogue(credentials=(cred("x", "Acme", "a", "b"), cred("y", "Other", "b"))))
    >>> unique_skills(g, "acme")
    {'a': ('x',)}
    """
    own = set(provider_credentials(g, provider))
    out: dict[str, tuple[str, ...]] = {}
    for sid in sorted({s for c in own for s in g.credentials[c].taught_skill_ids}):
        teachers = g.teachers(sid)
        if all(t in own for t in teachers):
            out[sid] = teachers
    return out


def taught_by(g: SkillGraph, credentials: Iterable[str]) -> set[str]:
    """Every skill at least one of ``credentials`` teaches.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, TaughtSkill
    >>> g = SkillGraph(Catalogue(credentials=(Credential(id="x", name="X", provider="P",
    ...     teaches=(TaughtSkill(skill="a"),)),)))
    >>> taught_by(g, ["x", "unknown"])
    {'a'}
    """
    return {s for c in credentials if c in g.credentials for s in g.credentials[c].taught_skill_ids}


def reachable_skills(g: SkillGraph, allowed: Callable[[str], bool] | None = None) -> frozenset[str]:
    """Skills a learner holding nothing can reach using only ``allowed`` credentials (default all).

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, SkillCondition, TaughtSkill
    >>> g = SkillGraph(Catalogue(credentials=(
    ...     Credential(id="x", name="X", provider="P", teaches=(TaughtSkill(skill="a"),)),
    ...     Credential(id="y", name="Y", provider="Q", requires=SkillCondition(skill="a"),
    ...                teaches=(TaughtSkill(skill="b"),)))))
    >>> sorted(reachable_skills(g)), sorted(reachable_skills(g, allowed=lambda c: c == "y"))
    (['a', 'b'], [])
    """
    return (attainable(g) if allowed is None else attainable(g, allowed=allowed)).skills
