"""The web page's header names the language model in use, or says there is none."""

from __future__ import annotations

import pytest

from recommender.service import CredpathService
from ui import serving
from ui.app import build_app, model_summary


def test_the_header_names_the_model_and_never_the_key(
    service: CredpathService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CREDPATH_LLM", raising=False)
    assert "no language model configured" in model_summary(service)
    monkeypatch.setenv("CREDPATH_LLM", "openai:gpt-4o-mini")
    monkeypatch.setenv("CREDPATH_LLM_API_KEY", "sk-header-secret")
    shown = model_summary(service)
    assert "`openai:gpt-4o-mini`" in shown and "sk-header-secret" not in shown


def test_events_that_wait_on_a_model_run_in_the_llm_pool(
    service: CredpathService, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = {"plan_page", "find_goal_options", "resolve_goal"}

    def pools() -> dict[str, str]:
        return {f.api_name: f.concurrency_id for f in build_app(service).fns.values() if f.api_name in waits}

    monkeypatch.delenv("CREDPATH_LLM", raising=False)
    assert pools() == dict.fromkeys(waits, serving.SOLVE_POOL)
    monkeypatch.setenv("CREDPATH_LLM", "openai:gpt-4o-mini")
    assert pools() == dict.fromkeys(waits, serving.LLM_POOL)
