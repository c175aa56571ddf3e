"""Hostile catalogue text in a real browser: the plan shows it as text, creates no element and fetches nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from recommender.escape import safe_url
from recommender.service import CredpathService
from tests.markup import HOSTILE_TEXT, LONG_NAME, markup_catalogue
from tests.ui.test_browser import CHROMIUM, CHROMIUM_ARGS, served
from ui.app import build_app

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (make browser installs it)"),
]

BUILT_TAGS = {"DIV", "SPAN", "H1", "H2", "P", "STRONG", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD", "UL", "LI", "A"}
"""The elements the plan's own Markdown makes (Gradio wraps it in DIVs and SPANs); catalogue text makes none."""

OUTPUT_REPORT = """
(root) => {
  const elements = Array.from(root.querySelectorAll("*"));
  return {
    tags: Array.from(new Set(elements.map((e) => e.tagName))),
    handlers: elements.flatMap((e) => e.getAttributeNames().filter((a) => a.toLowerCase().startsWith("on"))),
    links: Array.from(root.querySelectorAll("a")).map((a) => a.getAttribute("href")),
    sources: elements.filter((e) => e.hasAttribute("src") || e.hasAttribute("srcset")).map((e) => e.outerHTML),
  };
}
"""

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def markup_url() -> Iterator[str]:
    with served(build_app(CredpathService(markup_catalogue()))) as url:
        yield url


@dataclass
class Visit:
    """A chromium page on the markup app, with every request it made and every dialog it opened."""

    page: Any
    requested: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def visit(markup_url: str) -> Iterator[Visit]:
    """A fresh page on the markup app; afterwards, no dialog opened and nothing left 127.0.0.1."""
    from playwright.sync_api import Route, sync_playwright

    def only_local(route: Route) -> None:
        if route.request.url.startswith((markup_url, "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            seen = Visit(page)
            page.set_default_timeout(60_000)
            page.on("request", lambda request: seen.requested.append(request.url))
            page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
            page.route("**/*", only_local)
            page.goto(markup_url, wait_until="networkidle")
            yield seen
        finally:
            browser.close()
    assert seen.dialogs == [], f"catalogue text ran script: {seen.dialogs}"
    outside = [url for url in seen.requested if not url.startswith((markup_url, "data:", "blob:"))]
    assert outside == [], f"the page requested from outside its origin: {outside}"
    assert any(url.startswith(markup_url) for url in seen.requested)


def test_hostile_catalogue_text_stays_text_and_nothing_is_fetched(visit: Visit) -> None:
    page = visit.page

    header = page.locator("#catalogue-summary")
    assert flat(markup_catalogue().name) in header.inner_text()
    assert header.locator("img, script, code").count() == 0

    held = page.locator("#learner-have input[role='combobox']")
    held.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    labels = options.all_inner_texts()
    assert f"{flat(HOSTILE_TEXT[0])} · {flat(HOSTILE_TEXT[-1])} (credential)" in labels
    assert page.locator("[role='listbox'] :is(img, script, iframe, a, code)").count() == 0
    page.keyboard.press("Escape")

    box = page.locator("#learner-occupation input[role='combobox']")
    box.click()
    box.fill("hostile")
    page.get_by_role("option", name="<b>hostile</b> | job", exact=True).click()
    page.locator("#learner-plan").click()
    output = page.locator("#learner-output")
    output.locator("table").wait_for()
    page.wait_for_load_state("networkidle")

    catalogue = markup_catalogue()
    planned = [c for c in catalogue.credentials if c.name in HOSTILE_TEXT]
    rows = output.locator("tbody tr")
    assert rows.count() == len(planned) == len(HOSTILE_TEXT)
    for row in rows.all():
        assert row.locator("td").count() == 8
    names = [c.strip() for c in output.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    providers = [c.strip() for c in output.locator("tbody tr td:nth-child(4)").all_inner_texts()]
    credentials = {flat(c.name): c for c in planned}
    assert sorted(names) == sorted(credentials)
    assert providers == [flat(credentials[n].provider) for n in names]

    report = output.evaluate(OUTPUT_REPORT)
    assert set(report["tags"]) <= BUILT_TAGS, report["tags"]
    assert report["handlers"] == [] and report["sources"] == []
    urls = {safe_url(c.url) for c in planned} - {None}
    assert report["links"] and all(link.startswith(("http://", "https://")) for link in report["links"])
    assert len(report["links"]) == sum(1 for c in planned if safe_url(c.url))
    assert {link.split("://", 1)[1][:20] for link in report["links"]} <= {str(u).split("://", 1)[1][:20] for u in urls}
    assert LONG_NAME in output.inner_text()
    assert page.evaluate(PAGE_WIDTH) <= 1280, "a long name widened the page instead of wrapping"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "credpath-markup.png"), full_page=True)


def test_provider_tab_shows_catalogue_text_as_text(visit: Visit) -> None:
    """The gap report over the markup catalogue: summary, area search and tables create no element."""
    page = visit.page
    page.get_by_role("tab", name="Provider").click()
    area = page.locator("#provider-area textarea, #provider-area input").first
    area.fill("job")
    area.press("Enter")
    found = page.locator("#provider-found")
    found.get_by_text("occupation(s)").wait_for()
    assert "<b>hostile</b> | job" in found.inner_text()
    page.locator("#provider-report").click()
    summary = page.locator("#provider-summary")
    summary.get_by_text("Gap report").wait_for()
    missing = page.locator("#provider-missing")
    missing.get_by_text("untaught").first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    assert flat(markup_catalogue().name) in summary.inner_text()
    for elem_id in ("provider-summary", "provider-found", "provider-missing", "provider-unmeetable"):
        report = page.locator(f"#{elem_id}").evaluate(OUTPUT_REPORT)
        assert report["handlers"] == [] and report["sources"] == [] and report["links"] == [], (elem_id, report)
        assert not {"IMG", "SCRIPT", "IFRAME", "STYLE", "CODE", "EM", "math"} & set(report["tags"]), elem_id
    assert "unmeetable <script>alert(7)</script> | *x*" in page.locator("#provider-unmeetable").text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "credpath-markup-provider.png"), full_page=True)
