"""Any single-field edit of a valid plan is caught by `credpath verify` (its plan reader or its verifier).

Hypothesis picks one leaf or list of a real plan's JSON and changes it: a number (+1, doubled, negated, NaN,
infinity, given as text), a string (extended, emptied, replaced), a boolean (flipped), a null (given a value),
a list (an item dropped, repeated or two items swapped). The edited file must be refused, unless the edit is
in the short list of harmless edits below, which the README's "Verifying a plan" section repeats:

- prose: ``explanation``, ``notes`` and the ``detail`` of an over-budget or beyond-min-coverage target
  (regenerated text, no claim the verifier could check beyond the fields it is written from);
- provenance: ``planner``, ``rounds``, ``fallback``, ``quality.solver``, ``quality.status``, ``quality.seconds``,
  and the LLM planner's record ``llm`` (model, rounds, repairs, tokens, narrative: what happened, not a claim);
- the request's soft ``preferences`` (wishes only the LLM planner weighs; no rule of a sound plan depends on them);
- the recorded verdict: ``verification`` (of the plan and of each alternative), which verify recomputes
  and never trusts;
- sets written as lists: the order of ``covered``, ``already_held``, ``uncovered`` and of the request's lists,
  and repeats in the request's lists;
- a request edit the plan still answers: a larger budget, a lower min_coverage, a language dropped from the
  list (which allows more), or an exclusion of something the plan does not use;
- alternatives: dropping one, or their order (the plan does not record how many were asked for);
- the record of badge files (``plan --badge``): a badge's ``source``, ``name``, ``issuer``, ``trusted``, ``reason``,
  and a mapping's ``confidence`` and ``via`` say what the files said, which the plan does not carry (the check
  ``badge_claims`` covers what counted: its verdict, that its ids are held in the request, what it covered).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import PlanFileError
from recommender.plan import Pathway, read_plan
from recommender.profile import Constraints, LearnerProfile, Objective, Targets
from recommender.service import CredpathService

PROSE = re.compile(r"^/(explanation|notes)(/|$)")
PROVENANCE = re.compile(r"^/(planner|rounds|fallback|quality/(solver|status|seconds))$|^/llm(/|$)")
BADGE_RECORD = re.compile(r"^/badges/\d+/(source|name|issuer|trusted|reason|maps_to/\d+/(confidence|via))$")
PREFERENCES = re.compile(r"^/request/preferences(/|$)")
VERDICT = re.compile(r"^(/alternatives/\d+)?/verification(/|$)")
SETS = re.compile(r"^/(covered|already_held|uncovered|request/have|request/targets/\w+|request/constraints/\w+)$")
BUDGETS = re.compile(r"^/request/constraints/(max_hours|max_cost)$")
EXCLUSIONS = re.compile(r"^/request/constraints/(exclude_providers|exclude_credentials|delivery)(/\d+)?$")


@dataclass(frozen=True)
class Mutation:
    """One edit: ``op`` applied at the JSON pointer ``path``."""

    path: str
    op: str
    value: Any = None

    def apply(self, plan: dict[str, Any]) -> dict[str, Any]:
        edited = json.loads(json.dumps(plan))
        parts = [int(p) if p.isdigit() else p for p in self.path.split("/")[1:]]
        parent: Any = edited
        for part in parts[:-1]:
            parent = parent[part]
        key = parts[-1]
        if self.op == "set":
            parent[key] = self.value
            return edited
        items = parent[key]
        i, j = self.value
        if self.op == "drop":
            del items[i]
        elif self.op == "repeat":
            items.insert(i, items[i])
        else:
            items[i], items[j] = items[j], items[i]
        return edited


def harmless(m: Mutation, plan: dict[str, Any]) -> bool:
    """Whether the edit is one the module docstring lists as harmless (verify need not refuse it)."""
    if PROSE.match(m.path) or PROVENANCE.match(m.path) or VERDICT.match(m.path) or PREFERENCES.match(m.path):
        return True
    if BADGE_RECORD.match(m.path):
        return True
    over_budget = re.fullmatch(r"/uncovered/(\d+)/detail", m.path)
    if over_budget and plan["uncovered"][int(over_budget.group(1))]["reason"] in ("over_budget", "beyond_min_coverage"):
        return True
    if m.path == "/request/constraints/languages" and m.op == "drop":
        return True
    if m.path == "/request/constraints/min_coverage" and m.op == "set":
        return isinstance(m.value, float) and 0 < m.value <= _get(plan, m.path)
    if m.path == "/alternatives" and m.op in ("drop", "swap"):
        return True
    if m.op == "swap" and SETS.match(m.path):
        return True
    if m.op == "repeat" and m.path.startswith("/request/"):
        return True
    if BUDGETS.match(m.path) and m.op == "set":
        old = _get(plan, m.path)
        return isinstance(m.value, float) and math.isfinite(m.value) and old is not None and m.value >= old
    return bool(EXCLUSIONS.match(m.path))


def _get(plan: dict[str, Any], path: str) -> Any:
    node: Any = plan
    for part in path.split("/")[1:]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def mutations(node: Any, path: str = "") -> Iterator[Mutation]:
    """Every single-field edit of a plan's JSON, leaf by leaf and list by list."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from mutations(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield Mutation(path, "drop", (i, i))
            yield Mutation(path, "repeat", (i, i))
            if i and item != node[0]:
                yield Mutation(path, "swap", (0, i))
            yield from mutations(item, f"{path}/{i}")
    elif isinstance(node, bool):
        yield Mutation(path, "set", not node)
    elif isinstance(node, (int, float)):
        for value in (node + 1, node * 2 + 1, -node - 1, node + 0.5, math.nan, math.inf, str(node)):
            yield Mutation(path, "set", value)
    elif isinstance(node, str):
        for value in (node + "x", "", "Harvard MBA"):
            if value != node:
                yield Mutation(path, "set", value)
    else:
        yield Mutation(path, "set", 7)
        yield Mutation(path, "set", "x")


def caught(service: CredpathService, text: str) -> bool:
    try:
        pathway = read_plan(text, where="plan.json")
    except PlanFileError:
        return True
    return not service.verify(pathway).valid


REQUESTS = {
    "exact, weeks, alternatives": (
        LearnerProfile(
            targets=Targets(occupation="data analyst", skills=("Python",)),
            constraints=Constraints(hours_per_week=10),
        ),
        "exact",
        2,
    ),
    "greedy, held items, over budget": (
        LearnerProfile(
            targets=Targets(occupation="data analyst", include_optional_skills=True),
            have=("SQL Basics",),
            constraints=Constraints(hours_per_week=6, max_cost=3000),
        ),
        "greedy",
        0,
    ),
    "exact, deadline, languages, min coverage": (
        LearnerProfile(
            targets=Targets(occupation="data analyst"),
            constraints=Constraints(
                hours_per_week=6,
                as_of=dt.date(2026, 1, 5),
                deadline=dt.date(2026, 9, 28),
                languages=("en",),
                min_coverage=0.6,
            ),
        ),
        "exact",
        1,
    ),
    "exact, cost, over budget": (
        LearnerProfile(
            targets=Targets(occupation="data scientist", credentials=("kestrel-machine-learning",)),
            constraints=Constraints(max_hours=150),
            objective=Objective.cost,
        ),
        "exact",
        1,
    ),
}


@pytest.fixture(scope="module")
def plans(service: CredpathService) -> dict[str, dict[str, Any]]:
    out = {}
    for name, (profile, planner, alternatives) in REQUESTS.items():
        pathway = service.plan(profile, planner=planner, alternatives=alternatives)
        assert service.verify(pathway).valid
        out[name] = json.loads(pathway.model_dump_json())
    return out


def test_the_plans_exercise_every_kind_of_field(plans: dict[str, dict[str, Any]]) -> None:
    every = [p for plan in plans.values() for p in (m.path for m in mutations(plan))]
    for needed in ("/alternatives/0/steps/0/name", "/uncovered/0/reason", "/already_held", "/steps/0/start_week"):
        assert needed in every
    assert any(re.fullmatch(r"/steps/\d+/requirements_met_by/\d+/via", p) for p in every)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_harmful_single_edit_is_caught(
    service: CredpathService, plans: dict[str, dict[str, Any]], data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(sorted(plans)))
    plan = plans[name]
    mutation = data.draw(st.sampled_from(list(mutations(plan))))
    if harmless(mutation, plan):
        return
    edited = mutation.apply(plan)
    assert caught(service, json.dumps(edited)), f"{name}: {mutation} passed verify"


def test_the_valid_plans_pass(service: CredpathService, plans: dict[str, dict[str, Any]]) -> None:
    for plan in plans.values():
        assert isinstance(read_plan(json.dumps(plan), where="plan.json"), Pathway)
        assert not caught(service, json.dumps(plan))
