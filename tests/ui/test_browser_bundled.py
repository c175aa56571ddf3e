"""The app on the bundled catalogue (all of ESCO) in a real browser: pickers over thousands of entries search as
you type, the page stays small, and a plan goes through."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.model import Kind
from recommender.service import CredpathService
from tests.ui.test_browser import download_json, page, pick, pytestmark, served
from ui.app import build_app

__all__ = ["page", "pytestmark"]

PAGE_LIMIT = 2 * 2**20
"""The page's configuration, sent to every visitor: with every ESCO skill in every picker it was 21 MB."""


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with served(build_app(CredpathService.bundled())) as url:
        yield url


def test_the_page_sends_no_catalogue_sized_lists(app_url: str) -> None:
    with urllib.request.urlopen(app_url + "config", timeout=60) as answer:
        config = answer.read()
    assert len(config) < PAGE_LIMIT, f"the page's configuration is {len(config):,} bytes"
    pickers = {
        c["props"].get("elem_id"): len(c["props"].get("choices") or [])
        for c in json.loads(config)["components"]
        if c.get("type") == "dropdown"
    }
    assert pickers["learner-skills"] == 0 and pickers["learner-have"] == 0 and pickers["learner-occupation"] == 0


def test_pickers_search_as_you_type_and_the_plan_goes_through(page: Any, tmp_path: Path) -> None:
    pick(page, "learner-occupation", "data analy", "data analyst")
    pick(page, "learner-have", "use spreadsh", "use spreadsheets software (skill)")
    page.keyboard.press("Escape")
    pick(page, "learner-skills", "pytho", "Python (computer programming)")
    page.keyboard.press("Escape")
    page.locator("#learner-plan").click()
    page.locator("#learner-output table").wait_for()
    assert "Verified: " in page.locator("#learner-output").inner_text()
    plan = download_json(page, "#learner-download", tmp_path / "plan.json")
    service = CredpathService.bundled()
    assert [service.graph.label((Kind.skill, i)) for i in plan["request"]["have"]] == ["use spreadsheets software"]
    assert [service.graph.label((Kind.skill, i)) for i in plan["request"]["targets"]["skills"]] == [
        "Python (computer programming)"
    ]
    assert plan["request"]["targets"]["occupation"] and plan["verification"]["valid"]


def test_the_goal_box_fills_a_searched_picker_with_its_label(page: Any) -> None:
    page.locator("#goal-text textarea").fill("I want to become a nurse")
    page.locator("#goal-find").click()
    page.locator("#goal-candidates").wait_for(state="visible")
    box = page.locator("#learner-occupation input[role='combobox']")
    page.wait_for_function("() => document.querySelector(\"#learner-occupation input[role='combobox']\").value")
    assert "nurse" in box.input_value() and "http" not in box.input_value()
