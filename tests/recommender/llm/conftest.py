"""Fixtures for the LLM planner: the example catalogue's data-mining problem and scripted answers for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from graph.model import Catalogue
from graph.skillgraph import SkillGraph
from recommender.llm.repair import topological
from recommender.planners import ExactPlanner
from recommender.problem import PlanProblem, prepare
from recommender.profile import Constraints, LearnerProfile, Targets

DATA_MINING = "http://data.europa.eu/esco/skill/25f0ea33-b4a2-4f31-b7b4-7d20e827b180"


@pytest.fixture(scope="session")
def graph(example_catalogue: Catalogue) -> SkillGraph:
    return SkillGraph(example_catalogue)


@pytest.fixture
def problem(graph: SkillGraph) -> Callable[..., PlanProblem]:
    """A fresh prepared problem: reach 'data mining', with optional hard limits."""

    def make(**limits: Any) -> PlanProblem:
        return prepare(graph, LearnerProfile(targets=Targets(skills=(DATA_MINING,)), constraints=Constraints(**limits)))

    return make


@pytest.fixture
def exact_order(problem: Callable[..., PlanProblem]) -> list[str]:
    p = problem()
    return topological(p, ExactPlanner().propose(p).chosen, [])[0]


def answer(ids: list[str], notes: str = "") -> dict[str, Any]:
    """A structured plan answer naming ``ids`` in order."""
    return {"steps": [{"credential_id": c, "reason": f"because {c}"} for c in ids], "notes": notes}
