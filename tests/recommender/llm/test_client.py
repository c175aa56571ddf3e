"""The real client path against an OpenAI-compatible server on 127.0.0.1: both structured-output modes and failures."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from bench.common import free_port
from graph.errors import ConfigError, LLMError
from recommender.llm.answers import PlanAnswer
from recommender.llm.config import Session, chat_model
from recommender.llm.planner import LLMPlanner
from recommender.problem import PlanProblem
from recommender.settings import LLMSettings
from tests.recommender.llm.conftest import answer
from tests.recommender.llm.openai_stub import HANG, serve

KEY = "sk-test-very-secret-4242"
METHODS = ("json_schema", "function_calling")


def settings(url: str, method: str = "json_schema", **extra: Any) -> LLMSettings:
    values: dict[str, Any] = {
        "llm": "openai:gpt-4o-mini",
        "llm_base_url": url,
        "llm_api_key": KEY,
        "llm_method": method,
        "llm_timeout": 2.0,
        "llm_retries": 0,
        "llm_deadline": 10.0,
    }
    return LLMSettings(**(values | extra))


@pytest.fixture(autouse=True)
def _no_tiktoken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Token counting would make tiktoken fetch an encoding: nothing on this path may call it."""
    import tiktoken

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("tiktoken was called")

    monkeypatch.setattr(tiktoken, "get_encoding", refuse)
    monkeypatch.setattr(tiktoken, "encoding_for_model", refuse)


@pytest.mark.parametrize("method", METHODS)
def test_a_structured_answer_in_either_mode(method: str) -> None:
    with serve([answer(["c1"])]) as (url, script):
        session = Session(settings(url, method))
        got = session.ask(["plan please"], PlanAnswer)
    assert got.steps[0].credential_id == "c1"
    sent = script.requests[0]
    assert ("response_format" in sent) == (method == "json_schema")
    assert ("tools" in sent) == (method == "function_calling")
    assert sent["_authorization"] == f"Bearer {KEY}"
    assert session.usage.calls == 1 and session.usage.output_tokens == 42


@pytest.mark.parametrize("method", METHODS)
def test_prose_an_http_error_and_a_hang_become_llm_errors_without_the_key(method: str) -> None:
    for scripted, expected in (
        ("You should study statistics first.", "not the required JSON structure"),
        (429, "rate limiting"),
        (500, "answered with an error"),
        (HANG, "did not answer in time"),
    ):
        with serve([scripted]) as (url, _):
            started = time.monotonic()
            with pytest.raises(LLMError) as caught:
                Session(settings(url, method, llm_timeout=1.0)).ask(["plan please"], PlanAnswer)
        assert time.monotonic() - started < 5
        assert expected in caught.value.message
        assert KEY not in caught.value.message


def test_a_server_that_is_down() -> None:
    port = free_port()
    with pytest.raises(LLMError) as caught:
        Session(settings(f"http://127.0.0.1:{port}/v1")).ask(["plan please"], PlanAnswer)
    assert "cannot be reached" in caught.value.message


def test_the_deadline_bounds_all_calls_of_a_request() -> None:
    with serve([HANG]) as (url, _):
        session = Session(settings(url, llm_timeout=1.0, llm_deadline=1.5))
        with pytest.raises(LLMError):
            session.ask(["a"], PlanAnswer)
        started = time.monotonic()
        with pytest.raises(LLMError) as caught:
            session.ask(["b"], PlanAnswer)
    assert time.monotonic() - started < 1.5
    assert "deadline" in caught.value.message or "in time" in caught.value.message


def test_configuration_errors_say_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("CREDPATH_LLM_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="CREDPATH_LLM"):
        chat_model(LLMSettings(llm=None))
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        chat_model(LLMSettings(llm="openai:gpt-4o-mini"))
    with pytest.raises(ConfigError, match="provider"):
        chat_model(LLMSettings(llm="no-such-provider:model"))


def test_the_key_comes_from_either_variable_and_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("CREDPATH_LLM", "openai:gpt-4o-mini")
    s = LLMSettings()
    assert s.secret() == KEY
    assert KEY not in repr(s) and KEY not in str(s.model_dump())
    monkeypatch.setenv("CREDPATH_LLM_API_KEY", "sk-other")
    assert LLMSettings().secret() == "sk-other"


@pytest.mark.parametrize("method", METHODS)
def test_the_planner_over_http_falls_back_to_the_exact_plan_when_the_server_hangs(
    method: str, problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    with serve([HANG]) as (url, _):
        llm = LLMPlanner(settings(url, method, llm_timeout=1.0))
        started = time.monotonic()
        proposal = llm.propose(problem())
    assert time.monotonic() - started < 5
    assert proposal.order == tuple(exact_order)
    assert "did not answer in time" in proposal.notes[0] and "exact plan stands in" in proposal.notes[0]


@pytest.mark.parametrize("method", METHODS)
def test_the_planner_over_http_takes_a_good_answer(
    method: str, problem: Callable[..., PlanProblem], exact_order: list[str]
) -> None:
    with serve([answer(exact_order)]) as (url, script):
        llm = LLMPlanner(settings(url, method))
        proposal = llm.propose(problem())
    assert proposal.order == tuple(exact_order)
    record = llm.record()
    assert record is not None and record.model == "openai:gpt-4o-mini" and record.usage is not None
    assert KEY not in record.model_dump_json()
    prompt = script.requests[0]["messages"][1]["content"]
    assert "<<<DATA name=CANDIDATES" in prompt


def test_the_key_is_in_no_log_line_even_at_debug_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for scripted in (answer(["c1"]), 401, 500):
        with serve([scripted]) as (url, _):
            try:
                Session(settings(url, "function_calling")).ask(["plan please"], PlanAnswer)
            except LLMError as exc:
                assert KEY not in exc.message
    assert caplog.records and KEY not in caplog.text


@pytest.mark.parametrize(("llm", "default"), [("ollama:llama3.1", 11434), ("vllm:qwen2.5", 8000)])
def test_ollama_and_vllm_go_through_their_openai_compatible_endpoint(
    llm: str, default: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    model = chat_model(LLMSettings(llm=llm))
    assert str(model.openai_api_base) == f"http://127.0.0.1:{default}/v1"
    assert model.model_name == llm.partition(":")[2]
    with serve([answer(["c1"])]) as (url, script):
        got = Session(LLMSettings(llm=llm, llm_base_url=url, llm_timeout=2.0, llm_retries=0)).ask(["plan"], PlanAnswer)
    assert got.steps[0].credential_id == "c1" and script.requests[0]["model"] == llm.partition(":")[2]
