"""The verifier rejects every kind of unsound plan, whoever made it."""

from __future__ import annotations

from typing import Any

import pytest

from recommender.plan import MetBy, Pathway
from recommender.profile import Constraints, LearnerProfile, Targets
from recommender.service import CredpathService


@pytest.fixture(scope="module")
def plan(service: CredpathService) -> Pathway:
    return service.plan(LearnerProfile(targets=Targets(occupation="data analyst")))


def tampered(plan: Pathway, **changes: Any) -> Pathway:
    return plan.model_copy(update=changes)


def renumber(steps: Any) -> tuple[Any, ...]:
    return tuple(s.model_copy(update={"index": i}) for i, s in enumerate(steps, start=1))


def problems(service: CredpathService, plan: Pathway) -> str:
    result = service.verify(plan)
    assert not result.valid
    return "\n".join(result.problems)


def test_a_planned_pathway_is_valid(service: CredpathService, plan: Pathway) -> None:
    result = service.verify(plan)
    assert result.valid and result.problems == ()
    assert "prerequisites_first" in result.checks


def test_unknown_credential(service: CredpathService, plan: Pathway) -> None:
    steps = list(plan.steps)
    steps[0] = steps[0].model_copy(update={"credential_id": "made-up"})
    assert "no such credential" in problems(service, tampered(plan, steps=tuple(steps)))


def test_prerequisite_after_its_dependent(service: CredpathService, plan: Pathway) -> None:
    steps = renumber(reversed(plan.steps))
    assert "starts before its requirements are met" in problems(service, tampered(plan, steps=steps))


def test_repeated_step(service: CredpathService, plan: Pathway) -> None:
    steps = renumber((*plan.steps, plan.steps[0]))
    assert "more than once" in problems(service, tampered(plan, steps=steps))


def test_dropped_step_breaks_coverage_or_prerequisites(service: CredpathService, plan: Pathway) -> None:
    steps = renumber(plan.steps[:-1])
    text = problems(service, tampered(plan, steps=steps))
    assert "total_hours" in text


def test_totals_must_add_up(service: CredpathService, plan: Pathway) -> None:
    assert "total_cost" in problems(service, tampered(plan, total_cost=plan.total_cost - 1))


def test_budget_is_checked(service: CredpathService, plan: Pathway) -> None:
    request = plan.request.model_copy(update={"constraints": Constraints(max_hours=plan.total_hours - 1)})
    assert "exceed max_hours" in problems(service, tampered(plan, request=request))


def test_excluded_provider_is_checked(service: CredpathService, plan: Pathway) -> None:
    request = plan.request.model_copy(update={"constraints": Constraints(exclude_providers=(plan.steps[0].provider,))})
    assert "excluded by the learner's constraints" in problems(service, tampered(plan, request=request))


def test_false_met_by_claim(service: CredpathService, plan: Pathway) -> None:
    steps = list(plan.steps)
    last = steps[-1]
    steps[-1] = last.model_copy(
        update={"requirements_met_by": (MetBy(requirement="imaginary", kind="skill", source="held"),)}
    )
    assert "claims imaginary is met by held" in problems(service, tampered(plan, steps=tuple(steps)))


def test_claimed_coverage_must_be_real(service: CredpathService, plan: Pathway) -> None:
    assert "claimed covered" in problems(service, tampered(plan, covered=(*plan.covered, "http://example.org/x")))


def test_silently_dropped_target(service: CredpathService, plan: Pathway) -> None:
    assert "neither covered nor reported uncovered" in problems(service, tampered(plan, covered=plan.covered[1:]))


def test_plan_json_round_trip_verifies(service: CredpathService, plan: Pathway) -> None:
    again = Pathway.model_validate_json(plan.model_dump_json())
    assert again == plan
    assert service.verify(again).valid


def test_findings_point_into_the_plan(service: CredpathService, plan: Pathway) -> None:
    steps = renumber(reversed(plan.steps))
    result = service.verify(tampered(plan, steps=steps, total_cost=plan.total_cost + 1))
    assert tuple(f.message for f in result.findings) == result.problems
    late = next(f for f in result.findings if f.check == "prerequisites_first")
    assert late.step is not None and late.pointer == f"/steps/{late.step - 1}/credential_id" and late.fix
    total = next(f for f in result.findings if f.pointer == "/total_cost")
    assert total.check == "totals_match" and total.step is None


def test_checks_list_only_what_ran(service: CredpathService, plan: Pathway) -> None:
    from recommender.verify import CHECKS, verify_steps

    full = service.verify(plan)
    learner_limits = {"meets_deadline", "min_coverage_met"}  # run only when the request sets that limit
    assert full.checks == tuple(c.__name__ for c in CHECKS if c.__name__ not in learner_limits)
    steps_only = verify_steps(service.graph, plan.request, plan.steps)
    assert "coverage_claims" not in steps_only.checks and "prerequisites_first" in steps_only.checks


def test_a_new_check_is_one_function_in_checks(
    service: CredpathService, plan: Pathway, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recommender import verify as verifier
    from recommender.plan import Finding
    from recommender.subject import Subject

    def no_free_steps(s: Subject) -> list[Finding]:
        return [
            Finding(check="no_free_steps", pointer=f"/steps/{n - 1}/cost", message="free", fix="pay", step=n)
            for n, step in s.known()
            if step.cost == 0
        ]

    monkeypatch.setattr(verifier, "CHECKS", (*verifier.CHECKS, no_free_steps))
    result = service.verify(plan)
    assert result.checks[-1] == "no_free_steps"
    assert result.valid == all(step.cost for step in plan.steps)
