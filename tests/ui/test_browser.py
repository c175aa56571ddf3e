"""The learner page in a real browser: Debian's chromium, driven by Playwright, against the app on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from bench.common import free_port
from recommender.service import CredpathService
from ui.app import build_app, launch_options

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path("/tmp/credpath-learner.png")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (make browser installs it)"),
]


@contextmanager
def served(demo: gr.Blocks, **options: Any) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 with credpath's launch options (plus ``options``); yields its URL."""
    port = free_port()
    demo.launch(
        prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True, **launch_options(), **options
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def app_url(service: CredpathService) -> Iterator[str]:
    with served(build_app(service)) as url:
        yield url


@pytest.fixture
def page(app_url: str) -> Iterator[Any]:
    """A fresh page on the app; any request leaving this machine is refused and recorded, then asserted absent."""
    from playwright.sync_api import Route, sync_playwright

    outside: list[str] = []

    def only_local(route: Route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            tab = context.new_page()
            tab.set_default_timeout(60_000)
            tab.route("**/*", only_local)
            tab.goto(app_url, wait_until="networkidle")
            tab.wait_for_selector("#learner-plan")
            yield tab
        finally:
            browser.close()
    assert outside == [], f"the page tried to fetch from outside: {outside}"


def pick(page: Any, elem_id: str, text: str, option: str) -> None:
    """Search a Gradio dropdown by typing (key by key: long lists search on the server as keys go up), then
    choose the option with exactly this label."""
    box = page.locator(f"#{elem_id} input[role='combobox']")
    box.click()
    box.press_sequentially(text, delay=20)
    page.get_by_role("option", name=option, exact=True).click()


def download_json(page: Any, selector: str, saved: Path) -> Any:
    """Click the download button or link at ``selector`` once it shows, save the file at ``saved``, read its JSON."""
    button = page.locator(selector)
    button.wait_for(state="visible")
    with page.expect_download() as info:
        button.click()
    info.value.save_as(saved)
    return json.loads(saved.read_text(encoding="utf-8"))


def test_learner_plans_a_pathway(page: Any, tmp_path: Path) -> None:
    assert "34 credentials" in page.locator("#catalogue-summary").inner_text()
    pick(page, "learner-occupation", "data an", "data analyst")
    pick(page, "learner-have", "python for", "Python for Beginners · Harbourline Academy (credential)")
    page.keyboard.press("Escape")
    page.locator("#learner-max-cost textarea, #learner-max-cost input").first.fill("5000")
    page.locator("#learner-plan").click()

    table = page.locator("#learner-output table")
    table.wait_for()
    output = page.locator("#learner-output").inner_text()
    assert "SQL Basics" in table.inner_text()
    assert "Python for Beginners" not in table.inner_text()
    assert "Verified: " in output
    assert "minimising hours (optimal)" in output

    plan = download_json(page, "#learner-download", tmp_path / "plan.json")
    assert plan["verification"]["valid"] is True
    assert plan["request"]["constraints"]["max_cost"] == 5000
    assert plan["total_cost"] <= 5000
    assert [s["name"] for s in plan["steps"]] == [
        cell.strip() for cell in table.locator("tbody tr td:nth-child(3)").all_inner_texts()
    ]
    for fmt, suffix in (("html", ".html"), ("markdown", ".md")):
        button = page.locator(f"#learner-download-{fmt}")
        button.wait_for(state="visible")
        with page.expect_download() as info:
            button.click()
        assert info.value.suggested_filename.endswith(suffix)
        assert "Spreadsheet Foundations" in Path(info.value.path()).read_text(encoding="utf-8")
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_learner_without_target_sees_how_to_fix_it(page: Any) -> None:
    page.locator("#learner-plan").click()
    alert = page.locator("#learner-output .credpath-error")
    alert.wait_for()
    text = alert.inner_text()
    assert "Could not plan." in text
    assert "no target given" in text
    assert "How to fix it:" in text and "Target occupation" in text
    assert page.locator("#learner-download").is_hidden()
    page.screenshot(path=str(SCREENSHOT.with_name("credpath-learner-error.png")), full_page=True)
