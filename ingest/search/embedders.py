"""Text embedders behind one small interface: the bundled static model, hashing, sentence-transformers, HTTP."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from graph.errors import ConfigError, StoreError
from ingest.settings import Settings

BUNDLED_MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "embedder"
BUNDLED_STATIC_NAME = "static:all-MiniLM-L6-v2-m2v256"
HTTP_BATCH = 128
Vectors = NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors of ``dim`` floats.

    ``name`` identifies the model: vectors made by embedders of different names are not comparable,
    so a store records the name it was built with.
    """

    name: str

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One row per text, L2-normalised, dtype float32, shape ``(len(texts), dim)``."""


def normalise(vectors: NDArray[Any]) -> Vectors:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    out = np.asarray(vectors, dtype=np.float32)
    if out.ndim != 2:
        out = out.reshape(len(out), -1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms == 0, 1.0, norms)).astype(np.float32, copy=False)


class StaticEmbedder:
    """A model2vec static model: a token-vector table, mean-pooled. Needs numpy only, no torch.

    The default loads the model bundled in ``ingest/data/embedder`` (distilled from
    all-MiniLM-L6-v2, see its PROVENANCE.md).
    """

    def __init__(self, path: Path | None = None) -> None:
        from model2vec import StaticModel

        model_dir = BUNDLED_MODEL_DIR if path is None else Path(path)
        if not (model_dir / "config.json").is_file():
            raise ConfigError(
                "no model2vec model here (config.json missing)",
                where=str(model_dir),
                fix="set CREDPATH_EMBEDDER_MODEL to a model2vec model directory (or unset it: bundled model)",
            )
        self._model = StaticModel.from_pretrained(model_dir, normalize=True)
        self.name = BUNDLED_STATIC_NAME if path is None else f"static:{model_dir.resolve()}"
        self._dim = int(self._model.dim)

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        # Worker processes would outlive a killed parent and cost more than they save at ~10k texts/s.
        return normalise(self._model.encode(list(texts), use_multiprocessing=False))


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


class HashingEmbedder:
    """Deterministic lexical vectors: hashed words and character trigrams, no model at all.

    Texts that share words or word pieces get similar vectors; synonyms do not. For tests and as a
    fallback where no model can be loaded.
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise ConfigError(f"hashing embedder dimension {dim} is too small", fix="use at least 8")
        self._dim = dim
        self.name = f"hashing:{dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _features(self, text: str) -> list[str]:
        words = _TOKEN.findall(text.lower())
        grams = [f"#{w[i : i + 3]}" for w in (f"<{w}>" for w in words) for i in range(max(1, len(w) - 2))]
        return words + grams

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        return normalise(out)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local path (the package is not installed by default)."""

    def __init__(self, model: str | Path) -> None:
        try:
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
        except ImportError as exc:
            raise ConfigError(
                "the sentence-transformers embedder needs the sentence-transformers package",
                fix="pip install sentence-transformers, or set CREDPATH_EMBEDDER=static",
            ) from exc
        self._model = SentenceTransformer(str(model), device="cpu", local_files_only=True)
        self.name = f"sentence-transformers:{model}"
        self._dim = int(self._model.get_sentence_embedding_dimension() or 0)

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        vectors = self._model.encode(list(texts), convert_to_numpy=True, normalize_embeddings=True)
        return normalise(np.asarray(vectors).reshape(len(texts), self._dim))


class _HttpEmbedder:
    """Shared part of the HTTP embedders: batching, JSON POST, errors that name the URL."""

    endpoint = ""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key
        self._timeout = timeout
        self._dim: int | None = None
        self.name = f"{type(self).__name__.removesuffix('Embedder').lower()}:{model}"

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.embed(["dimension probe"]).shape[1])
        return self._dim

    def _payload(self, texts: list[str]) -> dict[str, Any]:
        return {"model": self.model, "input": texts}

    def _vectors(self, answer: Any) -> list[list[float]]:
        raise NotImplementedError

    def _post(self, payload: dict[str, Any]) -> Any:
        url = f"{self.base_url}{self.endpoint}"
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(url, json.dumps(payload).encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise StoreError(
                f"embedding request failed: {exc}",
                where=url,
                fix="check CREDPATH_EMBEDDER_URL and CREDPATH_EMBEDDER_MODEL, and that the server is running",
            ) from exc

    def embed(self, texts: Sequence[str]) -> Vectors:
        rows: list[list[float]] = []
        for start in range(0, len(texts), HTTP_BATCH):
            batch = list(texts[start : start + HTTP_BATCH])
            try:
                got = self._vectors(self._post(self._payload(batch)))
            except (KeyError, TypeError, IndexError) as exc:
                raise StoreError(
                    f"embedding answer has an unexpected shape: {exc!r}",
                    where=f"{self.base_url}{self.endpoint}",
                    fix="check that the URL serves the embeddings API this embedder speaks",
                ) from exc
            if len(got) != len(batch):
                raise StoreError(
                    f"asked for {len(batch)} embeddings, got {len(got)}",
                    where=f"{self.base_url}{self.endpoint}",
                    fix="check the embedding server",
                )
            rows.extend(got)
        if not rows:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        return normalise(np.asarray(rows, dtype=np.float32))


class OpenAIEmbedder(_HttpEmbedder):
    """An OpenAI-compatible ``POST {base_url}/embeddings`` endpoint (OpenAI, vLLM, llama.cpp, LM Studio)."""

    endpoint = "/embeddings"

    def _vectors(self, answer: Any) -> list[list[float]]:
        data = sorted(answer["data"], key=lambda item: item.get("index", 0))
        return [item["embedding"] for item in data]


class OllamaEmbedder(_HttpEmbedder):
    """Ollama's ``POST {base_url}/api/embed``."""

    endpoint = "/api/embed"

    def _vectors(self, answer: Any) -> list[list[float]]:
        return list(answer["embeddings"])


def make_embedder(settings: Settings, *, api_key: str | None = None) -> Embedder:
    """The embedder ``settings.embedder`` names, configured from the other ``embedder_*`` settings."""
    model = settings.embedder_model
    if settings.embedder == "static":
        return StaticEmbedder(Path(model) if model else None)
    if settings.embedder == "hashing":
        return HashingEmbedder()
    if settings.embedder == "sentence-transformers":
        if not model:
            raise ConfigError(
                "the sentence-transformers embedder needs a model",
                where="CREDPATH_EMBEDDER_MODEL",
                fix="set CREDPATH_EMBEDDER_MODEL to a local model directory",
            )
        return SentenceTransformerEmbedder(model)
    if settings.embedder == "openai":
        url = settings.embedder_url or "https://api.openai.com/v1"
        return OpenAIEmbedder(url, model or "text-embedding-3-small", api_key=api_key or settings.embedder_api_key)
    return OllamaEmbedder(settings.embedder_url or "http://127.0.0.1:11434", model or "nomic-embed-text")


def embedder_from_name(name: str) -> Embedder | None:
    """Rebuild an embedder from its ``name`` where the name alone says how (hashing, bundled static)."""
    if name == BUNDLED_STATIC_NAME:
        return StaticEmbedder()
    if name.startswith("hashing:") and name.removeprefix("hashing:").isdigit():
        return HashingEmbedder(int(name.removeprefix("hashing:")))
    return None
