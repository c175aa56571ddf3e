"""`credpath plan --deadline/--language/--min-coverage`: planned as asked, refused naming the option and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ui.cli import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK, main

EXAMPLE = Path(__file__).resolve().parents[2] / "ingest" / "data" / "example_catalogue.yaml"
BASE = ["plan", "-c", str(EXAMPLE), "-o", "data analyst"]


def test_the_limits_are_planned_and_recorded() -> None:
    args = ["--language", "EN", "--hours-per-week", "6", "--as-of", "2026-01-05", "--deadline", "2026-06-29"]
    result = CliRunner().invoke(main, [*BASE, *args, "--min-coverage", "0.6"])
    assert result.exit_code == EXIT_OK, result.output
    plan = json.loads(result.output)
    c = plan["request"]["constraints"]
    assert (c["languages"], c["deadline"], c["as_of"], c["min_coverage"]) == (["EN"], "2026-06-29", "2026-01-05", 0.6)
    assert plan["total_weeks"] <= 25 and plan["verification"]["valid"]
    assert {u["reason"] for u in plan["uncovered"]} <= {"beyond_min_coverage", "nothing_teaches"}


def test_without_the_limits_the_request_json_is_unchanged() -> None:
    result = CliRunner().invoke(main, BASE)
    constraints = json.loads(result.output)["request"]["constraints"]
    assert not {"deadline", "languages", "min_coverage"} & set(constraints)


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--deadline", "2099-01-01"], EXIT_BAD_INPUT, "Fix: also give --hours-per-week"),
        (["--deadline", "30/06/2027", "--hours-per-week", "8"], EXIT_BAD_INPUT, "'30/06/2027' does not match"),
        (["--deadline", "2026-01-01", "--as-of", "2026-02-01", "--hours-per-week", "8"], EXIT_BAD_INPUT, "not after"),
        (["--min-coverage", "0"], EXIT_BAD_INPUT, "--min-coverage: Input should be greater than 0"),
        (["--min-coverage", "1.2"], EXIT_BAD_INPUT, "fix: give a number from 0 to 1"),
        (["--language", "e n"], EXIT_BAD_INPUT, "--language: Value error, 'e n' is not a language code"),
        (["--language", "xx"], EXIT_INFEASIBLE, "language (xx)"),
        (["--min-coverage", "0.9", "--max-hours", "30"], EXIT_INFEASIBLE, "Fix: lower --min-coverage to"),
    ],
)
def test_a_bad_limit_names_its_option(args: list[str], code: int, says: str) -> None:
    result = CliRunner().invoke(main, [*BASE, *args])
    assert result.exit_code == code, result.output
    assert says in result.output
