"""Stackable credentials: what a sequence of steps earns on the way, and cycles among stacks' parts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from graph.conditions import is_met, witness
from graph.holdings import Holdings
from graph.model import Kind
from graph.skillgraph import SkillGraph


@dataclass(frozen=True)
class EarnedStack:
    """A stacked credential earned by its parts alone, the step after which it is earned, and the steps it rests on."""

    credential_id: str
    after_step: int
    via: tuple[str, ...]


def stacked_ids(g: SkillGraph) -> tuple[str, ...]:
    """Ids of the credentials that have an award rule, in catalogue order.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, CredentialCondition
    >>> g = SkillGraph(Catalogue(credentials=(Credential(id="b", name="B", provider="P"),
    ...     Credential(id="s", name="S", provider="P", awarded_for=CredentialCondition(credential="b")))))
    >>> stacked_ids(g)
    ('s',)
    """
    return tuple(c.id for c in g.credentials.values() if c.awarded_for is not None)


def earned_along(g: SkillGraph, held: Holdings, order: Sequence[str]) -> list[EarnedStack]:
    """The stacks earned by their parts alone (no capstone) that taking ``order`` after ``held`` earns.

    After each step every such stack whose effective requirement (its award rule and its own requirements)
    now holds is earned, and counts from then on, so a stack of stacks is earned too. Stacks that are held
    already, that are steps themselves, or that held items alone would earn are not listed. ``via`` names the
    steps among the witness of the stack's award rule, in step order.

    Examples
    --------
    >>> from graph.model import AtLeast, Catalogue, Credential, CredentialCondition
    >>> parts = tuple(Credential(id=f"b{i}", name=f"B{i}", provider="P", hours=5) for i in range(1, 4))
    >>> cert = Credential(id="cert", name="Cert", provider="P", awarded_for=AtLeast(at_least=2, of=tuple(
    ...     CredentialCondition(credential=f"b{i}") for i in range(1, 4))))
    >>> g = SkillGraph(Catalogue(credentials=(*parts, cert)))
    >>> earned_along(g, Holdings(), ["b3", "b1", "b2"])
    [EarnedStack(credential_id='cert', after_step=2, via=('b3', 'b1'))]
    >>> earned_along(g, Holdings(credentials=["b2"]), ["b1"])
    [EarnedStack(credential_id='cert', after_step=1, via=('b1',))]
    """
    candidates = [
        cid
        for cid in stacked_ids(g)
        if g.credentials[cid].earned_by_parts and cid not in held.credentials and cid not in order
    ]
    have = held.copy()
    _earn(g, have, candidates)
    pending = [c for c in candidates if c not in have.credentials]
    position = {cid: n for n, cid in enumerate(order, start=1)}
    out: list[EarnedStack] = []
    for n, cid in enumerate(order, start=1):
        if cid not in g.credentials:
            continue
        have.gain(g, cid)
        for stack in _earn(g, have, pending):
            used = witness(g.credentials[stack].awarded_for, have.__contains__) or []
            via = sorted((i for k, i in used if k == Kind.credential and i in position), key=position.__getitem__)
            out.append(EarnedStack(stack, n, tuple(via)))
        pending = [c for c in pending if c not in have.credentials]
    return out


def _earn(g: SkillGraph, have: Holdings, candidates: Sequence[str]) -> list[str]:
    """Gain every candidate whose requirement holds, repeating until none is added; the ones gained, in order."""
    gained: list[str] = []
    changed = True
    while changed:
        changed = False
        for cid in candidates:
            if cid not in have.credentials and is_met(g.effective_requirement(cid), have.__contains__):
                have.gain(g, cid)
                gained.append(cid)
                changed = True
    return gained


def part_cycles(g: SkillGraph) -> list[list[str]]:
    """One cycle (credential ids, from the smallest) per knot of stacks that are parts of each other.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, CredentialCondition
    >>> g = SkillGraph(Catalogue(credentials=(
    ...     Credential(id="a", name="A", provider="P", awarded_for=CredentialCondition(credential="b")),
    ...     Credential(id="b", name="B", provider="P", awarded_for=CredentialCondition(credential="a")))))
    >>> part_cycles(g)
    [['a', 'b']]
    """
    sub = nx.DiGraph()
    for cid in stacked_ids(g):
        sub.add_edges_from((part, cid) for part in g.credentials[cid].part_ids)
    out = []
    for comp in nx.strongly_connected_components(sub):
        if len(comp) < 2:
            continue
        cycle = [u for u, _ in nx.find_cycle(sub.subgraph(comp), source=min(comp))]
        i = cycle.index(min(cycle))
        out.append(cycle[i:] + cycle[:i])
    return sorted(out)
