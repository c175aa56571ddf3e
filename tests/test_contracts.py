"""The documented JSON Schemas are the generated ones: a model change cannot silently change the contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.model import Catalogue
from recommender.gaps import GapReport
from recommender.plan import PLAN_SCHEMA_VERSION, Pathway
from recommender.profile import LearnerProfile

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("graph/catalogue.schema.json", Catalogue),
        ("recommender/plan.schema.json", Pathway),
        ("recommender/profile.schema.json", LearnerProfile),
        ("recommender/gaps.schema.json", GapReport),
    ],
)
def test_documented_schema_matches_the_model(path: str, model: type) -> None:
    documented = json.loads((ROOT / path).read_text(encoding="utf-8"))
    assert documented == model.model_json_schema(), (
        f"{path} is out of date: regenerate it with `credpath schema ...` and, for the plan, "
        "bump PLAN_SCHEMA_VERSION if the change is not purely additive"
    )


def test_plan_schema_version_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"schema version `{PLAN_SCHEMA_VERSION}`" in readme


def test_cli_reference_is_generated_from_the_cli() -> None:
    from ui.clidoc import render

    assert (ROOT / "ui" / "CLI.md").read_text(encoding="utf-8") == render(), (
        "ui/CLI.md is out of date: run `python -m ui.clidoc > ui/CLI.md`"
    )
