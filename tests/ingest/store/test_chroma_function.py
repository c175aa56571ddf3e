"""The Chroma adapter of an embedder: registered, rebuilt from its config, refusing a changed embedder."""

from __future__ import annotations

import numpy as np
import pytest
from chromadb.utils.embedding_functions import known_embedding_functions

from graph.errors import StoreError
from ingest.search import HashingEmbedder
from ingest.store.chroma_function import ChromaEmbeddingFunction


def test_chroma_adapter_round_trips_its_config() -> None:
    embedder = HashingEmbedder(16)
    function = ChromaEmbeddingFunction(embedder)
    assert known_embedding_functions[ChromaEmbeddingFunction.name()] is ChromaEmbeddingFunction
    assert function.get_config() == {"embedder": "hashing:16", "dim": 16}
    assert not function.is_legacy()
    rebuilt = ChromaEmbeddingFunction.build_from_config(function.get_config())
    assert np.allclose(np.array(rebuilt(["alpha beta"])), embedder.embed(["alpha beta"]))
    with pytest.raises(StoreError, match="cannot be rebuilt"):
        ChromaEmbeddingFunction.build_from_config({"embedder": "openai:m", "dim": 3})(["a"])
    with pytest.raises(StoreError, match="re-ingest"):
        function.validate_config_update(function.get_config(), {"embedder": "hashing:32", "dim": 32})
