"""Hybrid ranking of labelled entries: exact labels first, then cosine similarity fused with BM25 and n-gram scores.

The fusion rule lives here once. The catalogue store's index applies it to candidates that Chroma
returns; :class:`HybridRanker` applies it to a list of entries held in memory, with no store at all.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.search.embedders import Embedder, Vectors, normalise
from ingest.search.lexical import LabelScorers, normalise_label, ranked

LEXICAL_WEIGHT = 0.15
"""Weight of the BM25 score over labels, relative to the best BM25 score of the query."""
GRAM_WEIGHT = 0.5
"""Weight of the character n-gram cosine to the closest label."""


def fetch_size(k: int) -> int:
    """How many candidates each scorer contributes when ``k`` results are wanted."""
    return max(3 * k, 30)


def embed_parts(embedder: Embedder, parts: Sequence[Sequence[str]]) -> Vectors:
    """One unit vector per entry: the normalised sum of the vectors of its parts (title, body ...).

    Parts are embedded separately and summed, so a long description cannot drown the few words of a label.
    """
    if not parts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    flat = embedder.embed([part for entry in parts for part in entry])
    starts = np.concatenate(([0], np.cumsum([len(entry) for entry in parts])[:-1]))
    return normalise(np.add.reduceat(flat, starts, axis=0))


@dataclass(frozen=True)
class LexicalScores:
    """The label scores of one query: BM25 over words, n-gram cosine over spellings, and their best items."""

    words: Mapping[str, float]
    spelling: Mapping[str, float]
    candidates: tuple[str, ...]

    @classmethod
    def of(cls, scorers: LabelScorers, query: str, fetch: int) -> LexicalScores:
        """Both scores of ``query``; ``candidates``: the ``fetch`` best of each, BM25's first."""
        words, spelling = scorers.bm25.scores(query), scorers.grams.scores(query)
        return cls(words, spelling, tuple(dict.fromkeys([*ranked(words, fetch), *ranked(spelling, fetch)])))

    def fuse(self, similarity: MutableMapping[str, float]) -> None:
        """Add the weighted label scores to each item's cosine ``similarity``, in place."""
        top = max(self.words.values(), default=1.0)
        for item in similarity:
            similarity[item] += LEXICAL_WEIGHT * self.words.get(item, 0.0) / top + GRAM_WEIGHT * self.spelling.get(
                item, 0.0
            )


def exact_first(exact: Sequence[str], similarity: Mapping[str, float], k: int) -> dict[str, float]:
    """The ``k`` best items: exact label matches first (score 1 + similarity), then by similarity, ties by id."""
    order = [(item, 1.0 + similarity.get(item, 0.0)) for item in exact]
    order += sorted(similarity.items(), key=lambda pair: (-pair[1], pair[0]))
    best: dict[str, float] = {}
    for item, score in order:
        if len(best) == k:
            break
        best.setdefault(item, score)
    return best


@dataclass(frozen=True)
class Labelled:
    """One entry to rank: its id, the labels matching compares, and the texts whose vectors stand for it.

    ``parts`` default to the labels joined by "; ", as the catalogue store embeds a skill's title.
    """

    id: str
    labels: tuple[str, ...]
    parts: tuple[str, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(p for p in self.parts if p.strip()) or ("; ".join(self.labels),)


class HybridRanker:
    """Ranks a list of labelled entries by a query, with the same rule as the catalogue store, without a store.

    Examples
    --------
    >>> from ingest.search.embedders import HashingEmbedder
    >>> entries = [Labelled("s1", ("data analysis",)), Labelled("s2", ("spreadsheets", "Excel"))]
    >>> ranker = HybridRanker([*entries, Labelled("s3", ("nursing",))], HashingEmbedder())
    >>> [item for item, _ in ranker.rank("excel", k=2)]
    ['s2', 's1']
    >>> ranker.rank("Spreadsheets!", k=1)[0][1] > 1.0  # an exact label match scores above 1
    True
    """

    def __init__(self, entries: Sequence[Labelled], embedder: Embedder) -> None:
        self.embedder = embedder
        self.ids = [e.id for e in entries]
        self._row = {item: row for row, item in enumerate(self.ids)}
        labels = {e.id: [x for x in dict.fromkeys(normalise_label(t) for t in e.labels) if x] for e in entries}
        self._exact: dict[str, list[str]] = {}
        for item, normalised in labels.items():
            for label in normalised:
                self._exact.setdefault(label, []).append(item)
        self.scorers = LabelScorers.build(labels)
        self.vectors = embed_parts(embedder, [e.texts for e in entries])

    def rank(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best entries for ``query`` as ``(id, score)``, best first; higher is better."""
        query = query.strip()
        if k <= 0 or not query or not self.ids:
            return []
        fetch = fetch_size(k)
        cosine = self.vectors @ self.embedder.embed([query])[0]
        nearest = sorted(range(len(self.ids)), key=lambda row: (-float(cosine[row]), self.ids[row]))[:fetch]
        similarity = {self.ids[row]: float(cosine[row]) for row in nearest}
        lexical = LexicalScores.of(self.scorers, query, fetch)
        for item in lexical.candidates:
            similarity.setdefault(item, float(cosine[self._row[item]]))
        lexical.fuse(similarity)
        exact = self._exact.get(normalise_label(query), [])[:k]
        return list(exact_first(exact, similarity, k).items())
