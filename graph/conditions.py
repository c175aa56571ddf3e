"""Pure functions over requirement condition trees: evaluation, witnesses and leaves."""

from __future__ import annotations

from collections.abc import Callable

from graph.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    CredentialCondition,
    SkillCondition,
    condition_children,
    iter_leaves,
)

Leaf = tuple[str, str]
"""A condition leaf as ``(kind, id)`` with kind ``"skill"`` or ``"credential"``."""

Holds = Callable[[Leaf], bool]


def leaf_key(leaf: SkillCondition | CredentialCondition) -> Leaf:
    """``("skill", id)`` or ``("credential", id)`` for a leaf condition.

    Examples
    --------
    >>> leaf_key(SkillCondition(skill="s1"))
    ('skill', 's1')
    """
    if isinstance(leaf, SkillCondition):
        return ("skill", leaf.skill)
    return ("credential", leaf.credential)


def leaves(condition: Condition | None) -> list[Leaf]:
    """Every distinct leaf of a condition, in first-seen order.

    Examples
    --------
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
    >>> c = AnyOf(any_of=(CredentialCondition(credential="x"), SkillCondition(skill="y")))
    >>> witness(c, lambda leaf: leaf == ("skill", "y"))
    [('skill', 'y')]
    >>> witness(None, lambda leaf: False)
    []
    """
    if condition is None:
        return []
    if isinstance(condition, (SkillCondition, CredentialCondition)):
        key = leaf_key(condition)
        return [key] if holds(key) else None
    if isinstance(condition, AllOf):
        needed, found = len(condition.all_of), condition.all_of
    elif isinstance(condition, AnyOf):
        needed, found = 1, condition.any_of
    else:
        assert isinstance(condition, AtLeast)
        needed, found = condition.at_least, condition.of
    used: list[Leaf] = []
    satisfied = 0
    for child in found:
        w = witness(child, holds)
        if w is None:
            if isinstance(condition, AllOf):
                return None
            continue
        used.extend(w)
        satisfied += 1
        if satisfied == needed:
            return list(dict.fromkeys(used))
    return None


def describe(condition: Condition | None, label: Callable[[Leaf], str] = lambda leaf: leaf[1]) -> str:
    """A one-line human reading of a condition tree.

    Examples
    --------
    >>> describe(AtLeast(at_least=1, of=(SkillCondition(skill="a"), CredentialCondition(credential="b"))))
    '1 of (a, b)'
    >>> describe(AllOf(all_of=(SkillCondition(skill="a"), AnyOf(any_of=(SkillCondition(skill="b"),
    ...     SkillCondition(skill="c"))))))
    'a and (b or c)'
    """
    if condition is None:
        return "nothing"
    if isinstance(condition, (SkillCondition, CredentialCondition)):
        return label(leaf_key(condition))

    def part(child: Condition) -> str:
        text = describe(child, label)
        return f"({text})" if condition_children(child) and len(condition_children(child)) > 1 else text

    if isinstance(condition, AllOf):
        return " and ".join(part(c) for c in condition.all_of)
    if isinstance(condition, AnyOf):
        return " or ".join(part(c) for c in condition.any_of)
    assert isinstance(condition, AtLeast)
    return f"{condition.at_least} of ({', '.join(describe(c, label) for c in condition.of)})"
