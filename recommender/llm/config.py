"""Which language model credpath talks to, and how: settings, the chat-model factory, one bounded call."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.errors import ConfigError, LLMAnswerError, LLMError
from recommender.settings import LLMSettings


def redact(text: str, settings: LLMSettings) -> str:
    """``text`` with the API key (if any) blanked out: keys never reach logs, errors or plan files."""
    key = settings.secret()
    return text.replace(key, "[key]") if key else text


LOCAL_SERVERS: dict[str, str] = {"ollama": "http://127.0.0.1:11434/v1", "vllm": "http://127.0.0.1:8000/v1"}
"""Model servers credpath reaches through their OpenAI-compatible endpoint, with the default base URL of each
(``CREDPATH_LLM_BASE_URL`` overrides it): ``ollama:llama3.1`` works without langchain-ollama."""


def chat_model(settings: LLMSettings, *, timeout: float | None = None) -> Any:
    """The configured LangChain chat model (``init_chat_model``), with timeout and bounded retries.

    Raises ConfigError when no model is configured or its provider package is missing.
    """
    if not settings.llm:
        raise ConfigError("no language model is configured", where="CREDPATH_LLM", fix="set CREDPATH_LLM")
    from langchain.chat_models import init_chat_model

    provider, _, name = settings.llm.partition(":") if ":" in settings.llm else ("openai", ":", settings.llm)
    base_url = settings.llm_base_url
    if provider in LOCAL_SERVERS:
        # Reached through its OpenAI-compatible endpoint: no extra LangChain package needed.
        base_url = base_url or LOCAL_SERVERS[provider]
        provider = "openai"
    kwargs: dict[str, Any] = {"temperature": 0}
    if base_url:
        kwargs["base_url"] = base_url
    if provider == "openai":
        kwargs["timeout"] = timeout or settings.llm_timeout
        kwargs["max_retries"] = settings.llm_retries
        # A local OpenAI-compatible server needs no key, but the client insists on one.
        kwargs["api_key"] = settings.secret() or ("not-needed" if base_url else None)
        if kwargs["api_key"] is None:
            raise ConfigError(
                f"{settings.llm} needs an API key",
                where="OPENAI_API_KEY",
                fix="set OPENAI_API_KEY or CREDPATH_LLM_API_KEY, or CREDPATH_LLM_BASE_URL for a local server",
            )
    try:
        return init_chat_model(f"{provider}:{name}", **kwargs)
    except (ImportError, ValueError) as exc:
        raise ConfigError(
            f"cannot start the language model {settings.llm!r}: {redact(str(exc), settings)}",
            where="CREDPATH_LLM",
            fix="use openai:NAME, ollama:NAME or vllm:NAME (with CREDPATH_LLM_BASE_URL for another server, such as "
            "llama.cpp's), or install the provider's LangChain package",
        ) from None


@dataclass
class Usage:
    """Token counts as the provider reported them (zero when it reports none)."""

    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0

    def add(self, message: Any) -> None:
        self.calls += 1
        meta = getattr(message, "usage_metadata", None) or {}
        self.input_tokens += int(meta.get("input_tokens", 0) or 0)
        self.output_tokens += int(meta.get("output_tokens", 0) or 0)


@dataclass
class Session:
    """The model calls made for one request: one deadline, one usage tally, one way to make a model."""

    settings: LLMSettings
    make_model: Callable[[float], Any] | None = None
    name: str | None = None
    started: float = field(default_factory=time.monotonic)
    usage: Usage = field(default_factory=Usage)

    @property
    def remaining(self) -> float:
        return self.settings.llm_deadline - (time.monotonic() - self.started)

    @property
    def model_name(self) -> str:
        return self.name or self.settings.llm or "none"

    def ask(self, messages: Sequence[Any], schema: type[Any]) -> Any:
        """One structured answer (an instance of ``schema``) within the timeout and the overall deadline.

        Raises LLMError when the model fails, hangs, or answers without the structure.
        """
        budget = min(self.settings.llm_timeout, self.remaining)
        if budget <= 0:
            raise LLMError("the overall deadline for model calls has passed", where=self.model_name)
        model = self.make_model(budget) if self.make_model else chat_model(self.settings, timeout=budget)
        try:
            runnable = model.with_structured_output(schema, method=self.settings.llm_method, include_raw=True)
        except NotImplementedError:
            raise LLMError(
                "the model does not support structured output",
                where=self.model_name,
                fix="choose a model with tool calling or JSON Schema output",
            ) from None
        result = _bounded(lambda: runnable.invoke(list(messages)), budget + 1.0)
        if isinstance(result, BaseException):
            what, malformed = _describe_failure(result, self.settings)
            if malformed:
                raise LLMAnswerError(what, where=self.model_name) from None
            raise LLMError(what, where=self.model_name) from None
        if result is _TIMED_OUT:
            raise LLMError(f"the endpoint did not answer in time (nothing in {budget:.0f} s)", where=self.model_name)
        raw = result.get("raw")
        self.usage.add(raw)
        parsed = result.get("parsed")
        if parsed is None:
            parsed = _parse_content(raw, schema)
        if parsed is None:
            shown = str(getattr(raw, "content", "") or "")[:120]
            raise LLMAnswerError(
                f"the answer was not the required JSON structure: {shown!r}",
                where=self.model_name,
                fix="use a model that supports structured output, or set CREDPATH_LLM_METHOD=function_calling",
            )
        return parsed


_TIMED_OUT = object()


def _bounded(call: Callable[[], Any], seconds: float) -> Any:
    """Run ``call`` in a daemon thread: its result, the exception it raised, or _TIMED_OUT."""
    box: list[Any] = []

    def run() -> None:
        try:
            box.append(call())
        except BaseException as exc:
            box.append(exc)

    worker = threading.Thread(target=run, name="credpath-llm-call", daemon=True)
    worker.start()
    worker.join(seconds)
    return box[0] if box else _TIMED_OUT


def _parse_content(raw: Any, schema: type[Any]) -> Any:
    """A JSON object in the message text (some servers ignore the requested format but still answer in JSON)."""
    text = str(getattr(raw, "content", "") or "").strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        return schema.model_validate(json.loads(text[start : end + 1]))
    except ValueError:
        return None


_MALFORMED = "the answer was not the required JSON structure"
_FAILURES = (
    ("ValidationError", _MALFORMED),
    ("OutputParserException", _MALFORMED),
    ("JSONDecodeError", _MALFORMED),
    ("APITimeoutError", "the endpoint did not answer in time"),
    ("TimeoutError", "the endpoint did not answer in time"),
    ("APIConnectionError", "the endpoint cannot be reached"),
    ("ConnectError", "the endpoint cannot be reached"),
    ("RateLimitError", "the endpoint is rate limiting"),
    ("AuthenticationError", "the endpoint rejected the API key"),
    ("NotFoundError", "the endpoint does not know this model"),
    ("LengthFinishReasonError", "the answer was cut off"),
    ("ContentFilterFinishReasonError", "the answer was refused"),
    ("BadRequestError", "the endpoint rejected the request (structured output unsupported?)"),
    ("APIStatusError", "the endpoint answered with an error"),
    ("APIError", "the endpoint answered with an error"),
)


def _describe_failure(exc: BaseException, settings: LLMSettings) -> tuple[str, bool]:
    """What went wrong, in words, with the exception's own short message (never the key), and whether the
    model did answer, only not in the required structure."""
    names = [k.__name__ for k in type(exc).__mro__]
    what = next((text for key, text in _FAILURES if any(key in n for n in names)), "the model call failed")
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return redact(f"{what} ({type(exc).__name__}: {detail})", settings)[:300], what == _MALFORMED
