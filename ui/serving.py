"""How the app serves many people at once: the queue, the two concurrency pools, and the request size limit.

CPU-bound work (plans, gap reports, verification, pictures, catalogue loading) shares the ``solve`` pool,
as many at once as the machine has cores: more would only make every request slower. Language-model calls
wait on a remote model, not on the CPU, so they get their own larger ``llm`` pool. Everything else waits in
one bounded queue.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ui.settings import ServerSettings

SOLVE_POOL = "solve"
"""Concurrency id of CPU-bound events: at most ``CREDPATH_SOLVE_CONCURRENCY`` run at once."""

LLM_POOL = "llm"
"""Concurrency id of events that wait on a language model: at most ``CREDPATH_LLM_CONCURRENCY`` at once."""

UPLOAD_PATH_SUFFIX = "/upload"
"""Gradio's upload route ends so (``/gradio_api/upload``); it gets the upload limit, not the request limit."""


def pool(name: str, settings: ServerSettings | None = None) -> dict[str, Any]:
    """The event-listener keywords that put an event in pool ``name`` (``SOLVE_POOL`` or ``LLM_POOL``).

    Examples
    --------
    >>> pool(SOLVE_POOL, ServerSettings(solve_concurrency=2))
    {'concurrency_id': 'solve', 'concurrency_limit': 2}
    >>> pool(LLM_POOL, ServerSettings(llm_concurrency=16))["concurrency_limit"]
    16
    """
    settings = settings or ServerSettings()
    limits = {SOLVE_POOL: settings.solve_concurrency, LLM_POOL: settings.llm_concurrency}
    return {"concurrency_id": name, "concurrency_limit": limits[name]}


def queue_options(settings: ServerSettings | None = None) -> dict[str, Any]:
    """The ``Blocks.queue`` keywords: a bounded queue, and events without a pool limited like CPU-bound ones."""
    settings = settings or ServerSettings()
    return {
        "max_size": settings.queue_size,
        "default_concurrency_limit": settings.solve_concurrency,
    }


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _TooLarge(Exception):
    """The body went past the limit while it was being read."""


class BodyLimit:
    """ASGI middleware refusing (413) request bodies beyond a limit, before the app reads them.

    A declared ``Content-Length`` is checked first; a body sent without one is counted as it arrives.
    Uploads get ``max_upload`` bytes (a file up to Gradio's ``max_file_size`` plus its multipart
    envelope), every other request ``max_body``.
    """

    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    def limit(self, path: str) -> int:
        return self.max_upload if path.rstrip("/").endswith(UPLOAD_PATH_SUFFIX) else self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(str(scope.get("path", "")))
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = (
        f"Request refused: its body is larger than the {limit / 2**20:.1f} MB this server accepts. "
        "Send a smaller request or file (the server's CREDPATH_MAX_REQUEST_KB sets the limit for requests).\n"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def body_limit_kwargs(max_upload_mb: int, settings: ServerSettings | None = None) -> dict[str, int]:
    """``BodyLimit``'s limits: the request limit from settings, uploads up to ``max_upload_mb`` plus 1 MB."""
    settings = settings or ServerSettings()
    return {"max_body": settings.max_request_kb * 2**10, "max_upload": (max_upload_mb + 1) * 2**20}
