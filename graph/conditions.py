"""Pure functions over requirement condition trees: evaluation, witnesses and leaves."""

from __future__ import annotations

from collections.abc import Callable

from graph.model import (
    Condition,
    CredentialCondition,
    Gate,
    Kind,
    SkillCondition,
    iter_leaves,
    requirement_parts,
)

Leaf = tuple[Kind, str]
"""A condition leaf as ``(kind, id)`` with kind ``Kind.skill`` or ``Kind.credential`` (equal to their strings)."""

Holds = Callable[[Leaf], bool]


def leaf_key(leaf: SkillCondition | CredentialCondition) -> Leaf:
    """``("skill", id)`` or ``("credential", id)`` for a leaf condition.

    Examples
    --------
    >>> leaf_key(SkillCondition(skill="s1"))
    ('skill', 's1')
    """
    if isinstance(leaf, SkillCondition):
        return (Kind.skill, leaf.skill)
    return (Kind.credential, leaf.credential)


def leaves(condition: Condition | None) -> list[Leaf]:
    """Every distinct leaf of a condition, in first-seen order.

    Examples
    --------
    >>> from graph.model import AllOf, AnyOf
    >>> c = AnyOf(any_of=(SkillCondition(skill="a"), AllOf(all_of=(CredentialCondition(credential="b"),
    ...     SkillCondition(skill="a")))))
    >>> leaves(c)
    [('skill', 'a'), ('credential', 'b')]
    """
    if condition is None:
        return []
    return list(dict.fromkeys(leaf_key(leaf) for leaf in iter_leaves(condition)))


def is_met(condition: Condition | None, holds: Holds) -> bool:
    """Whether ``condition`` holds when ``holds(leaf)`` says which leaves are available.

    Examples
    --------
    >>> from graph.model import AtLeast
    >>> c = AtLeast(at_least=2, of=(SkillCondition(skill="a"), SkillCondition(skill="b"),
    ...     SkillCondition(skill="c")))
    >>> is_met(c, lambda leaf: leaf[1] in {"a", "c"})
    True
    >>> is_met(c, lambda leaf: leaf[1] == "a")
    False
    """
    return witness(condition, holds) is not None


def witness(condition: Condition | None, holds: Holds) -> list[Leaf] | None:
    """A set of available leaves that satisfies ``condition``, or None when it is not met.

    For ANY and AT-LEAST nodes the witness takes the first satisfied children in catalogue order,
    so the result is deterministic.

    Examples
    --------
    >>> from graph.model import AnyOf
    >>> c = AnyOf(any_of=(CredentialCondition(credential="x"), SkillCondition(skill="y")))
    >>> witness(c, lambda leaf: leaf == ("skill", "y"))
    [('skill', 'y')]
    >>> witness(None, lambda leaf: False)
    []
    """
    if condition is None:
        return []
    parts = requirement_parts(condition)
    if parts is None:
        assert isinstance(condition, (SkillCondition, CredentialCondition))
        key = leaf_key(condition)
        return [key] if holds(key) else None
    used: list[Leaf] = []
    satisfied = 0
    for child in parts.children:
        w = witness(child, holds)
        if w is None:
            if parts.gate == Gate.all_of:
                return None
            continue
        used.extend(w)
        satisfied += 1
        if satisfied == parts.needed:
            return list(dict.fromkeys(used))
    return None


def describe(condition: Condition | None, label: Callable[[Leaf], str] = lambda leaf: leaf[1]) -> str:
    """A one-line human reading of a condition tree.

    Examples
    --------
    >>> from graph.model import AllOf, AnyOf, AtLeast
    >>> describe(AtLeast(at_least=1, of=(SkillCondition(skill="a"), CredentialCondition(credential="b"))))
    '1 of (a, b)'
    >>> describe(AllOf(all_of=(SkillCondition(skill="a"), AnyOf(any_of=(SkillCondition(skill="b"),
    ...     SkillCondition(skill="c"))))))
    'a and (b or c)'
    """
    if condition is None:
        return "nothing"
    parts = requirement_parts(condition)
    if parts is None:
        assert isinstance(condition, (SkillCondition, CredentialCondition))
        return label(leaf_key(condition))

    def part(child: Condition) -> str:
        text = describe(child, label)
        inner = requirement_parts(child)
        return f"({text})" if inner is not None and len(inner.children) > 1 else text

    if parts.gate == Gate.all_of:
        return " and ".join(part(c) for c in parts.children)
    if parts.gate == Gate.any_of:
        return " or ".join(part(c) for c in parts.children)
    return f"{parts.needed} of ({', '.join(describe(c, label) for c in parts.children)})"
