"""Chroma's view of an embedder: the registered EmbeddingFunction that keeps Chroma from its default model."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from graph.errors import StoreError
from ingest.search import Embedder, embedder_from_name


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of an :class:`Embedder`.

    Chroma persists ``name()`` and ``get_config()`` with each collection and, on reopening, rebuilds
    the function through ``build_from_config``; because this class is registered, that never falls
    back to Chroma's default model (which it would download). The rebuilt function is lazy: credpath
    always passes its own embedder when it opens a collection, so the rebuilt one is used only by
    other Chroma clients, and only for embedders whose name says how to rebuild them.
    """

    def __init__(self, embedder: Embedder | None = None, *, config: dict[str, Any] | None = None) -> None:
        self._embedder = embedder
        self._config = dict(config or {})
        if embedder is not None:
            self._config = {"embedder": embedder.name, "dim": embedder.dim}

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            name = str(self._config.get("embedder", ""))
            self._embedder = embedder_from_name(name)
            if self._embedder is None:
                raise StoreError(
                    f"this collection was embedded with {name!r}, which cannot be rebuilt from its name",
                    fix="open the store through credpath with the same embedder settings",
                )
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "credpath"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return dict(self._config)

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(config=config)

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        if old_config.get("embedder") != new_config.get("embedder"):
            raise StoreError(
                f"collection embedded with {old_config.get('embedder')!r}, not {new_config.get('embedder')!r}",
                fix="re-ingest the catalogue so every entry is embedded with the new embedder",
            )
