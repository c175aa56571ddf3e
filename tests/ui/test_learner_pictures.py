"""The learner page's pictures: the handler turns the downloaded plan JSON into a DAG and a timeline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from recommender.service import CredpathService
from tests.recommender.test_pictures import chain, plan
from tests.ui.test_app import form
from ui import pictures
from ui.app import build_app
from ui.learner import plan_handler, plan_pictures_handler

Lookup = Callable[[str, str], str]


def test_a_plan_gets_its_dag_and_timeline(service: CredpathService, lookup: Lookup) -> None:
    _, path = plan_handler(service, **form(occupation=lookup("occupation", "data scientist"), hours_per_week="8"))
    dag, timeline = plan_pictures_handler(path)
    assert dag is not None and timeline is not None
    assert dag != timeline
    steps = len(json.loads(Path(path or "").read_text(encoding="utf-8"))["steps"])
    with Image.open(dag) as picture:
        assert picture.format == "PNG" and picture.width > 600
    with Image.open(timeline) as picture:
        assert picture.format == "PNG" and picture.height > 20 * steps


def test_no_plan_no_pictures(service: CredpathService) -> None:
    text, path = plan_handler(service, **form())
    assert "Could not plan" in text
    assert plan_pictures_handler(path) == (None, None)


def test_a_file_that_is_no_plan_has_no_pictures(tmp_path: Path) -> None:
    other = tmp_path / "notes.json"
    other.write_text('{"steps": []}', encoding="utf-8")
    assert plan_pictures_handler(str(other)) == (None, None)
    assert plan_pictures_handler(str(tmp_path / "missing.json")) == (None, None)


def test_a_plan_with_nothing_to_take_has_no_pictures(service: CredpathService, lookup: Lookup) -> None:
    sql = lookup("skill", "SQL")
    _, path = plan_handler(service, **form(skills=[sql], have=[sql]))
    assert path is not None
    assert plan_pictures_handler(path) == (None, None)


def test_the_page_has_both_pictures_and_their_endpoint(service: CredpathService) -> None:
    config = build_app(service).get_config_file()
    ids = {c.get("props", {}).get("elem_id") for c in config["components"]}
    assert {"learner-dag", "learner-timeline"} <= ids
    assert "plan_pictures" in json.dumps(config["dependencies"])


def test_saved_pictures_are_named_by_content() -> None:
    pathway = plan(chain(4))
    first = pictures.plan_pictures(pathway)
    assert first is not None and first == pictures.plan_pictures(pathway)
    assert all(Path(p).read_bytes().startswith(b"\x89PNG") for p in first)
    assert pictures.plan_pictures(pathway.model_copy(update={"steps": ()})) is None
