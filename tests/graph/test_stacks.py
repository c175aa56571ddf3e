"""Stacked credentials in the model: award rules are validated, cycles and unknown parts are reported."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.holdings import Holdings
from graph.model import AllOf, AnyOf, AtLeast, Catalogue, Credential, CredentialCondition, SkillCondition
from graph.skillgraph import SkillGraph
from graph.stacks import earned_along, part_cycles
from graph.validate import validate


def cred(cid: str, **kw: object) -> Credential:
    return Credential(id=cid, name=cid.upper(), provider="P", **kw)  # type: ignore[arg-type]


def parts(*ids: str) -> tuple[CredentialCondition, ...]:
    return tuple(CredentialCondition(credential=i) for i in ids)


def test_award_rule_names_credentials_only() -> None:
    with pytest.raises(ValidationError, match="names skill 'sql'"):
        cred("cert", awarded_for=AnyOf(any_of=(SkillCondition(skill="sql"), *parts("b1"))))


def test_a_stack_is_not_its_own_part() -> None:
    with pytest.raises(ValidationError, match="lists the credential itself"):
        cred("cert", awarded_for=AllOf(all_of=parts("b1", "cert")))


def test_n_larger_than_the_distinct_parts_is_rejected() -> None:
    with pytest.raises(ValidationError, match="needs 2 parts but names only 1 distinct"):
        cred("cert", awarded_for=AtLeast(at_least=2, of=parts("b1", "b1")))


def test_earned_by_parts_only_without_a_capstone() -> None:
    rule = AtLeast(at_least=1, of=parts("b1", "b2"))
    assert cred("cert", awarded_for=rule).earned_by_parts
    assert not cred("cert", awarded_for=rule, hours=5).earned_by_parts
    assert not cred("cert", awarded_for=rule, cost=10).earned_by_parts
    assert not cred("course").earned_by_parts
    assert cred("cert", awarded_for=rule).part_ids == ("b1", "b2")


def test_validate_reports_unknown_parts_and_part_cycles_and_no_missing_hours_for_a_pure_stack() -> None:
    cat = Catalogue(
        credentials=(
            cred("b1", hours=3),
            cred("cert", awarded_for=AtLeast(at_least=1, of=parts("b1", "ghost"))),
            cred("x", hours=1, awarded_for=AllOf(all_of=parts("y", "b1"))),
            cred("y", hours=1, awarded_for=AllOf(all_of=parts("x"))),
        )
    )
    problems = {(p.code, p.pointer) for p in validate(SkillGraph(cat))}
    assert ("unknown_reference", "/credentials/1/awarded_for") in problems
    assert ("part_cycle", "/credentials/2/awarded_for") in problems
    assert not any(code == "missing_hours" and pointer.startswith("/credentials/1") for code, pointer in problems)
    assert part_cycles(SkillGraph(cat)) == [["x", "y"]]


def test_a_stack_of_stacks_is_earned_after_the_step_that_completes_its_parts() -> None:
    cat = Catalogue(
        credentials=(
            cred("b1", hours=1),
            cred("b2", hours=1),
            cred("b3", hours=1),
            cred("small", awarded_for=AllOf(all_of=parts("b1", "b2"))),
            cred("big", awarded_for=AllOf(all_of=parts("small", "b3"))),
            cred("capstone", hours=9, awarded_for=AllOf(all_of=parts("b1"))),
        )
    )
    g = SkillGraph(cat)
    earned = earned_along(g, Holdings(), ["b3", "b1", "b2"])
    assert [(e.credential_id, e.after_step, e.via) for e in earned] == [
        ("small", 3, ("b1", "b2")),
        ("big", 3, ("b3",)),
    ]
    assert earned_along(g, Holdings(credentials=["b1", "b2"]), ["b3"])[0].credential_id == "big"
