"""Pure graph algorithms over a SkillGraph: attainability, closure, ordering, stages, cycles, gaps."""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.conditions import Leaf, is_met, witness
from graph.errors import PlanVerificationError
from graph.holdings import Holdings
from graph.model import Kind
from graph.skillgraph import SkillGraph


def _always(_: str) -> bool:
    return True


@dataclass(frozen=True)
class Attainable:
    """What a learner can reach from what they hold: credentials in a valid order, and skills."""

    order: tuple[str, ...]
    credentials: frozenset[str]
    skills: frozenset[str]


def attainable(
    g: SkillGraph,
    held_credentials: Collection[str] = (),
    held_skills: Collection[str] = (),
    allowed: Callable[[str], bool] = _always,
) -> Attainable:
    """Forward chaining: every credential whose requirements can eventually be met, in a valid order.

    Credentials become available in id order among those ready at the same time, so the result is
    stable. Held credentials are not repeated in ``order``.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, Skill, TaughtSkill, SkillCondition
    >>> cat = Catalogue(skills=(Skill(id="a", label="A"), Skill(id="b", label="B")), credentials=(
    ...     Credential(id="c2", name="C2", provider="P", requires=SkillCondition(skill="a"),
    ...                teaches=(TaughtSkill(skill="b"),)),
    ...     Credential(id="c1", name="C1", provider="P", teaches=(TaughtSkill(skill="a"),))))
    >>> attainable(SkillGraph(cat)).order
    ('c1', 'c2')
    >>> attainable(SkillGraph(cat), allowed=lambda c: c != "c1").order
    ()
    """
    have = Holdings.of(g, held_credentials, held_skills)
    order = forward_chain(g, [c for c in g.credentials if c not in have.credentials and allowed(c)], have)
    return Attainable(tuple(order), frozenset(have.credentials), frozenset(have.skills))


def requirement_closure(
    g: SkillGraph,
    skills: Iterable[str] = (),
    credentials: Iterable[str] = (),
    allowed: Callable[[str], bool] = _always,
    held_skills: Collection[str] = (),
    held_credentials: Collection[str] = (),
) -> tuple[frozenset[str], frozenset[str]]:
    """Backward closure: every allowed credential and skill that reaching the targets could involve.

    Held items are not expanded: their own prerequisites do not matter.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, Skill, TaughtSkill
    >>> cat = Catalogue(skills=(Skill(id="a", label="A"), Skill(id="b", label="B", prerequisites=("a",))),
    ...     credentials=(Credential(id="ca", name="CA", provider="P", teaches=(TaughtSkill(skill="a"),)),
    ...                  Credential(id="cb", name="CB", provider="P", teaches=(TaughtSkill(skill="b"),))))
    >>> creds, sks = requirement_closure(SkillGraph(cat), skills=["b"])
    >>> sorted(creds), sorted(sks)
    (['ca', 'cb'], ['a', 'b'])
    >>> sorted(requirement_closure(SkillGraph(cat), skills=["b"], held_skills={"a"})[0])
    ['cb']
    """
    held = Holdings(held_credentials, held_skills)
    seen: set[Leaf] = set()
    queue: deque[Leaf] = deque([(Kind.skill, s) for s in skills] + [(Kind.credential, c) for c in credentials])
    while queue:
        leaf = queue.popleft()
        if leaf in seen or leaf in held:
            continue
        kind, ident = leaf
        if kind == Kind.skill:
            seen.add(leaf)
            queue.extend((Kind.credential, c) for c in g.teachers(ident) if allowed(c))
        elif ident in g.credentials and allowed(ident):
            seen.add(leaf)
            queue.extend(g.requirement_leaves(ident))
    return (
        frozenset(i for k, i in seen if k == Kind.credential),
        frozenset(i for k, i in seen if k == Kind.skill),
    )


def order_credentials(
    g: SkillGraph,
    chosen: Collection[str],
    held_credentials: Collection[str] = (),
    held_skills: Collection[str] = (),
    key: Callable[[str], Any] | None = None,
) -> tuple[list[str], list[str]]:
    """A stable topological order of ``chosen``: each starts only once its requirements are met.

    Among credentials ready at the same time the smallest ``key`` (default: the id) goes first, as
    in ``networkx.lexicographical_topological_sort``. Returns ``(order, stuck)``; ``stuck`` lists the
    chosen credentials that can never start from the held items and the other chosen ones.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, CredentialCondition
    >>> cat = Catalogue(credentials=(
    ...     Credential(id="z", name="Z", provider="P"),
    ...     Credential(id="y", name="Y", provider="P", requires=CredentialCondition(credential="z")),
    ...     Credential(id="a", name="A", provider="P")))
    >>> order_credentials(SkillGraph(cat), {"a", "y", "z"})
    (['a', 'z', 'y'], [])
    >>> order_credentials(SkillGraph(cat), {"y"})
    ([], ['y'])
    """
    have = Holdings.of(g, held_credentials, held_skills)
    pending = {c for c in chosen if c not in have.credentials}
    order = forward_chain(g, [c for c in pending if c in g.credentials], have, key)
    return order, sorted(pending.difference(order))


def forward_chain(
    g: SkillGraph, candidates: Iterable[str], have: Holdings, key: Callable[[str], Any] | None = None
) -> list[str]:
    """Take candidates as soon as their requirements are met, smallest ``key`` first; ``have`` grows.

    The one forward-chaining routine under :func:`attainable` and :func:`order_credentials`. Among
    candidates ready at the same time the smallest ``key`` (default: the id) goes first. Candidates
    that never become ready are left out of the returned order.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, CredentialCondition, TaughtSkill, SkillCondition
    >>> cat = Catalogue(credentials=(
    ...     Credential(id="b", name="B", provider="P", teaches=(TaughtSkill(skill="s"),)),
    ...     Credential(id="a", name="A", provider="P", requires=SkillCondition(skill="s")),
    ...     Credential(id="c", name="C", provider="P", requires=CredentialCondition(credential="x"))))
    >>> have = Holdings()
    >>> forward_chain(SkillGraph(cat), ["a", "b", "c"], have), sorted(have.skills)
    (['b', 'a'], ['s'])
    """
    sort_key = key or (lambda c: c)
    waiting: dict[Leaf, list[str]] = defaultdict(list)
    heap: list[tuple[Any, str]] = []
    for c in candidates:
        if is_met(g.effective_requirement(c), have.__contains__):
            heap.append((sort_key(c), c))
        else:
            for leaf in g.requirement_leaves(c):
                if leaf not in have:
                    waiting[leaf].append(c)
    heapq.heapify(heap)
    queued = {c for _, c in heap}
    order: list[str] = []
    while heap:
        _, first = heapq.heappop(heap)
        order.append(first)
        for leaf in have.gain(g, first):
            for other in waiting.pop(leaf, ()):
                if other not in queued and is_met(g.effective_requirement(other), have.__contains__):
                    queued.add(other)
                    heapq.heappush(heap, (sort_key(other), other))
    return order


def stages(
    g: SkillGraph,
    order: list[str],
    held_credentials: Collection[str] = (),
    held_skills: Collection[str] = (),
) -> dict[str, tuple[int, list[Leaf]]]:
    """Stage and witness of each ordered credential.

    A credential's stage is the smallest k such that its requirements are met by held items and
    earlier steps of stage below k; the witness lists the leaves that meet them. Steps in one stage
    never rely on each other, so they can run in parallel, and sorting by stage keeps the order valid.

    Raises
    ------
    PlanVerificationError
        If a credential in ``order`` comes before its requirements are met.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, CredentialCondition
    >>> cat = Catalogue(credentials=(Credential(id="a", name="A", provider="P"),
    ...     Credential(id="b", name="B", provider="P"),
    ...     Credential(id="c", name="C", provider="P", requires=CredentialCondition(credential="a"))))
    >>> {c: s for c, (s, _) in stages(SkillGraph(cat), ["a", "b", "c"]).items()}
    {'a': 1, 'b': 1, 'c': 2}
    >>> stages(SkillGraph(cat), ["a", "b", "c"])["c"][1]
    [('credential', 'a')]
    """
    have = Holdings.of(g, held_credentials, held_skills)
    ordered = list(order)
    while True:
        result = _stage_pass(g, ordered, have)
        by_stage = sorted(ordered, key=lambda c: result[c][0])
        if by_stage == ordered:
            return result
        ordered = by_stage


def _stage_pass(g: SkillGraph, order: list[str], have: Holdings) -> dict[str, tuple[int, list[Leaf]]]:
    """One pass of :func:`stages` over ``order``.

    A later credential of a lower stage may provide a leaf that an earlier one already staged on, so
    :func:`stages` repeats passes over the order sorted by stage until the stages stop changing: each pass
    can only lower a stage, and at the fixed point every step's stage is one after the latest stage it
    relies on, counting each leaf from its first provider.
    """
    result: dict[str, tuple[int, list[Leaf]]] = {}
    provided_at: dict[Leaf, int] = {}
    for cid in order:
        requirement = g.effective_requirement(cid)
        top = max(provided_at.values(), default=0) + 1
        for k in range(1, top + 1):

            def holds(leaf: Leaf, k: int = k) -> bool:
                return leaf in have or provided_at.get(leaf, k) < k

            used = witness(requirement, holds)
            if used is not None:
                result[cid] = (k, used)
                break
        else:
            raise PlanVerificationError(f"credential {cid!r} is ordered before its requirements are met")
        stage = result[cid][0]
        for leaf in [(Kind.credential, cid)] + [(Kind.skill, s) for s in g.credentials[cid].taught_skill_ids]:
            provided_at[leaf] = min(provided_at.get(leaf, stage), stage)
    return result


def skill_prerequisite_cycles(g: SkillGraph) -> list[list[str]]:
    """One cycle (skill ids in order) per strongly connected knot of skill prerequisites.

    Examples
    --------
    >>> from graph.model import Catalogue, Skill
    >>> cat = Catalogue(skills=(Skill(id="a", label="A", prerequisites=("b",)),
    ...     Skill(id="b", label="B", prerequisites=("a",)), Skill(id="c", label="C", prerequisites=("c",))))
    >>> skill_prerequisite_cycles(SkillGraph(cat))
    [['a', 'b'], ['c']]
    """
    sub = nx.DiGraph()
    for s in g.skills.values():
        sub.add_node(s.id)
        sub.add_edges_from((p, s.id) for p in s.prerequisites)
    return _cycles(sub)


def dependency_cycles(g: SkillGraph, nodes: Collection[Leaf]) -> list[list[Leaf]]:
    """Cycles among ``nodes`` in the requires/teaches graph: why those credentials can never start.

    Each cycle is listed from its smallest node, in dependency order.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, CredentialCondition
    >>> cat = Catalogue(credentials=(
    ...     Credential(id="a", name="A", provider="P", requires=CredentialCondition(credential="b")),
    ...     Credential(id="b", name="B", provider="P", requires=CredentialCondition(credential="a"))))
    >>> dependency_cycles(SkillGraph(cat), {("credential", "a"), ("credential", "b")})
    [[('credential', 'a'), ('credential', 'b')]]
    """
    keep = set(nodes)
    sub = nx.DiGraph()
    for u, v, rel in g.nx.edges(data="rel"):
        if rel in ("requires", "teaches", "prerequisite", "part_of") and u in keep and v in keep:
            sub.add_edge(u, v)
    return _cycles(sub)


def _cycles(sub: nx.DiGraph) -> list[list]:  # type: ignore[type-arg]
    out = []
    for comp in nx.strongly_connected_components(sub):
        if len(comp) == 1:
            (node,) = comp
            if not sub.has_edge(node, node):
                continue
            out.append([node])
            continue
        start = min(comp)
        cycle = nx.find_cycle(sub.subgraph(comp), source=start)
        nodes = [u for u, _ in cycle]
        i = nodes.index(min(nodes))
        out.append(nodes[i:] + nodes[:i])
    return sorted(out)


@dataclass(frozen=True)
class Gap:
    """A skill that occupations demand and no credential in the catalogue teaches."""

    skill: str
    label: str
    essential_for: tuple[str, ...]
    optional_for: tuple[str, ...]


def catalogue_gaps(g: SkillGraph) -> list[Gap]:
    """Skills that occupations need and nothing teaches, most demanded first.

    Examples
    --------
    >>> from graph.model import Catalogue, Occupation, Skill
    >>> cat = Catalogue(skills=(Skill(id="s", label="S"),),
    ...     occupations=(Occupation(id="o", label="O", essential_skills=("s",)),))
    >>> [(gap.skill, gap.essential_for) for gap in catalogue_gaps(SkillGraph(cat))]
    [('s', ('o',))]
    """
    essential: dict[str, list[str]] = defaultdict(list)
    optional: dict[str, list[str]] = defaultdict(list)
    for o in g.occupations.values():
        for s in o.essential_skills:
            essential[s].append(o.id)
        for s in o.optional_skills:
            optional[s].append(o.id)
    gaps = [
        Gap(
            skill=s,
            label=g.label((Kind.skill, s)),
            essential_for=tuple(sorted(essential.get(s, ()))),
            optional_for=tuple(sorted(optional.get(s, ()))),
        )
        for s in set(essential) | set(optional)
        if not g.teachers(s)
    ]
    return sorted(gaps, key=lambda x: (-len(x.essential_for), -len(x.optional_for), x.label, x.skill))
