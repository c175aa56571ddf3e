"""`credpath plan` refuses option values that cannot make a sensible plan, naming the option."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from ui.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "ingest" / "data" / "example_catalogue.yaml"


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--hours-per-week", "1e-300", "out of range; fix: give a number from 0.5 to 168"),
        ("--hours-per-week", "500", "out of range; fix: give a number from 0.5 to 168"),
        ("--hours-per-week", "nan", "not a finite number; fix: give a number from 0.5 to 168"),
        ("--time-limit", "nan", "not a finite number"),
        ("--time-limit", "inf", "not a finite number"),
        ("--time-limit", "0", "fix: give a number of at least 0.1"),
        ("--max-hours", "nan", "not a finite number"),
        ("--max-cost", "-5", "fix: give a number of at least 0"),
    ],
)
def test_a_bad_number_is_refused_naming_the_option(option: str, value: str, says: str) -> None:
    result = CliRunner().invoke(main, ["plan", "-c", str(EXAMPLE), "-o", "data analyst", option, value])
    assert result.exit_code == 2
    assert option in result.output and says in result.output


def test_a_sensible_pace_plans_in_weeks() -> None:
    result = CliRunner().invoke(main, ["plan", "-c", str(EXAMPLE), "-o", "data analyst", "--hours-per-week", "0.5"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["total_weeks"] == math.ceil(plan["total_hours"] / 0.5)
