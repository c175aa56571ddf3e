"""The planner seam: a planner's unsound proposal gets the verifier's findings back, and the learner always gets
a verified plan (repaired, or the exact one with a note); the registry reads built-ins and entry points."""

from __future__ import annotations

from dataclasses import replace
from importlib.metadata import EntryPoint
from typing import Any

import pytest

from graph.errors import ConfigError, PlanVerificationError
from recommender import planners
from recommender.plan import Verification
from recommender.planners import ExactPlanner, FunctionPlanner, Proposal, get_planner, planner_names
from recommender.problem import PlanProblem
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService
from recommender.settings import PlannerSettings

PROFILE = LearnerProfile(targets=Targets(occupation="data analyst"))
EXACT = ExactPlanner()


def unsound(problem: PlanProblem) -> Proposal:
    """The exact plan with its first-stage credentials left out: what they enable now starts too early."""
    good = EXACT.propose(problem)
    roots = {c for c in good.chosen if problem.g.effective_requirement(c) is None}
    assert roots and roots != good.chosen
    return replace(good, chosen=good.chosen - roots)


class Recorder:
    """A FunctionPlanner body that records the feedback it gets and answers from a script of behaviours."""

    def __init__(self, *script: str) -> None:
        self.script = list(script)
        self.feedback: list[Verification | None] = []

    def __call__(self, problem: PlanProblem, feedback: Verification | None) -> Proposal:
        self.feedback.append(feedback)
        what = self.script[min(len(self.feedback), len(self.script)) - 1]
        if what == "raise":
            raise RuntimeError("model went away")
        if what == "unknown":
            return replace(EXACT.propose(problem), chosen=frozenset({"no-such-credential"}))
        if what == "good":
            return replace(EXACT.propose(problem), notes=("I added the missing first steps.",))
        return unsound(problem)


def test_unsound_proposal_is_repaired_after_feedback(service: CredpathService) -> None:
    body = Recorder("unsound", "good")
    plan = service.plan(PROFILE, planner=FunctionPlanner(body, name="fixer"))
    assert plan.verification.valid
    assert plan.planner == "fixer" and plan.rounds == 2 and plan.fallback is None
    assert plan.notes == ("I added the missing first steps.",)
    first, second = body.feedback
    assert first is None
    assert second is not None and not second.valid
    finding = next(f for f in second.findings if f.check == "prerequisites_first")
    assert finding.pointer == f"/steps/{finding.step - 1}/credential_id" if finding.step else False
    assert finding.fix and finding.message in second.problems


def test_never_repaired_gives_the_exact_plan_with_a_note(service: CredpathService) -> None:
    body = Recorder("unsound")
    plan = service.plan(PROFILE, planner=FunctionPlanner(body, name="stubborn"))
    exact = service.plan(PROFILE)
    assert plan.verification.valid
    assert plan.credential_ids == exact.credential_ids and plan.planner == "exact"
    assert len(body.feedback) == 3 and plan.rounds == 3
    assert plan.fallback is not None and "stubborn planner's plan failed verification after 3 round(s)" in plan.fallback
    assert "starts before its requirements are met" in plan.fallback
    assert plan.notes[0].startswith("The stubborn planner") and "exact planner's plan instead" in plan.notes[0]
    assert f"- {plan.notes[0]}" in service.markdown(plan)


def test_rounds_come_from_the_settings(example_catalogue: Any) -> None:
    body = Recorder("unknown")
    service = CredpathService(example_catalogue, planner_settings=PlannerSettings(planner_rounds=1))
    plan = service.plan(PROFILE, planner=FunctionPlanner(body))
    assert len(body.feedback) == 1 and plan.rounds == 1
    assert plan.fallback is not None and "no such credential" in plan.fallback


def test_a_failing_planner_gives_the_exact_plan_with_a_note(service: CredpathService) -> None:
    plan = service.plan(PROFILE, planner=FunctionPlanner(Recorder("raise"), name="flaky"))
    assert plan.verification.valid and plan.planner == "exact" and plan.rounds == 0
    assert plan.fallback == "the flaky planner failed (RuntimeError: model went away)"
    assert "exact planner's plan instead" in plan.notes[0]


def test_order_and_rationale_are_kept(service: CredpathService) -> None:
    default = service.plan(PROFILE)
    stage_of = {s.credential_id: s.stage for s in default.steps}
    order = tuple(sorted(stage_of, key=lambda c: (stage_of[c], [-ord(ch) for ch in c])))
    assert order != default.credential_ids

    def explained(problem: PlanProblem, feedback: Verification | None) -> Proposal:
        return replace(EXACT.propose(problem), order=order, rationale={order[0]: "because"})

    plan = service.plan(PROFILE, planner=FunctionPlanner(explained))
    assert plan.verification.valid and plan.rounds == 1 and plan.fallback is None
    assert plan.credential_ids == order
    assert plan.notes == (f"{service.graph.credentials[order[0]].name}: because",)


def test_unsound_alternatives_are_dropped_with_a_note(service: CredpathService) -> None:
    def with_bad_alternative(problem: PlanProblem, feedback: Verification | None) -> Proposal:
        good = EXACT.propose(problem)
        return replace(good, alternatives=(unsound(problem).chosen,))

    plan = service.plan(PROFILE, planner=FunctionPlanner(with_bad_alternative))
    assert plan.verification.valid and plan.alternatives == ()
    assert plan.notes[0].startswith("Alternative 1 was dropped: it failed verification")


def test_an_unsound_exact_plan_is_a_bug_and_raises(service: CredpathService, monkeypatch: pytest.MonkeyPatch) -> None:
    real = ExactPlanner.propose

    def broken(self: ExactPlanner, problem: PlanProblem, **kwargs: Any) -> Proposal:
        return unsound(problem) if kwargs.get("feedback", "x") is None else real(self, problem, **kwargs)

    monkeypatch.setattr(ExactPlanner, "propose", broken)
    with pytest.raises(PlanVerificationError, match="exact planner proposed an unsound plan"):
        service.plan(PROFILE)


def test_registry_lists_built_ins_and_rejects_unknown_names() -> None:
    assert planner_names()[:2] == ("exact", "greedy")
    assert get_planner("exact").name == "exact"
    with pytest.raises(ConfigError, match="use one of: exact, greedy"):
        get_planner("oracle")


def make_planner() -> FunctionPlanner:
    """The entry point the test below installs."""
    return FunctionPlanner(lambda problem, feedback: EXACT.propose(problem), name="plugin")


def test_entry_point_planners_join_the_registry(service: CredpathService, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = [
        EntryPoint("plugin", f"{__name__}:make_planner", planners.ENTRY_POINT_GROUP),
        EntryPoint("greedy", f"{__name__}:make_planner", planners.ENTRY_POINT_GROUP),
        EntryPoint("broken", f"{__name__}:no_such_name", planners.ENTRY_POINT_GROUP),
    ]
    monkeypatch.setattr(planners, "entry_points", lambda group: installed if group == "credpath.planners" else [])
    assert planner_names() == ("exact", "greedy", "llm", "broken", "plugin")
    assert get_planner("greedy").name == "greedy"
    plan = service.plan(PROFILE, planner="plugin")
    assert plan.planner == "plugin" and plan.verification.valid
    with pytest.raises(ConfigError, match="cannot be loaded"):
        get_planner("broken")
