"""A scripted chat model shipped with credpath: the LLM planner's logic runs and is tested without any server."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

from graph.errors import LLMError

Answer = dict[str, Any] | str | BaseException | Callable[[Sequence[BaseMessage]], Any]


class FakeChatModel(BaseChatModel):
    """Answers from a script, one entry per call, and remembers every prompt it was sent.

    An entry is a dict (the structured answer: a tool call when tools are bound, else JSON text),
    a string (sent as plain text, e.g. prose instead of JSON), an exception (raised as an LLMError
    from it, as a provider failure), or a callable
    that gets the messages and returns one of those. The last entry repeats once the script runs out.

    >>> from pydantic import BaseModel
    >>> class Pick(BaseModel):
    ...     id: str
    >>> fake = FakeChatModel(script=[{"id": "c1"}])
    >>> fake.with_structured_output(Pick).invoke("which?")
    Pick(id='c1')
    """

    script: list[Any] = Field(default_factory=list)
    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "credpath-fake"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any) -> Any:
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], tool_choice=tool_choice, **kwargs)

    def _next(self, messages: Sequence[BaseMessage]) -> Any:
        answer = self.script[min(len(self.prompts) - 1, len(self.script) - 1)] if self.script else ""
        return answer(messages) if callable(answer) and not isinstance(answer, type) else answer

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        answer = self._next(messages)
        if isinstance(answer, BaseException):
            raise LLMError(f"scripted failure: {type(answer).__name__}: {answer}", where="fake chat model") from answer
        tools = kwargs.get("tools") or []
        sent = sum(len(str(m.content)) for m in messages) // 4
        if isinstance(answer, dict) and tools:
            name = tools[0]["function"]["name"]
            call = {"name": name, "args": answer, "id": f"call_{len(self.prompts)}", "type": "tool_call"}
            text = json.dumps(answer)
            message = AIMessage(content="", tool_calls=[call])
        else:
            text = json.dumps(answer) if isinstance(answer, dict) else str(answer)
            message = AIMessage(content=text)
        message.usage_metadata = {
            "input_tokens": sent,
            "output_tokens": len(text) // 4,
            "total_tokens": sent + len(text) // 4,
        }
        return ChatResult(generations=[ChatGeneration(message=message)])
