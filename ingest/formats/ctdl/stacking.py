"""Stacked credentials in CTDL: the award rule of a credential made of parts (hasPart, isPartOf, "N of these")."""

from __future__ import annotations

from collections.abc import Collection

from graph.model import Condition, CredentialCondition, Gate, iter_leaves, requirement_parts
from ingest.formats.requires import all_of


def split_award_rule(requires: Condition | None, parts: Collection[str]) -> tuple[Condition | None, Condition | None]:
    """``(requires, awarded_for)`` of a credential whose parts are ``parts`` (its hasPart and isPartOf links).

    Each condition profile of ``requires`` that names only credentials, at least one of them a part, is the
    award rule ("N of these" is a profile with ``requiredNumber`` over ``targetCredential``); the rest stays a
    requirement. With no such profile the credential is awarded for all of its parts.

    Examples
    --------
    >>> from graph.model import AllOf, AtLeast, SkillCondition
    >>> rule = AtLeast(at_least=2, of=tuple(CredentialCondition(credential=c) for c in "abc"))
    >>> split_award_rule(AllOf(all_of=(rule, SkillCondition(skill="s"))), ["a"]) == (SkillCondition(skill="s"), rule)
    True
    >>> split_award_rule(None, ["a", "b"])[1]
    AllOf(all_of=(CredentialCondition(credential='a'), CredentialCondition(credential='b')))
    >>> split_award_rule(SkillCondition(skill="s"), [])
    (SkillCondition(skill='s'), None)
    """
    if not parts:
        return requires, None
    top = requirement_parts(requires) if requires is not None else None
    profiles: list[Condition] = [] if requires is None else [requires]
    if top is not None and top.gate == Gate.all_of:
        profiles = list(top.children)
    award = [p for p in profiles if _names_parts(p, parts)]
    rest = [p for p in profiles if p not in award]
    rule = all_of(award) or all_of([CredentialCondition(credential=c) for c in dict.fromkeys(parts)])
    return all_of(rest), rule


def _names_parts(condition: Condition, parts: Collection[str]) -> bool:
    leaves = list(iter_leaves(condition))
    return all(isinstance(leaf, CredentialCondition) for leaf in leaves) and any(
        isinstance(leaf, CredentialCondition) and leaf.credential in parts for leaf in leaves
    )
