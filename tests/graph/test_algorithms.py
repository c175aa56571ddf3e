"""One test class per graph algorithm, on small hand-made catalogues with known answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from graph.algorithms import (
    attainable,
    catalogue_gaps,
    dependency_cycles,
    order_credentials,
    requirement_closure,
    skill_prerequisite_cycles,
    stages,
)
from graph.conditions import describe, is_met, leaves, witness
from graph.errors import PlanVerificationError
from graph.holdings import Holdings
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
from graph.validate import validate
from tests.strategies import dag_catalogues


def cred(cid: str, *teaches: str, requires: object = None, hours: float = 10, provider: str = "P") -> Credential:
    return Credential(
        id=cid,
        name=cid.upper(),
        provider=provider,
        teaches=tuple(TaughtSkill(skill=s) for s in teaches),
        requires=requires,  # type: ignore[arg-type]
        hours=hours,
    )


@pytest.fixture
def chain() -> SkillGraph:
    """xl -> sql -> analysis (needs sql and python) -> ml, with two ways to learn sql."""
    return SkillGraph(
        Catalogue(
            skills=(
                Skill(id="xl", label="Spreadsheets"),
                Skill(id="sql", label="SQL", prerequisites=("xl",)),
                Skill(id="py", label="Python"),
                Skill(id="da", label="Data analysis", prerequisites=("sql", "py")),
                Skill(id="ml", label="Machine learning", prerequisites=("da",)),
                Skill(id="ux", label="UX research"),
            ),
            credentials=(
                cred("c-xl", "xl"),
                cred("c-sql", "sql"),
                cred("c-sqlboot", "sql", "xl", hours=30),
                cred("c-py", "py"),
                cred(
                    "c-da",
                    "da",
                    requires=AnyOf(
                        any_of=(CredentialCondition(credential="c-sql"), CredentialCondition(credential="c-sqlboot"))
                    ),
                ),
                cred("c-ml", "ml"),
            ),
            occupations=(Occupation(id="o-ds", label="Data scientist", essential_skills=("ml", "ux")),),
        )
    )


class TestConditions:
    def test_at_least_counts_distinct_children(self) -> None:
        c = AtLeast(at_least=2, of=(SkillCondition(skill="a"), SkillCondition(skill="b"), SkillCondition(skill="c")))
        assert is_met(c, lambda leaf: leaf[1] in {"b", "c"})
        assert not is_met(c, lambda leaf: leaf[1] == "c")
        assert witness(c, lambda leaf: leaf[1] in {"a", "b", "c"}) == [("skill", "a"), ("skill", "b")]

    def test_nested_all_any(self) -> None:
        c = AllOf(
            all_of=(
                SkillCondition(skill="a"),
                AnyOf(any_of=(CredentialCondition(credential="x"), SkillCondition(skill="b"))),
            )
        )
        assert is_met(c, lambda leaf: leaf in {("skill", "a"), ("credential", "x")})
        assert not is_met(c, lambda leaf: leaf == ("credential", "x"))
        assert leaves(c) == [("skill", "a"), ("credential", "x"), ("skill", "b")]
        assert describe(c) == "a and (x or b)"

    def test_at_least_larger_than_children_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="at_least is 3"):
            AtLeast(at_least=3, of=(SkillCondition(skill="a"),))


class TestSkillGraph:
    def test_implicit_prerequisites_exclude_what_it_teaches(self, chain: SkillGraph) -> None:
        assert chain.implicit_prerequisites("c-sql") == ("xl",)
        assert chain.implicit_prerequisites("c-sqlboot") == ()
        assert chain.implicit_prerequisites("c-da") == ("sql", "py")

    def test_effective_requirement_combines_both(self, chain: SkillGraph) -> None:
        req = chain.effective_requirement("c-da")
        assert isinstance(req, AllOf)
        assert set(leaves(req)) == {
            ("credential", "c-sql"),
            ("credential", "c-sqlboot"),
            ("skill", "sql"),
            ("skill", "py"),
        }

    def test_held_credential_grants_its_skills(self, chain: SkillGraph) -> None:
        held = Holdings.from_ids(chain, ["c-sqlboot", "py"])
        assert held.credentials == {"c-sqlboot"}
        assert held.skills == {"sql", "xl", "py"}
        assert held.granted_via == {"sql": "c-sqlboot", "xl": "c-sqlboot"}
        assert ("skill", "xl") in held and ("credential", "c-sqlboot") in held
        assert ("credential", "py") not in held and ("skill", "c-sqlboot") not in held

    def test_alternative_ids_resolve(self) -> None:
        g = SkillGraph(
            Catalogue(credentials=(Credential(id="https://x/c1", alt_ids=("ce-123",), name="C", provider="P"),))
        )
        assert g.resolve("credential", "ce-123") == "https://x/c1"
        assert g.resolve("credential", "nope") is None

    def test_networkx_view_has_typed_edges(self, chain: SkillGraph) -> None:
        assert chain.nx.edges[("skill", "xl"), ("skill", "sql")]["rel"] == "prerequisite"
        assert chain.nx.edges[("credential", "c-sql"), ("credential", "c-da")]["rel"] == "requires"
        assert chain.nx.edges[("skill", "ml"), ("occupation", "o-ds")]["rel"] == "essential"


class TestAttainable:
    def test_everything_reachable_from_nothing_in_valid_order(self, chain: SkillGraph) -> None:
        reach = attainable(chain)
        assert set(reach.order) == set(chain.credentials)
        pos = {c: i for i, c in enumerate(reach.order)}
        assert pos["c-py"] < pos["c-da"] < pos["c-ml"]  # xl may come from c-sqlboot, so c-xl can be last
        assert min(pos["c-sql"], pos["c-sqlboot"]) < pos["c-da"]

    def test_disallowed_credentials_block_what_needs_them(self, chain: SkillGraph) -> None:
        blocked = {"c-sql", "c-sqlboot"}
        reach = attainable(chain, allowed=lambda c: c not in blocked)
        assert "c-da" not in reach.credentials and "c-ml" not in reach.credentials
        assert "sql" not in reach.skills

    def test_held_items_unlock(self, chain: SkillGraph) -> None:
        reach = attainable(chain, held_skills={"da"}, allowed=lambda c: c == "c-ml")
        assert reach.order == ("c-ml",)


class TestRequirementClosure:
    def test_closure_follows_teachers_and_requirements(self, chain: SkillGraph) -> None:
        creds, skills = requirement_closure(chain, skills=["ml"])
        assert creds == {"c-ml", "c-da", "c-sql", "c-sqlboot", "c-py", "c-xl"}
        assert skills == {"ml", "da", "sql", "py", "xl"}

    def test_held_skills_are_not_expanded(self, chain: SkillGraph) -> None:
        creds, _ = requirement_closure(chain, skills=["ml"], held_skills={"da"})
        assert creds == {"c-ml"}


class TestOrderCredentials:
    def test_key_breaks_ties(self, chain: SkillGraph) -> None:
        order, stuck = order_credentials(chain, {"c-xl", "c-py"}, key=lambda c: c != "c-xl")
        assert (order, stuck) == (["c-xl", "c-py"], [])

    def test_reports_credentials_that_cannot_start(self, chain: SkillGraph) -> None:
        order, stuck = order_credentials(chain, {"c-ml", "c-py"})
        assert order == ["c-py"] and stuck == ["c-ml"]

    @settings(max_examples=50, deadline=None)
    @given(cat=dag_catalogues())
    def test_order_of_attainable_set_is_always_valid(self, cat: Catalogue) -> None:
        g = SkillGraph(cat)
        reach = attainable(g)
        order, stuck = order_credentials(g, reach.credentials)
        assert not stuck
        have = Holdings()
        for c in order:
            assert is_met(g.effective_requirement(c), have.__contains__)
            have.gain(g, c)


class TestStages:
    def test_independent_steps_share_a_stage(self, chain: SkillGraph) -> None:
        order = ["c-xl", "c-py", "c-sql", "c-da", "c-ml"]
        staged = stages(chain, order)
        assert {c: s for c, (s, _) in staged.items()} == {"c-xl": 1, "c-py": 1, "c-sql": 2, "c-da": 3, "c-ml": 4}
        assert ("credential", "c-sql") in staged["c-da"][1]

    def test_a_later_lower_stage_provider_lowers_the_stage(self) -> None:
        """A skill first met by a stage-2 step, then taught again by a stage-1 step later in the order.

        The programme-manager plan (objective cost) on the bundled catalogue hit this: the step relying on the
        skill was put in stage 3 while its first provider, after sorting by stage, was in stage 1.
        """
        x = (TaughtSkill(skill="x"),)
        cat = Catalogue(
            skills=(Skill(id="x", label="X"),),
            credentials=(
                Credential(id="a", name="A", provider="P"),
                Credential(id="p2", name="P2", provider="P", teaches=x, requires=CredentialCondition(credential="a")),
                Credential(id="c", name="C", provider="P", requires=SkillCondition(skill="x")),
                Credential(id="p1", name="P1", provider="P", teaches=x),
            ),
        )
        staged = stages(SkillGraph(cat), ["a", "p2", "c", "p1"])
        assert {c: s for c, (s, _) in staged.items()} == {"a": 1, "p1": 1, "p2": 2, "c": 2}

    def test_out_of_order_is_an_error(self, chain: SkillGraph) -> None:
        with pytest.raises(PlanVerificationError, match="before its requirements"):
            stages(chain, ["c-ml"])


class TestSkillPrerequisiteCycles:
    def test_cycle_members_in_order(self) -> None:
        g = SkillGraph(
            Catalogue(
                skills=(
                    Skill(id="b", label="B", prerequisites=("c",)),
                    Skill(id="c", label="C", prerequisites=("a",)),
                    Skill(id="a", label="A", prerequisites=("b",)),
                )
            )
        )
        assert skill_prerequisite_cycles(g) == [["a", "c", "b"]]  # a comes before c, c before b

    def test_dag_has_none(self, chain: SkillGraph) -> None:
        assert skill_prerequisite_cycles(chain) == []


class TestDependencyCycles:
    def test_credential_cycle_through_skills(self) -> None:
        g = SkillGraph(
            Catalogue(
                skills=(Skill(id="s", label="S"), Skill(id="t", label="T")),
                credentials=(
                    cred("a", "s", requires=SkillCondition(skill="t")),
                    cred("b", "t", requires=SkillCondition(skill="s")),
                ),
            )
        )
        blocked = {("credential", "a"), ("credential", "b"), ("skill", "s"), ("skill", "t")}
        assert dependency_cycles(g, blocked) == [
            [("credential", "a"), ("skill", "s"), ("credential", "b"), ("skill", "t")]
        ]


class TestCatalogueGaps:
    def test_untaught_essential_skill_is_a_gap(self, chain: SkillGraph) -> None:
        gaps = catalogue_gaps(chain)
        assert [(g.skill, g.label, g.essential_for) for g in gaps] == [("ux", "UX research", ("o-ds",))]


class TestValidate:
    def test_clean_catalogue(self, chain: SkillGraph) -> None:
        assert validate(chain) == []

    def test_every_problem_with_its_pointer(self) -> None:
        cat = Catalogue(
            skills=(
                Skill(id="a", label="A", prerequisites=("b",)),
                Skill(id="b", label="B", prerequisites=("a",)),
                Skill(id="c", label="C"),
            ),
            credentials=(
                cred("x", "zzz"),
                cred("x", "c"),
                cred("y", "c", requires=CredentialCondition(credential="ghost")),
                cred("p", "a", requires=CredentialCondition(credential="q")),
                cred("q", "b", requires=CredentialCondition(credential="p")),
            ),
        )
        problems = {(p.code, p.pointer) for p in validate(SkillGraph(cat))}
        assert ("duplicate_id", "/credentials/1/id") in problems
        assert ("unknown_reference", "/credentials/0/teaches/0/skill") in problems
        assert ("unknown_reference", "/credentials/2/requires") in problems
        assert ("prerequisite_cycle", "/skills/0/prerequisites") in problems
        assert ("unsatisfiable", "/credentials/2") in problems
        cyc = [p for p in validate(SkillGraph(cat)) if p.pointer == "/credentials/3"]
        assert cyc and "depend on itself" in cyc[0].message and "q" in cyc[0].nodes

    def test_missing_hours_and_mixed_currencies_are_warnings(self) -> None:
        cat = Catalogue(
            credentials=(
                Credential(id="a", name="A", provider="P", cost=10, currency="EUR", hours=3),
                Credential(id="b", name="B", provider="P", cost=10, currency="USD"),
            )
        )
        found = {(p.code, p.severity, p.pointer) for p in validate(SkillGraph(cat))}
        assert found == {
            ("missing_hours", "warning", "/credentials/1/hours"),
            ("mixed_currency", "warning", "/credentials"),
        }
