"""The provider page in a real browser: a ranked gap report with charts and downloads, and a broken upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.test_browser import app_url, download_json, page, pytestmark

__all__ = ["app_url", "page", "pytestmark"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def open_provider_tab(page: Any) -> None:
    page.get_by_role("tab", name="Provider").click()
    page.locator("#provider-report").wait_for(state="visible")


def test_provider_gets_a_ranked_report_with_charts_and_downloads(page: Any, tmp_path: Path) -> None:
    open_provider_tab(page)
    area = page.locator("#provider-area textarea, #provider-area input").first
    area.fill("data")
    area.press("Enter")
    page.locator("#provider-found").get_by_text("occupation(s)").wait_for()
    page.locator("#provider-report").click()
    page.locator("#provider-summary").get_by_text("Gap report").wait_for()
    for elem_id in ("provider-missing-chart", "provider-coverage-chart"):
        picture = page.locator(f"#{elem_id} img")
        picture.wait_for(state="attached")
        picture.scroll_into_view_if_needed()
        page.wait_for_function(
            "id => { const img = document.querySelector(`#${id} img`); return img && img.naturalWidth > 0 }",
            arg=elem_id,
        )
    coverage = page.locator("#provider-coverage")
    coverage.get_by_text("data scientist").first.wait_for(state="attached")
    assert "data analyst" in coverage.text_content()
    report = download_json(page, "#provider-json", tmp_path / "gaps.json")
    assert report["schema_version"] == "1.0"
    assert {c["label"] for c in report["coverage"]} >= {"data analyst", "data scientist"}
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "provider-report.png"), full_page=True)


def test_a_broken_upload_is_explained_next_to_the_field(page: Any, tmp_path: Path) -> None:
    open_provider_tab(page)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    page.locator("#provider-upload input[type=file]").set_input_files(str(broken))
    alert = page.locator("#provider-catalogue .credpath-error")
    alert.wait_for()
    assert "Could not read the catalogue." in alert.inner_text()
    assert "How to fix it" in alert.inner_text()
    page.locator("#provider-report").click()
    page.locator("#provider-summary .credpath-error").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "provider-broken-upload.png"), full_page=True)
