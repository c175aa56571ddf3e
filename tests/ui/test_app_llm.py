"""The web page's header names the language model in use, or says there is none."""

from __future__ import annotations

import pytest

from recommender.service import CredpathService
from ui.app import model_summary


def test_the_header_names_the_model_and_never_the_key(
    service: CredpathService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CREDPATH_LLM", raising=False)
    assert "no language model configured" in model_summary(service)
    monkeypatch.setenv("CREDPATH_LLM", "openai:gpt-4o-mini")
    monkeypatch.setenv("CREDPATH_LLM_API_KEY", "sk-header-secret")
    shown = model_summary(service)
    assert "`openai:gpt-4o-mini`" in shown and "sk-header-secret" not in shown
