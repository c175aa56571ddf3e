"""The exact planner on the example catalogue: objectives, held items, constraints, alternatives, reasons."""

from __future__ import annotations

import pytest

from graph.errors import InfeasiblePlanError, RequestError
from graph.model import Catalogue, Credential, CredentialCondition, Delivery, Skill, SkillCondition, TaughtSkill
from recommender.plan import UncoveredReason
from recommender.profile import Constraints, LearnerProfile, Objective, Targets
from recommender.service import CredpathService

ANALYST = "data analyst"
SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"


def plan_for(service: CredpathService, **kwargs: object) -> object:
    targets = kwargs.pop("targets", Targets(occupation=ANALYST))
    return service.plan(LearnerProfile(targets=targets, **kwargs))  # type: ignore[arg-type]


class TestObjectives:
    def test_hours_and_cost_give_different_optimal_plans(self, service: CredpathService) -> None:
        by_hours = service.plan(LearnerProfile(targets=Targets(occupation=ANALYST), objective=Objective.hours))
        by_cost = service.plan(LearnerProfile(targets=Targets(occupation=ANALYST), objective=Objective.cost))
        assert by_hours.optimal and by_cost.optimal
        assert by_hours.total_hours < by_cost.total_hours
        assert by_cost.total_cost < by_hours.total_cost
        assert by_hours.quality.value == by_hours.total_hours
        assert by_cost.quality.value == by_cost.total_cost
        assert by_hours.verification.valid and by_cost.verification.valid

    def test_greedy_is_never_better_than_exact(self, service: CredpathService) -> None:
        for occupation in ("data analyst", "data scientist", "software developer", "computer vision engineer"):
            profile = LearnerProfile(targets=Targets(occupation=occupation))
            exact = service.plan(profile)
            greedy = service.plan(profile, planner="greedy")
            assert greedy.verification.valid
            assert exact.total_hours <= greedy.total_hours + 1e-9
            assert greedy.planner == "greedy" and not greedy.optimal


class TestHeldItems:
    def test_held_credential_shortens_the_plan(self, service: CredpathService) -> None:
        fresh = service.plan(LearnerProfile(targets=Targets(occupation=ANALYST)))
        held = fresh.steps[0].credential_id
        shorter = service.plan(LearnerProfile(targets=Targets(occupation=ANALYST), have=(held,)))
        assert held not in shorter.credential_ids
        assert shorter.total_hours < fresh.total_hours

    def test_held_items_by_label_and_met_by_held(self, service: CredpathService) -> None:
        plan = service.plan(
            LearnerProfile(targets=Targets(credentials=("meridian-python-analysis",)), have=("SQL Basics", "Python"))
        )
        assert plan.request.have == (
            "meridian-sql-basics",
            "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
        )
        sources = {(m.requirement, m.source) for s in plan.steps for m in s.requirements_met_by}
        assert ("meridian-sql-basics", "held") in sources

    def test_target_already_held(self, service: CredpathService) -> None:
        plan = service.plan(LearnerProfile(targets=Targets(skills=(SQL,)), have=(SQL,)))
        assert plan.steps == () and plan.covered == (SQL,) and plan.already_held == (SQL,)


class TestConstraints:
    def test_excluded_provider_never_appears(self, service: CredpathService) -> None:
        base = service.plan(LearnerProfile(targets=Targets(occupation=ANALYST)))
        provider = base.steps[0].provider
        plan = service.plan(
            LearnerProfile(targets=Targets(occupation=ANALYST), constraints=Constraints(exclude_providers=(provider,)))
        )
        assert provider not in {s.provider for s in plan.steps}

    def test_delivery_filter(self, service: CredpathService) -> None:
        plan = service.plan(
            LearnerProfile(targets=Targets(occupation=ANALYST), constraints=Constraints(delivery=(Delivery.online,)))
        )
        g = service.graph
        assert all(g.credentials[s.credential_id].delivery in (None, Delivery.online) for s in plan.steps)

    def test_budget_too_small_covers_most_and_explains_the_rest(self, service: CredpathService) -> None:
        full = service.plan(LearnerProfile(targets=Targets(occupation=ANALYST)))
        limit = full.total_hours / 2
        plan = service.plan(
            LearnerProfile(targets=Targets(occupation=ANALYST), constraints=Constraints(max_hours=limit))
        )
        assert plan.total_hours <= limit
        assert plan.uncovered and all(u.reason == UncoveredReason.over_budget for u in plan.uncovered)
        assert str(int(full.total_hours)) in plan.uncovered[0].detail
        assert len(plan.covered) + len(plan.uncovered) == len(full.covered)

    def test_schedule_follows_hours_per_week(self, service: CredpathService) -> None:
        plan = service.plan(
            LearnerProfile(targets=Targets(occupation=ANALYST), constraints=Constraints(hours_per_week=10))
        )
        assert plan.steps[0].start_week == 1
        assert plan.total_weeks == -(-int(plan.total_hours) // 10)
        assert all(a.end_week <= b.end_week for a, b in zip(plan.steps, plan.steps[1:], strict=False))  # type: ignore[operator]


class TestAlternatives:
    def test_alternatives_are_distinct_valid_and_not_better(self, service: CredpathService) -> None:
        plan = service.plan(LearnerProfile(targets=Targets(occupation=ANALYST)), alternatives=3)
        assert 1 <= len(plan.alternatives) <= 3
        seen = {frozenset(plan.credential_ids)}
        for alt in plan.alternatives:
            ids = frozenset(s.credential_id for s in alt.steps)
            assert ids not in seen
            seen.add(ids)
            assert alt.verification.valid
            assert alt.objective_value >= plan.quality.value - 1e-9
            assert set(alt.added) == ids - set(plan.credential_ids)


class TestInfeasible:
    @pytest.fixture
    def broken(self) -> CredpathService:
        return CredpathService(
            Catalogue(
                skills=(
                    Skill(id="a", label="Alpha"),
                    Skill(id="b", label="Beta"),
                    Skill(id="lonely", label="Lonely"),
                    Skill(id="ok", label="Okay"),
                ),
                credentials=(
                    Credential(
                        id="ca",
                        name="CA",
                        provider="P",
                        teaches=(TaughtSkill(skill="a"),),
                        requires=SkillCondition(skill="b"),
                        hours=5,
                    ),
                    Credential(
                        id="cb",
                        name="CB",
                        provider="P",
                        teaches=(TaughtSkill(skill="b"),),
                        requires=CredentialCondition(credential="ca"),
                        hours=5,
                    ),
                    Credential(id="cok", name="COK", provider="Q", teaches=(TaughtSkill(skill="ok"),), hours=5),
                ),
            )
        )

    def test_cycle_and_nothing_teaches_are_explained(self, broken: CredpathService) -> None:
        plan = broken.plan(LearnerProfile(targets=Targets(skills=("a", "lonely", "ok"))))
        reasons = {u.target: u for u in plan.uncovered}
        assert reasons["a"].reason == UncoveredReason.prerequisite_cycle
        assert set(reasons["a"].cycle) >= {"ca", "cb"}
        assert reasons["lonely"].reason == UncoveredReason.nothing_teaches
        assert plan.covered == ("ok",)

    def test_nothing_plannable_raises_with_every_reason(self, broken: CredpathService) -> None:
        with pytest.raises(InfeasiblePlanError) as info:
            broken.plan(LearnerProfile(targets=Targets(skills=("a", "lonely"))))
        assert set(info.value.unmet) == {"a", "lonely"}
        assert "cycle" in info.value.message

    def test_excluded_provider_reason(self, broken: CredpathService) -> None:
        with pytest.raises(InfeasiblePlanError, match="excluded by your constraints"):
            broken.plan(
                LearnerProfile(targets=Targets(skills=("ok",)), constraints=Constraints(exclude_providers=("q",)))
            )

    def test_unknown_ids_are_request_errors_with_suggestions(self, service: CredpathService) -> None:
        with pytest.raises(RequestError, match="did you mean 'SQL Basics' \\(meridian-sql-basics\\)"):
            service.plan(LearnerProfile(targets=Targets(credentials=("meridian-sql-basic",))))
        with pytest.raises(RequestError, match="unknown held item") as held:
            service.plan(LearnerProfile(targets=Targets(occupation=ANALYST), have=("nonsense-badge",)))
        assert held.value.field == "have"
        with pytest.raises(RequestError, match="no target") as none:
            service.plan(LearnerProfile(targets=Targets()))
        assert none.value.field == "targets" and "--" not in none.value.message


class TestValidity:
    def test_expired_credentials_are_not_offered(self) -> None:
        import datetime as dt

        cat = Catalogue(
            skills=(Skill(id="s", label="S"),),
            credentials=(
                Credential(
                    id="old",
                    name="Old",
                    provider="P",
                    teaches=(TaughtSkill(skill="s"),),
                    hours=1,
                    valid_until=dt.date(2020, 1, 1),
                ),
                Credential(id="new", name="New", provider="P", teaches=(TaughtSkill(skill="s"),), hours=9),
            ),
        )
        service = CredpathService(cat)
        plan = service.plan(LearnerProfile(targets=Targets(skills=("s",))))
        assert plan.credential_ids == ("new",)
        back_then = Constraints(as_of=dt.date(2019, 6, 1))
        plan = service.plan(LearnerProfile(targets=Targets(skills=("s",)), constraints=back_then))
        assert plan.credential_ids == ("old",)

    def test_unknown_hours_are_explained(self) -> None:
        cat = Catalogue(
            skills=(Skill(id="s", label="S"),),
            credentials=(Credential(id="c", name="Mystery course", provider="P", teaches=(TaughtSkill(skill="s"),)),),
        )
        plan = CredpathService(cat).plan(LearnerProfile(targets=Targets(skills=("s",))))
        assert any("No hours stated for Mystery course" in note for note in plan.explanation)
