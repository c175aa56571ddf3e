"""The learner page's pictures in a real browser: a plan brings its DAG and timeline, served from 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.test_browser import app_url, page, pick, pytestmark

__all__ = ["app_url", "page", "pytestmark"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def test_plan_shows_dag_and_timeline_under_the_table(page: Any) -> None:
    pick(page, "learner-occupation", "data sci", "data scientist")
    page.locator("#learner-hours-per-week textarea, #learner-hours-per-week input").first.fill("8")
    page.locator("#learner-plan").click()
    page.locator("#learner-output table").wait_for()
    for elem_id in ("learner-dag", "learner-timeline"):
        picture = page.locator(f"#{elem_id} img")
        picture.wait_for(state="attached")
        picture.scroll_into_view_if_needed()  # the page loads its images lazily
        page.wait_for_function(
            "id => { const img = document.querySelector(`#${id} img`); return img && img.naturalWidth > 0 }",
            arg=elem_id,
        )
        assert picture.get_attribute("src").startswith("http://127.0.0.1:")
        assert picture.get_attribute("alt")
    table_box = page.locator("#learner-output table").bounding_box()
    dag_box = page.locator("#learner-dag").bounding_box()
    assert dag_box["y"] > table_box["y"] + table_box["height"] - 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "learner-pictures.png"), full_page=True)
