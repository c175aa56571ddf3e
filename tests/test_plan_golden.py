"""The plans for the README's examples stay what they were: same JSON and Markdown, timings aside.

Small plans are kept whole in tests/fixtures/golden/; plans over the bundled catalogue are kept as a
summary (steps, totals, coverage, alternatives) plus a SHA-256 of the whole output, so a change
shows what moved without storing 100 kB of JSON. After an intended change, regenerate with
``python -m tests.test_plan_golden`` and review the diff.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ui.cli import main

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"
EXAMPLE = "ingest/data/example_catalogue.yaml"
ROOT = Path(__file__).resolve().parents[1]
TIMING = ("seconds",)

WHOLE: dict[str, list[str]] = {
    "example-software-developer": ["--catalogue", EXAMPLE, "--occupation", "software developer"],
    "example-software-developer-greedy": [
        "--catalogue",
        EXAMPLE,
        "--occupation",
        "software developer",
        "--planner",
        "greedy",
    ],
}
SUMMARISED: dict[str, list[str]] = {
    "data-analyst-spreadsheets": [
        "--occupation",
        "data analyst",
        "--have",
        "use spreadsheets software",
        "--hours-per-week",
        "8",
    ],
    "data-analyst-spreadsheets-md": [
        "--occupation",
        "data analyst",
        "--have",
        "use spreadsheets software",
        "--hours-per-week",
        "8",
        "--format",
        "markdown",
    ],
    "data-analyst-cost-alternatives": ["--occupation", "data analyst", "--objective", "cost", "--alternatives", "2"],
    "data-analyst-max-hours": ["--occupation", "data analyst", "--max-hours", "120"],
    "data-analyst-max-hours-md": ["--occupation", "data analyst", "--max-hours", "120", "--format", "markdown"],
    "data-analyst-greedy-alternative": [
        "--occupation",
        "data analyst",
        "--have",
        "use spreadsheets software",
        "--planner",
        "greedy",
        "--alternatives",
        "1",
    ],
}


def run_plan(args: list[str]) -> str:
    """The `credpath plan` output for ``args``, with timing fields removed from JSON output."""
    result = CliRunner().invoke(main, ["plan", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if "markdown" in args:
        return result.output
    return json.dumps(_without_timing(json.loads(result.output)), indent=2, ensure_ascii=False) + "\n"


def _without_timing(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_timing(v) for k, v in value.items() if k not in TIMING}
    if isinstance(value, list):
        return [_without_timing(v) for v in value]
    return value


def summary(output: str) -> dict[str, Any]:
    """What a reader checks first: the steps, totals, coverage and alternatives, and a digest of everything."""
    digest = hashlib.sha256(output.encode("utf-8")).hexdigest()
    if output.startswith("{"):
        plan = json.loads(output)
        return {
            "steps": [[s["stage"], s["credential_id"]] for s in plan["steps"]],
            "totals": [plan["total_hours"], plan["total_cost"], plan["total_weeks"]],
            "covered": len(plan["covered"]),
            "uncovered": [[u["target"], u["reason"]] for u in plan["uncovered"]],
            "alternatives": [[s["credential_id"] for s in a["steps"]] for a in plan["alternatives"]],
            "sha256": digest,
        }
    return {"lines": output.count("\n"), "sha256": digest}


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("name", sorted(WHOLE))
def test_small_plans_are_unchanged(name: str) -> None:
    expected = (GOLDEN / f"{name}.json").read_text(encoding="utf-8")
    assert run_plan(WHOLE[name]) == expected


@pytest.mark.parametrize("name", sorted(SUMMARISED))
def test_readme_plans_are_unchanged(name: str) -> None:
    expected = json.loads((GOLDEN / "readme_plans.json").read_text(encoding="utf-8"))[name]
    assert summary(run_plan(SUMMARISED[name])) == expected


def regenerate() -> None:
    """Write the golden files from the current code (review the diff before committing)."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, args in WHOLE.items():
        (GOLDEN / f"{name}.json").write_text(run_plan(args), encoding="utf-8")
    summaries = {name: summary(run_plan(args)) for name, args in sorted(SUMMARISED.items())}
    (GOLDEN / "readme_plans.json").write_text(json.dumps(summaries, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    regenerate()
