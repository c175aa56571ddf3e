"""An OpenAI-compatible chat-completions server for tests: scripted answers on 127.0.0.1, stdlib only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HANG = "<hang>"


@dataclass
class Script:
    """Answers in order (the last repeats): a dict (structured), a str (plain text), HANG, or an int (HTTP error)."""

    answers: list[Any]
    requests: list[dict[str, Any]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def next(self) -> Any:
        return self.answers[min(len(self.requests) - 1, len(self.answers) - 1)]


def _completion(body: dict[str, Any], answer: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": None}
    finish = "stop"
    if isinstance(answer, dict) and body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": json.dumps(answer)}}
        ]
        finish = "tool_calls"
    else:
        message["content"] = json.dumps(answer) if isinstance(answer, dict) else str(answer)
    prompt = sum(len(str(m.get("content") or "")) for m in body.get("messages", [])) // 4
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "stub"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": 42, "total_tokens": prompt + 42},
    }


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            body["_authorization"] = self.headers.get("Authorization", "")
            script.requests.append(body)
            if not self.path.endswith("/chat/completions"):
                self._send(404, {"error": {"message": "not found"}})
                return
            answer = script.next()
            if answer == HANG:
                script.stop.wait(30)
                return
            if isinstance(answer, int):
                self._send(answer, {"error": {"message": f"scripted error {answer}", "type": "test"}})
                return
            self._send(200, _completion(body, answer))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def serve(answers: list[Any]) -> Iterator[tuple[str, Script]]:
    """Run the stub on a free loopback port: yields (base URL ending in /v1, the script with its requests)."""
    script = Script(list(answers))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", script
    finally:
        script.stop.set()
        server.shutdown()
        server.server_close()
