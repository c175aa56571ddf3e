"""The goal box in a real browser: a pivot in plain words, its top candidate, every background skill ticked, a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.test_browser import app_url, download_json, page, pytestmark

__all__ = ["app_url", "page", "pytestmark"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PIVOT = "I'm a software developer and want to become a data analyst"


def test_goal_in_words_then_ticks_then_plan(page: Any, tmp_path: Path) -> None:
    page.locator("#goal-text textarea").fill(PIVOT)
    page.locator("#goal-find").click()
    candidates = page.locator("#goal-candidates")
    candidates.wait_for(state="visible")
    top = candidates.get_by_role("radio").first
    assert "data analyst" in candidates.locator("label").first.inner_text()
    assert top.is_checked()
    assert "data analyst" in page.locator("#learner-occupation input[role='combobox']").input_value()

    background = page.locator("#goal-background")
    background.wait_for(state="visible")
    boxes = background.get_by_role("checkbox")
    count = boxes.count()
    assert count > 0 and not any(boxes.nth(i).is_checked() for i in range(count))
    page.locator("#goal-all-held").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#goal-background input[type=checkbox]:checked').length === n", arg=count
    )
    page.wait_for_function("n => document.querySelectorAll('#learner-have .token').length >= n", arg=count)

    page.locator("#learner-plan").click()
    page.locator("#learner-output table").wait_for()
    output = page.locator("#learner-output").inner_text()
    assert "Verified: " in output and "you confirmed them" in output

    plan = download_json(page, "#learner-download", tmp_path / "plan.json")
    assert plan["goal"]["text"] == PIVOT
    assert plan["goal"]["chosen"] == plan["request"]["targets"]["occupation"]
    assumed = plan["goal"]["background"]["assumed"]
    assert len(assumed) == count and set(assumed) <= set(plan["request"]["have"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "learner-goal.png"), full_page=True)
