"""The whole app in chromium: every input is labelled, the main flows work from the keyboard, bad input is explained."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.test_bad_input import sparse
from tests.ui.test_browser import app_url, page, pytestmark

__all__ = ["app_url", "page", "pytestmark"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
NATIVE = Path(__file__).resolve().parents[1] / "fixtures" / "native"

UNLABELLED = """
() => {
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
  const text = el => (el ? (el.innerText || el.textContent || '').trim() : '');
  const name = el => {
    const by = el.getAttribute('aria-labelledby');
    return (el.getAttribute('aria-label') || '').trim()
      || (by ? by.split(/\\s+/).map(id => text(document.getElementById(id))).join(' ').trim() : '')
      || [...(el.labels || [])].map(text).join(' ').trim()
      || text(el.closest('label'))
      || (el.getAttribute('title') || '').trim()
      || (['BUTTON', 'A'].includes(el.tagName) || el.getAttribute('role') === 'tab' ? text(el) : '');
  };
  const fields = 'input:not([type=hidden]), textarea, select, button, [role=combobox], [role=slider], '
    + '[role=checkbox], [role=radio], [role=tab], [contenteditable=true]';
  return [...document.querySelectorAll(fields)]
    .filter(el => visible(el) || (el.type === 'file' && visible(el.closest('[id]') || el)))
    .filter(el => !name(el))
    .map(el => el.outerHTML.slice(0, 160));
}
"""


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def open_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.get_by_role("tab", name=name, selected=True).wait_for()


FOCUSED_IN = "([s, text]) => { const el = document.activeElement && document.activeElement.closest(s); "
FOCUSED_IN += "return !!el && (!text || el.innerText.trim() === text); }"


def tab_to(page: Any, selector: str, text: str = "", limit: int = 80) -> None:
    """Press Tab until the focus is inside ``selector`` (with this text, if given); fail if it never gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_IN, [selector, text]):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector} {text}")


def test_the_header_names_catalogue_model_and_workspaces(page: Any) -> None:
    assert "34 credentials" in page.locator("#catalogue-summary").inner_text()
    assert "no language model configured" in page.locator("#language-model").inner_text()
    names = [t.strip() for t in page.get_by_role("tab").all_inner_texts()]
    assert {"Learner", "Provider"} <= set(names)


def test_every_input_has_an_accessible_name(page: Any) -> None:
    for tab in ("Learner", "Provider"):
        open_tab(page, tab)
        if tab == "Learner":
            page.locator("#check").get_by_text("Check a plan file").click()
            page.locator("#check-run").wait_for(state="visible")
        unlabelled = page.evaluate(UNLABELLED)
        assert unlabelled == [], f"{tab}: inputs without an accessible name: {unlabelled}"
    for label in ("Target occupation", "Max total hours", "Hours per week"):
        open_tab(page, "Learner")
        assert page.get_by_label(label).first.is_visible()


def test_a_learner_plans_with_the_keyboard_only(page: Any) -> None:
    page.locator("body").focus()
    tab_to(page, "#learner-occupation")
    page.keyboard.type("data an")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#learner-occupation input').value === 'data analyst'")
    tab_to(page, "#learner-max-cost")
    page.keyboard.type("5000")
    tab_to(page, "#learner-plan")
    page.keyboard.press("Enter")
    table = page.locator("#learner-output table")
    table.wait_for()
    assert "SQL Basics" in table.inner_text()
    assert "Verified: " in page.locator("#learner-output").inner_text()
    tab_to(page, "#learner-download")
    with page.expect_download() as info:
        page.keyboard.press("Space")
    assert info.value.suggested_filename.endswith(".json")
    shot(page, "keyboard-learner.png")


def test_a_provider_gets_a_report_with_the_keyboard_only(page: Any) -> None:
    page.locator("body").focus()
    tab_to(page, "[role=tab]", "Provider")
    page.keyboard.press("Enter")
    page.locator("#provider-report").wait_for(state="visible")
    tab_to(page, "#provider-area")
    page.keyboard.type("data")
    page.keyboard.press("Enter")
    page.locator("#provider-found").get_by_text("occupation(s)").wait_for()
    tab_to(page, "#provider-report")
    page.keyboard.press("Enter")
    page.locator("#provider-summary").get_by_text("Gap report").wait_for()
    page.locator("#provider-coverage").get_by_text("data analyst").first.wait_for(state="attached")
    shot(page, "keyboard-provider.png")


def test_bad_uploads_are_explained_beside_their_fields_and_the_page_works_on(page: Any, tmp_path: Path) -> None:
    not_json = tmp_path / "plan.json"
    not_json.write_text("{not json", encoding="utf-8")
    page.locator("#check").get_by_text("Check a plan file").click()
    page.locator("#check-upload input[type=file]").set_input_files(str(not_json))
    page.locator("#check-run").click()
    alert = page.locator("#check-verdict .credpath-error")
    alert.wait_for()
    assert "not JSON" in alert.inner_text() and "How to fix it" in alert.inner_text()
    shot(page, "bad-plan-file.png")

    open_tab(page, "Provider")
    page.locator("#provider-upload input[type=file]").set_input_files(str(NATIVE / "cycle.yaml"))
    warning = page.locator("#provider-catalogue .credpath-error")
    warning.wait_for()
    assert "depend on itself" in warning.inner_text() and "break the cycle" in warning.inner_text()
    shot(page, "cyclic-catalogue.png")

    huge = sparse(tmp_path / "huge.json", 60)
    clear = "#provider-upload button[aria-label='Clear'], #provider-upload button[aria-label='Remove']"
    page.locator(clear).first.click()
    page.locator("#provider-upload input[type=file]").set_input_files(huge)
    alert = page.locator("#provider-catalogue .credpath-error")
    alert.get_by_text("60.0 MB").wait_for()
    assert "How to fix it" in alert.inner_text()
    shot(page, "huge-upload.png")

    open_tab(page, "Learner")
    page.locator("#learner-occupation input[role='combobox']").click()
    page.locator("#learner-occupation input[role='combobox']").fill("data an")
    page.get_by_role("option", name="data analyst", exact=True).click()
    page.locator("#learner-plan").click()
    page.locator("#learner-output table").wait_for()
