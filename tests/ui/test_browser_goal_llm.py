"""The goal box with a language model, in a real browser: a request in words fills the limits, and the plan says
what was understood. The model is a loopback OpenAI-compatible server the test starts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recommender.service import CredpathService
from tests.recommender.llm.conftest import answer
from tests.recommender.llm.openai_stub import serve
from tests.recommender.llm.test_understand import TEXT, reply
from tests.ui.test_browser import page, pytestmark, served
from tests.ui.test_cli_llm import EXACT, narrative
from ui.app import build_app

__all__ = ["page", "pytestmark"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def configure(env: pytest.MonkeyPatch, url: str) -> None:
    """Point credpath at the loopback model at ``url``."""
    env.setenv("CREDPATH_LLM", "openai:test-model")
    env.setenv("CREDPATH_LLM_BASE_URL", url)
    env.setenv("CREDPATH_LLM_API_KEY", "sk-browser-test")
    env.setenv("CREDPATH_LLM_TIMEOUT", "5")
    env.setenv("CREDPATH_LLM_RETRIES", "0")


@pytest.fixture(scope="module")
def model_url() -> Iterator[str]:
    """The loopback model: it ranks the goal's candidates, reads the request, proposes a plan, explains it."""
    with serve([{"ids": []}, reply(), answer(EXACT), narrative()]) as (url, _):
        yield url


@pytest.fixture(autouse=True)
def _model(model_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model stays configured while the page runs (the suite's own fixture unsets it for every test)."""
    configure(monkeypatch, model_url)


@pytest.fixture(scope="module")
def app_url(service: CredpathService, model_url: str) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as env:
        configure(env, model_url)
        demo = build_app(service)
    with served(demo) as url:
        yield url


def field(page: Any, elem_id: str) -> Any:
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def test_a_request_in_words_fills_the_limits_and_the_plan_says_what_was_understood(page: Any) -> None:
    assert "Language model: openai:test-model" in page.locator("#language-model").inner_text()
    page.locator("#goal-text textarea").fill(TEXT)
    page.locator("#goal-find").click()
    message = page.locator("#goal-message")
    message.get_by_text("The language model read your limits").wait_for()
    assert "5 hours a week; online only" in message.inner_text()
    assert field(page, "learner-max-cost").input_value() == "800"
    assert field(page, "learner-hours-per-week").input_value() == "5"
    assert page.get_by_role("checkbox", name="online").is_checked()

    page.locator("#learner-plan").click()
    page.locator("#learner-output table").wait_for()
    output = page.locator("#learner-output").inner_text()
    assert "What I understood" in output and "Verified: " in output
    assert "sk-browser-test" not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "learner-goal-llm.png"), full_page=True)
