"""The Advisor tab in a real browser, signed in: draft, break a prerequisite, re-plan, compare, export, sign out.

Then a second advisor signs in and cannot see the first one's draft, neither on the page nor through the API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recommender.drafts.store import DraftStore, database_url
from recommender.export import ctdl
from recommender.profile import LearnerProfile, Objective, Targets
from recommender.service import CredpathService
from recommender.users import Actor, AuthFile, Role
from tests.ui.test_browser import CHROMIUM, CHROMIUM_ARGS, served
from ui.app import auth_options, build_app

SCREENSHOT = Path("/tmp/credpath-advisor.png")
PASSWORDS = {"ana": "ana-password-1", "ben": "ben-password-2"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (make browser installs it)"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DraftStore]:
    opened = DraftStore(database_url(None, tmp_path_factory.mktemp("drafts")))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def app_url(service: CredpathService, store: DraftStore) -> Iterator[str]:
    auth = AuthFile()
    for name, password in PASSWORDS.items():
        auth = auth.with_user(name, Role.advisor, password)
    with served(build_app(service, auth=auth, workspace=service.workspace(store)), **auth_options(auth)) as url:
        yield url


@pytest.fixture
def browser_context(app_url: str) -> Iterator[Any]:
    from playwright.sync_api import Route, sync_playwright

    outside: list[str] = []

    def only_local(route: Route) -> None:
        if route.request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            context.set_default_timeout(60_000)
            context.route("**/*", only_local)
            yield context
        finally:
            browser.close()
    assert outside == [], f"the page tried to fetch from outside: {outside}"


def sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url, wait_until="networkidle")
    page.locator("input[type='text']").first.fill(username)
    page.locator("input[type='password']").first.fill(PASSWORDS[username])
    page.get_by_role("button", name="Login").click()
    page.get_by_role("tab", name="Advisor").click()
    page.locator("#advisor-who").get_by_text(f"Signed in as {username}").wait_for()


def pick(page: Any, elem_id: str, text: str, option: str) -> None:
    box = page.locator(f"#{elem_id} input[role='combobox']")
    box.click()
    box.fill(text)
    page.get_by_role("option", name=option, exact=True).click()


def wait_for_view(page: Any, text: str) -> str:
    view = page.locator("#advisor-view")
    view.get_by_text(text).first.wait_for()
    return str(view.inner_text())


def api_call(page: Any, url: str, endpoint: str, data: list[Any]) -> str:
    """Call an endpoint the way any API client would, with this page's sign-in cookie."""
    started = page.request.post(f"{url}gradio_api/call/{endpoint}", data={"data": data})
    assert started.ok, started.text()
    event = started.json()["event_id"]
    return str(page.request.get(f"{url}gradio_api/call/{endpoint}/{event}").text())


def test_advisor_drafts_edits_compares_exports_and_keeps_drafts_private(
    browser_context: Any, app_url: str, store: DraftStore, service: CredpathService, lookup: Any, tmp_path: Path
) -> None:
    profile = LearnerProfile(targets=Targets(occupation=lookup("occupation", "data analyst")))
    expected = service.plan(profile)
    steps = expected.steps
    needed, dependant = next(
        (s, later) for later in steps for m in later.requirements_met_by if m.step for s in steps if s.index == m.step
    )

    page = browser_context.new_page()
    sign_in(page, app_url, "ana")
    page.locator("#advisor-learner input, #advisor-learner textarea").first.fill("Alex Morgan")
    pick(page, "advisor-occupation", "data an", "data analyst")
    page.locator("#advisor-new").click()
    text = wait_for_view(page, "Verified:")
    assert "Alex Morgan" in text
    rows = page.locator("#advisor-steps tbody tr td:nth-child(2)").all_inner_texts()
    assert [r.strip() for r in rows] == [s.name for s in steps]
    (saved_draft,) = store.list(Actor("ana", Role.advisor))
    draft_id = saved_draft.id

    pick(page, "advisor-step", needed.name, f"{needed.index}. {needed.name} · {needed.provider}")
    page.locator("#advisor-remove").click()
    wait_for_view(page, "problem(s) flagged")
    flagged_row = page.locator(f"#advisor-steps tr[data-step='{dependant.index - 1}']")
    assert dependant.name in flagged_row.inner_text()
    assert "requirements are met" in flagged_row.locator(".advisor-flag").first.inner_text()
    page.screenshot(path=str(SCREENSHOT.with_name("credpath-advisor-flag.png")), full_page=True)

    page.locator("#advisor-replan").click()
    text = wait_for_view(page, "Verified:")
    assert needed.name not in page.locator("#advisor-steps").inner_text()
    assert page.locator("#advisor-view .advisor-flag").count() == 0

    page.locator("#advisor-learner input, #advisor-learner textarea").first.fill("Alex Morgan (cheapest)")
    page.locator("#advisor-objective").get_by_label("cost").check()
    page.locator("#advisor-new").click()
    wait_for_view(page, "Alex Morgan (cheapest)")
    page.get_by_text("Compare", exact=True).first.click()
    box = page.locator("#advisor-compare-pick input[role='combobox']")
    for summary in store.list(Actor("ana", Role.advisor)):
        box.click()
        box.fill(summary.learner)
        page.get_by_role("option", name=f"{summary.learner} [{summary.id[:8]}]", exact=True).click()
    page.keyboard.press("Escape")
    page.locator("#advisor-compare").click()
    compared = page.locator("#advisor-compared table")
    compared.wait_for()
    assert "Only here: credentials" in compared.inner_text()

    page.get_by_text("Export", exact=True).first.click()
    page.locator("#advisor-format").get_by_label("ctdl").check()
    page.locator("#advisor-export").click()
    link = page.locator("#advisor-download a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "pathway.jsonld"
    info.value.save_as(saved)
    read = ctdl.read(json.loads(saved.read_text(encoding="utf-8")))
    cheapest = service.plan(profile.model_copy(update={"objective": Objective.cost}))
    assert read.name == "Pathway to data analyst" and read.steps == cheapest.credential_ids
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.locator("#advisor-signout").click()
    page.get_by_role("button", name="Login").wait_for()

    other = browser_context.new_page()
    sign_in(other, app_url, "ben")
    drafts = other.locator("#advisor-drafts input[role='combobox']")
    drafts.click()
    assert other.get_by_role("option").filter(has_text="Alex Morgan").count() == 0
    other.keyboard.press("Escape")
    answer = api_call(other, app_url, "advisor_open", [draft_id])
    assert "no draft" in answer and "Alex Morgan" not in answer
    gaps = api_call(other, app_url, "gaps", [[], "", None, 0.5])
    assert "may not do this" in gaps and "sign in as provider or admin" in gaps
