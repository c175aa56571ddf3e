"""Hybrid ranking without a store: the same ranking as the catalogue index, exact labels first, no Chroma needed."""

from __future__ import annotations

import doctest
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

import ingest.search.hybrid
from graph.model import Catalogue, Occupation, Skill
from ingest.search import HashingEmbedder, HybridRanker, Labelled, Vectors
from ingest.store import ChromaIndex, IndexEntry, index_entries
from tests.ingest.store.test_index import CATALOGUE

REPO = Path(__file__).resolve().parents[3]
QUERIES = ("spreadsheets", "Excel", "python programming", "nursing aides", "data analysis", "structured query", "sql")


class SameVector:
    """Every text gets one vector: the cosine cannot rank, so only the label scores can."""

    name = "same-vector"
    dim = 4

    def embed(self, texts: Sequence[str]) -> Vectors:
        return np.tile(np.array([1, 0, 0, 0], dtype=np.float32), (len(texts), 1))


def labelled(entries: Sequence[IndexEntry], catalogue: Catalogue) -> list[Labelled]:
    items: dict[str, Skill | Occupation] = {i.id: i for i in (*catalogue.skills, *catalogue.occupations)}
    return [Labelled(e.id, (items[e.id].label, *items[e.id].alt_labels), e.parts) for e in entries]


@pytest.mark.parametrize("kind", ["skill", "occupation"])
def test_ranks_as_the_catalogue_index_does(tmp_path: Path, kind: str) -> None:
    embedder = HashingEmbedder()
    entries = index_entries(CATALOGUE)[kind]  # type: ignore[index]
    client = chromadb.PersistentClient(tmp_path / "chroma", settings=ChromaSettings(anonymized_telemetry=False))
    index = ChromaIndex(client, embedder, where=str(tmp_path))
    index.upsert(entries)
    ranker = HybridRanker(labelled(entries, CATALOGUE), embedder)
    for query in QUERIES:
        stored = [(hit.id, hit.score) for hit in index.search(query, kind=kind, k=3)]
        ranked = ranker.rank(query, k=3)
        assert [i for i, _ in ranked] == [i for i, _ in stored], query
        assert [s for _, s in ranked] == pytest.approx([s for _, s in stored], abs=1e-5), query
    client.close()  # type: ignore[attr-defined]


def test_exact_label_comes_first_and_scores_above_one() -> None:
    ranker = HybridRanker(
        [Labelled("a", ("data analysis",)), Labelled("b", ("spreadsheets", "Excel")), Labelled("c", ("SQL",))],
        HashingEmbedder(),
    )
    best, score = ranker.rank("  excel ", k=3)[0]
    assert best == "b" and score > 1.0
    assert all(s <= 1.0 + 1e-6 for _, s in ranker.rank("excel", k=3)[1:])


def test_spelling_variant_of_a_label_ranks_its_entry_first() -> None:
    ranker = HybridRanker(
        [
            Labelled("o:economist", ("labour economist",)),
            Labelled("o:union", ("labor union organiser",)),
            Labelled("o:advisor", ("economic advisor",)),
        ],
        SameVector(),
    )
    assert ranker.rank("Labor Economists", k=3)[0][0] == "o:economist"


def test_nothing_to_rank_gives_nothing() -> None:
    ranker = HybridRanker([Labelled("a", ("data",))], HashingEmbedder())
    assert ranker.rank("", k=3) == [] and ranker.rank("data", k=0) == []
    assert HybridRanker([], HashingEmbedder()).rank("data") == []
    assert len(ranker.rank("data", k=5)) == 1


def test_entries_without_parts_are_embedded_by_their_labels() -> None:
    entry = Labelled("a", ("data analysis", "analytics"), ("", "  "))
    assert entry.texts == ("data analysis; analytics",)


def test_search_imports_without_chroma() -> None:
    code = "import sys, ingest.search; assert 'chromadb' not in sys.modules, 'chromadb was imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=120)


def test_doctests() -> None:
    result = doctest.testmod(ingest.search.hybrid)
    assert result.failed == 0 and result.attempted > 0
