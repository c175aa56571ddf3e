"""Plans with stacked credentials: what they earn on the way, targeting a stack, and the verifier's earned check."""

from __future__ import annotations

import pytest

from graph.model import AtLeast, Catalogue, Credential, CredentialCondition, Skill, TaughtSkill
from recommender.plan import Earned, Pathway
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService
from recommender.verify import verify


def badge(i: int, hours: float) -> Credential:
    return Credential(
        id=f"b{i}",
        name=f"Badge {i}",
        provider="Meridian",
        kind="badge",
        hours=hours,
        teaches=(TaughtSkill(skill=f"s{i}"),),
    )


HOURS = (10, 12, 8, 30, 5, 20)
CATALOGUE = Catalogue(
    skills=tuple(Skill(id=f"s{i}", label=f"Skill {i}") for i in range(1, 7)),
    credentials=(
        *(badge(i, h) for i, h in enumerate(HOURS, start=1)),
        Credential(
            id="cert",
            name="Data Analytics Professional Certificate",
            provider="Meridian",
            kind="certificate",
            awarded_for=AtLeast(at_least=4, of=tuple(CredentialCondition(credential=f"b{i}") for i in range(1, 7))),
        ),
        Credential(
            id="capstone-cert",
            name="Certificate with a capstone",
            provider="Meridian",
            kind="certificate",
            hours=15,
            cost=100,
            awarded_for=AtLeast(
                at_least=2,
                of=(
                    CredentialCondition(credential="b4"),
                    CredentialCondition(credential="b6"),
                    CredentialCondition(credential="b2"),
                ),
            ),
        ),
    ),
)


@pytest.fixture
def service() -> CredpathService:
    return CredpathService(CATALOGUE)


def test_a_plan_lists_the_certificate_its_badges_earn_on_the_way(service: CredpathService) -> None:
    plan = service.plan(LearnerProfile(targets=Targets(skills=("s1", "s2", "s3", "s5")), have=()))
    steps = [s.credential_id for s in plan.steps]
    assert sorted(steps) == ["b1", "b2", "b3", "b5"]
    (earned,) = plan.earned
    assert (earned.credential_id, earned.after_step, sorted(earned.via)) == ("cert", 4, sorted(steps))
    assert "capstone-cert" not in [e.credential_id for e in plan.earned]  # a capstone needs a step of its own
    assert plan.verification.valid and "earned_claims" in plan.verification.checks
    md = service.markdown(plan)
    assert "## Earned on the way" in md
    assert "**Data Analytics Professional Certificate** (Meridian): earned after step 4" in md


def test_held_badges_count_toward_what_is_earned(service: CredpathService) -> None:
    plan = service.plan(LearnerProfile(targets=Targets(skills=("s1", "s3")), have=("b5", "b2")))
    (earned,) = plan.earned
    assert earned.after_step == 2 and sorted(earned.via) == ["b1", "b3"]


def test_targeting_a_stack_picks_the_cheapest_parts_that_meet_its_rule(service: CredpathService) -> None:
    plan = service.plan(LearnerProfile(targets=Targets(credentials=("cert",))))
    assert sorted(s.credential_id for s in plan.steps) == ["b1", "b2", "b3", "b5", "cert"]
    assert plan.total_hours == 10 + 12 + 8 + 5 and plan.optimal and plan.covered == ("cert",)
    assert plan.steps[-1].credential_id == "cert" and plan.steps[-1].hours == 0
    rule = ", ".join(f"Badge {i}" for i in range(1, 7))
    assert f"| free | awarded for 4 of ({rule}) |" in service.markdown(plan)
    greedy = service.plan(LearnerProfile(targets=Targets(credentials=("cert",))), planner="greedy")
    assert greedy.verification.valid and greedy.fallback is None and "cert" in greedy.covered


def test_targeting_a_stack_with_a_capstone_adds_its_own_hours(service: CredpathService) -> None:
    plan = service.plan(LearnerProfile(targets=Targets(credentials=("capstone-cert",))))
    assert sorted(s.credential_id for s in plan.steps) == ["b2", "b6", "capstone-cert"]
    assert plan.total_hours == 12 + 20 + 15


def _forged(plan: Pathway, earned: tuple[Earned, ...]) -> list[str]:
    return [
        f.pointer
        for f in verify(CredpathService(CATALOGUE).graph, plan.model_copy(update={"earned": earned})).findings
        if f.check == "earned_claims"
    ]


def test_the_verifier_rejects_forged_wrong_and_missing_earned_claims(service: CredpathService) -> None:
    plan = service.plan(LearnerProfile(targets=Targets(skills=("s1", "s2", "s3", "s5"))))
    (real,) = plan.earned
    assert _forged(plan, ()) == ["/earned"]
    capstone = Earned(credential_id="capstone-cert", name="x", provider="y", after_step=1, via=("b2",))
    assert _forged(plan, (real, capstone)) == ["/earned/1"]
    assert _forged(plan, (real.model_copy(update={"after_step": 2}),)) == ["/earned/0/after_step"]
    assert _forged(plan, (real.model_copy(update={"via": ("b4",)}),)) == ["/earned/0/via"]
    assert _forged(plan, (real.model_copy(update={"via": real.via[::-1]}),)) == ["/earned/0/via"]
    assert _forged(plan, (real.model_copy(update={"name": "Better Certificate"}),)) == ["/earned/0/name"]
    assert _forged(plan, (real.model_copy(update={"provider": "Elsewhere"}),)) == ["/earned/0/provider"]
    short = service.plan(LearnerProfile(targets=Targets(skills=("s1",))))
    assert _forged(short, (real.model_copy(update={"after_step": 1}),)) == ["/earned/0"]
