"""Gap analysis algorithms: ranking, coverage, unmeetable credentials and overlaps against brute force."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.catalogue_gen import generate_catalogue
from graph.conditions import describe, is_met
from graph.conditions import leaves as leaves_of
from graph.gaps import (
    missing_skills,
    occupation_coverage,
    occupations_matching,
    overlapping_credentials,
    unique_skills,
    unmeetable_credentials,
    unmet_requirement,
)
from graph.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Catalogue,
    Credential,
    CredentialCondition,
    Occupation,
    Skill,
    SkillCondition,
    TaughtSkill,
)
from graph.skillgraph import SkillGraph


def cred(ident: str, *skills: str, provider: str = "P", requires: object = None) -> Credential:
    return Credential(
        id=ident,
        name=ident.upper(),
        provider=provider,
        teaches=tuple(TaughtSkill(skill=s) for s in skills),
        requires=requires,  # type: ignore[arg-type]
    )


def test_missing_skills_rank_essential_demand_before_optional_only() -> None:
    occs = tuple(
        Occupation(id=f"o{i}", label=f"O{i}", essential_skills=ess, optional_skills=opt)
        for i, (ess, opt) in enumerate([(("a", "b"), ("c", "d")), (("b",), ("c", "d")), (("e",), ("d",))])
    )
    g = SkillGraph(Catalogue(occupations=occs, credentials=(cred("x", "e"),)))
    ranked = missing_skills(g, ["o0", "o1", "o2"], {"e"})
    assert [(m.skill, len(m.essential_for), len(m.optional_for)) for m in ranked] == [
        ("b", 2, 0),
        ("a", 1, 0),
        ("d", 0, 3),
        ("c", 0, 2),
    ]


def test_a_skill_essential_for_one_and_optional_for_another_counts_once_each() -> None:
    occ = Occupation(id="o", label="O", essential_skills=("a",), optional_skills=("a",))
    (gap,) = missing_skills(SkillGraph(Catalogue(occupations=(occ,))), ["o"], set())
    assert gap.essential_for == ("o",) and gap.optional_for == ()


def test_coverage_separates_taught_from_reachable() -> None:
    cat = Catalogue(
        skills=(Skill(id="a", label="A", prerequisites=("z",)), Skill(id="b", label="B")),
        credentials=(cred("ca", "a"), cred("cb", "b")),
        occupations=(Occupation(id="o", label="O", essential_skills=("a", "b")),),
    )
    g = SkillGraph(cat)
    (cov,) = occupation_coverage(g, ["o"], {"a", "b"}, {"b"})
    assert (cov.taught, cov.fraction, cov.reachable, cov.full_plan) == (2, 1.0, 1, False)


def test_unmet_requirement_is_exactly_what_fails() -> None:
    req = AtLeast(
        at_least=2,
        of=(SkillCondition(skill="a"), SkillCondition(skill="b"), CredentialCondition(credential="c")),
    )
    have = {("skill", "a")}
    unmet = unmet_requirement(req, have.__contains__)
    assert describe(unmet) == "1 of (b, c)"
    assert unmet_requirement(AllOf(all_of=(req,)), lambda leaf: True) is None
    assert unmet_requirement(AnyOf(any_of=(SkillCondition(skill="q"),)), have.__contains__) is not None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4),
    st.lists(st.sampled_from([("skill", s) for s in "abcd"] + [("credential", "x")]), min_size=1, max_size=4),
    st.integers(1, 4),
)
def test_unmet_part_is_unmet_and_meeting_it_meets_the_whole(
    held: list[str], leaves: list[tuple[str, str]], n: int
) -> None:
    """Whatever holds: the unmet part fails, and holding its leaves as well satisfies the requirement."""
    children = tuple(SkillCondition(skill=i) if k == "skill" else CredentialCondition(credential=i) for k, i in leaves)
    req = AllOf(all_of=(AtLeast(at_least=min(n, len(children)), of=children), AnyOf(any_of=children)))

    def holds(leaf: tuple[str, str]) -> bool:
        return leaf[0] == "skill" and leaf[1] in held

    unmet = unmet_requirement(req, holds)
    assert (unmet is None) == is_met(req, holds)
    if unmet is not None:
        assert not is_met(unmet, holds)
        extra = set(leaves_of(unmet))
        assert is_met(req, lambda leaf: holds(leaf) or leaf in extra)


def test_unmeetable_credentials_name_the_unmet_leaf_and_the_cycle() -> None:
    cat = Catalogue(
        credentials=(
            cred("ok", "s"),
            cred("needs-s", "t", requires=SkillCondition(skill="s")),
            cred("needs-q", "u", requires=AllOf(all_of=(SkillCondition(skill="s"), SkillCondition(skill="q")))),
            cred("loop1", "v", requires=CredentialCondition(credential="loop2")),
            cred("loop2", "w", requires=CredentialCondition(credential="loop1")),
        )
    )
    found = {u.credential: u for u in unmeetable_credentials(SkillGraph(cat))}
    assert sorted(found) == ["loop1", "loop2", "needs-q"]
    assert found["needs-q"].unmet_leaves == (("skill", "q"),)
    assert found["needs-q"].cycle == ()
    assert found["loop1"].cycle == (("credential", "loop1"), ("credential", "loop2"))
    assert [u.credential for u in unmeetable_credentials(SkillGraph(cat), ["loop2", "ok"])] == ["loop2"]


def test_overlaps_match_brute_force_on_a_generated_catalogue() -> None:
    g = SkillGraph(generate_catalogue(400, seed=3).catalogue)
    ids = sorted(g.credentials)
    expected = {}
    for a, b in itertools.combinations(ids, 2):
        x, y = set(g.credentials[a].taught_skill_ids), set(g.credentials[b].taught_skill_ids)
        if x & y and len(x & y) / len(x | y) >= 0.4:
            expected[(a, b)] = len(x & y) / len(x | y)
    found = overlapping_credentials(g, ids, min_share=0.4)
    assert {(o.first, o.second): o.share for o in found} == expected
    assert expected, "the generated catalogue should have overlapping credentials"
    shares = [o.share for o in found]
    assert shares == sorted(shares, reverse=True)


def test_overlaps_of_nothing_and_of_credentials_teaching_nothing() -> None:
    g = SkillGraph(Catalogue(credentials=(cred("x"), cred("y"))))
    assert overlapping_credentials(g, []) == []
    assert overlapping_credentials(g, ["x", "y"], min_share=0.0) == []


def test_unique_skills_exclude_skills_another_provider_teaches() -> None:
    g = SkillGraph(
        Catalogue(credentials=(cred("x", "a", "b", provider="Acme"), cred("y", "b", provider="Beta"), cred("z", "a")))
    )
    assert unique_skills(g, "Acme") == {}
    assert unique_skills(g, "beta") == {}
    assert unique_skills(g, "P") == {}
    g2 = SkillGraph(Catalogue(credentials=(cred("x", "a", provider="Acme"), cred("w", "a", "c", provider="Acme"))))
    assert unique_skills(g2, "acme") == {"a": ("w", "x"), "c": ("w",)}


def test_area_matches_whole_words_or_isco_prefixes() -> None:
    occs = (
        Occupation(id="1", label="data analyst", alt_ids=("2511.4",)),
        Occupation(id="2", label="metadata librarian", alt_ids=("2622.1",)),
        Occupation(id="3", label="nurse", alt_labels=("data nurse",), alt_ids=("http://x/2511",)),
    )
    g = SkillGraph(Catalogue(occupations=occs))
    assert occupations_matching(g, "DATA") == ["1", "3"]
    assert occupations_matching(g, "2511") == ["1"]
    assert occupations_matching(g, "2") == ["1", "2"]
    assert occupations_matching(g, "  ") == []
