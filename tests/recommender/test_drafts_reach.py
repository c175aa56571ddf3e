"""Advisor drafts of occupation plans carry the service's coverage, nearest occupations, goal and earned stacks."""

from __future__ import annotations

import pytest

from graph.conditions import is_met
from graph.holdings import Holdings
from ingest.data import load_default
from recommender.drafts.edit import assemble
from recommender.plan import Pathway
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService

GOAL = "I teach maths and want to become a data analyst"
ORDER_CHECKS = {"prerequisites_first", "requirements_met_by_complete", "stages_consistent"}


@pytest.fixture(scope="module")
def planned() -> tuple[CredpathService, Pathway]:
    service = CredpathService(load_default())
    return service, service.plan_goal(GOAL, LearnerProfile(targets=Targets()))


def broken_steps(service: CredpathService, profile: LearnerProfile, order: list[str]) -> set[int]:
    """Steps (1-based) whose requirements the held items and earlier steps do not meet."""
    g = service.graph
    have = Holdings.from_ids(g, profile.have)
    broken = set()
    for n, cid in enumerate(order, start=1):
        if not is_met(g.effective_requirement(cid), have.__contains__):
            broken.add(n)
        have.gain(g, cid)
    return broken


def test_an_unedited_draft_reverifies_with_the_plans_reach_goal_and_earned(
    planned: tuple[CredpathService, Pathway],
) -> None:
    service, pathway = planned
    assert pathway.coverage is not None and pathway.coverage.share < 1 and pathway.nearest_occupations
    assert pathway.earned and pathway.goal is not None
    draft = assemble(service.graph, pathway.request, pathway.credential_ids, previous=pathway)
    assert draft.verification.valid, draft.verification.problems
    assert {"reach_claims", "earned_claims"} <= set(draft.verification.checks)
    assert (draft.coverage, draft.nearest_occupations) == (pathway.coverage, pathway.nearest_occupations)
    assert (draft.goal, draft.earned) == (pathway.goal, pathway.earned)
    replanned = assemble(service.graph, pathway.request, pathway.credential_ids, goal=pathway.goal)
    assert replanned.verification.valid and replanned.goal == pathway.goal
    by_name = service.plan(LearnerProfile(targets=Targets(occupation="data analyst")))
    named = assemble(service.graph, by_name.request, by_name.credential_ids, previous=by_name)
    assert named.verification.valid, named.verification.problems
    assert named.coverage == by_name.coverage and named.coverage is not None


def test_an_edited_draft_flags_exactly_the_broken_step(planned: tuple[CredpathService, Pathway]) -> None:
    service, pathway = planned
    edited = None
    for i in range(len(pathway.steps)):
        order = [c for n, c in enumerate(pathway.credential_ids) if n != i]
        candidate = assemble(service.graph, pathway.request, order, previous=pathway)
        if set(candidate.covered) == set(pathway.covered) and broken_steps(service, pathway.request, order):
            edited, kept = candidate, order
            break
    assert edited is not None, "some step of the plan is needed by a later one without being its only route"
    broken = broken_steps(service, pathway.request, kept)
    findings = edited.verification.findings
    assert not edited.verification.valid
    assert {f.check for f in findings} <= ORDER_CHECKS, [f.message for f in findings]
    assert {f.step for f in findings if f.check == "prerequisites_first"} == broken
    assert {f.step for f in findings} == broken
    assert edited.goal == pathway.goal and edited.coverage == pathway.coverage
