"""`credpath verify` refuses every kind of broken plan issue 7 found passing, naming the JSON pointer and the fix."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ui.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_PROBLEMS, main

EXAMPLE = Path(__file__).resolve().parents[2] / "ingest" / "data" / "example_catalogue.yaml"
SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"

Plan = dict[str, Any]


def credpath(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def plan() -> Plan:
    code, out = credpath("plan", "-c", str(EXAMPLE), "-o", "data analyst", "-s", "Python", "--hours-per-week", "10")
    assert code == EXIT_OK, out
    return dict(json.loads(out))


def step_with_claims(plan: Plan) -> dict[str, Any]:
    return next(s for s in plan["steps"] if s["requirements_met_by"])


def _set(path: str, value: Any) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        *parents, last = path.split("/")
        node: Any = plan
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return edit


def _drop_version(plan: Plan) -> None:
    del plan["schema_version"]


def _foreign_skill(plan: Plan) -> None:
    plan["steps"][0]["teaches"] = [PYTHON]


def _claims_emptied(plan: Plan) -> None:
    step_with_claims(plan)["requirements_met_by"] = []


def _optimal_with_gap(plan: Plan) -> None:
    plan["quality"]["gap"] = 0.5


def _invented_target(plan: Plan) -> None:
    plan["covered"].append(next(s for st in plan["steps"] for s in st["teaches"] if s not in plan["covered"]))


def _removed_target(plan: Plan) -> None:
    plan["request"]["targets"]["skills"] = []


def _shift(field: str, by: int) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        plan["steps"][1][field] += by

    return edit


BROKEN: dict[str, tuple[Callable[[Plan], None], str]] = {
    "schema_version 2.0": (_set("schema_version", "2.0"), "major version 2"),
    "schema_version 0.9": (_set("schema_version", "0.9"), "major version 0"),
    "schema_version missing": (_drop_version, "schema_version is missing"),
    "NaN total_hours": (_set("total_hours", float("nan")), "/total_hours: Input should be a finite number"),
    "NaN step hours": (_set("steps/0/hours", float("nan")), "/steps/0/hours: Input should be a finite number"),
    "total as a string": (_set("total_hours", "12"), "/total_hours: Input should be a valid number"),
    "name": (_set("steps/0/name", "Harvard MBA"), "/steps/0/name"),
    "provider": (_set("steps/0/provider", "Harvard University"), "/steps/0/provider"),
    "teaches": (_foreign_skill, "/steps/0/teaches"),
    "currency": (_set("steps/0/currency", "EUR"), "/steps/0/currency"),
    "start_week": (_shift("start_week", 1), "/steps/1/start_week"),
    "end_week": (_shift("end_week", 2), "/steps/1/end_week"),
    "optimal with a gap": (_optimal_with_gap, "/quality/gap"),
    "requirements_met_by emptied": (_claims_emptied, "/requirements_met_by"),
    "target invented": (_invented_target, "is not a target of the request"),
    "target removed": (_removed_target, "is not a target of the request"),
    "total_weeks": (_set("total_weeks", 3), "/total_weeks"),
}


def test_the_plan_itself_verifies(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    code, out = credpath("verify", str(path), "-c", str(EXAMPLE))
    assert code == EXIT_OK, out


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_plan_is_refused(plan: Plan, kind: str, tmp_path: Path) -> None:
    edit, expected = BROKEN[kind]
    broken = copy.deepcopy(plan)
    edit(broken)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(broken))
    code, out = credpath("verify", str(path), "-c", str(EXAMPLE))
    assert code in (EXIT_PROBLEMS, EXIT_BAD_INPUT), out
    assert expected in out
    assert "Fix:" in out or "fix:" in out
