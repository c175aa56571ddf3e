"""The plan-file reader: any minor of a major it knows, every problem named by JSON pointer."""

from __future__ import annotations

import json

import pytest

from graph.errors import PlanFileError
from recommender.plan import Pathway, read_plan
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService


@pytest.fixture(scope="module")
def plan_json(service: CredpathService) -> dict[str, object]:
    return dict(json.loads(service.plan(LearnerProfile(targets=Targets(occupation="data analyst"))).model_dump_json()))


def test_a_later_minor_version_is_read(plan_json: dict[str, object]) -> None:
    assert isinstance(read_plan(json.dumps(plan_json | {"schema_version": "1.3"}), where="p.json"), Pathway)


@pytest.mark.parametrize("version", ["2.0", "0.9", "1", "v1.0", "", 1.0])
def test_an_unreadable_version_is_refused_naming_what_is_read(plan_json: dict[str, object], version: object) -> None:
    with pytest.raises(PlanFileError) as caught:
        read_plan(json.dumps(plan_json | {"schema_version": version}), where="p.json")
    assert "/schema_version" in caught.value.message and "reads major version(s) 1" in caught.value.message


@pytest.mark.parametrize(
    ("text", "says"),
    [("{not json", "not JSON"), ("[1, 2]", "not a JSON object"), ('{"steps": []}', "/schema_version: schema")],
)
def test_what_is_no_plan_is_refused(text: str, says: str) -> None:
    with pytest.raises(PlanFileError) as caught:
        read_plan(text, where="p.json")
    assert says in caught.value.message and caught.value.where == "p.json"


def test_every_bad_number_is_listed_by_pointer(plan_json: dict[str, object]) -> None:
    text = json.dumps(plan_json | {"total_hours": float("nan"), "total_cost": "12", "optimal": "true"})
    with pytest.raises(PlanFileError) as caught:
        read_plan(text, where="p.json")
    assert {p.split(":")[0] for p in caught.value.problems} == {"/total_hours", "/total_cost", "/optimal"}
