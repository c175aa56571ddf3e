"""Lexical scorers over the labels of one collection: BM25 over words, TF-IDF over character n-grams."""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from ingest.entries import normalise_label


def ranked(scores: Mapping[str, float], limit: int) -> list[str]:
    """The ``limit`` best items of ``scores``, ties broken by id."""
    return [item for item, _ in sorted(scores.items(), key=lambda p: (-p[1], p[0]))[:limit]]


class LabelBM25:
    """Okapi BM25 (k1 1.2, b 0.75) over short normalised texts per item: the labels of one collection.

    >>> bm25 = LabelBM25({"a": ["data analyst"], "b": ["data entry clerk", "typist"]})
    >>> bm25.rank("Data Analyst!", limit=5)
    ['a', 'b']
    """

    def __init__(self, labels: Mapping[str, Sequence[str]]) -> None:
        self.postings: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.lengths: dict[str, int] = {}
        for item, texts in labels.items():
            words = [w for t in texts for w in t.split()]
            self.lengths[item] = len(words)
            for word, count in Counter(words).items():
                self.postings[word].append((item, count))
        self.average = sum(self.lengths.values()) / max(1, len(self.lengths))

    def scores(self, query: str) -> dict[str, float]:
        """BM25 score of every item sharing a word with ``query``."""
        scores: dict[str, float] = defaultdict(float)
        n = len(self.lengths)
        for word in set(normalise_label(query).split()):
            posting = self.postings.get(word, [])
            idf = math.log(1 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
            for item, count in posting:
                norm = 1.2 * (0.25 + 0.75 * self.lengths[item] / self.average)
                scores[item] += idf * count * 2.2 / (count + norm)
        return scores

    def rank(self, query: str, limit: int) -> list[str]:
        """The ``limit`` best items for ``query``, ties broken by id."""
        return ranked(self.scores(query), limit)


def char_grams(text: str, sizes: Sequence[int] = (3, 4, 5)) -> Counter[str]:
    """Character n-grams of each word of ``text`` marked ``#word#``, never across words.

    A word shorter than every size counts as one gram.

    >>> sorted(char_grams("it analyst", sizes=(4,)))
    ['#ana', '#it#', 'alys', 'anal', 'lyst', 'naly', 'yst#']
    """
    out: Counter[str] = Counter()
    for word in text.split():
        marked = f"#{word}#"
        grams = [marked[i : i + n] for n in sizes for i in range(len(marked) - n + 1)]
        out.update(grams or [marked])
    return out


class LabelGrams:
    """TF-IDF cosine over character 3-5 grams, each label on its own; an item scores its best label.

    Matches the variants a word-level scorer misses: "data warehousing analyst" and "data warehouse
    analyst", plurals, British and American spellings ("labour", "labor").

    >>> grams = LabelGrams({"a": ["data warehouse analyst", "dw analyst"], "b": ["data entry clerk"]})
    >>> grams.rank("Data Warehousing Analysts", limit=5)
    ['a', 'b']
    >>> round(grams.scores("data warehouse analyst")["a"], 6)
    1.0
    """

    def __init__(self, labels: Mapping[str, Sequence[str]]) -> None:
        self.items = list(labels)
        self.vocabulary: dict[str, int] = {}
        owners: list[int] = []
        # Compact arrays, not lists: a skill pillar has millions of (label, gram) pairs.
        rows, grams, counts = array("i"), array("i"), array("i")
        for item, texts in enumerate(labels.values()):
            for text in texts:
                for text_gram, count in char_grams(normalise_label(text)).items():
                    rows.append(len(owners))
                    grams.append(self.vocabulary.setdefault(text_gram, len(self.vocabulary)))
                    counts.append(count)
                owners.append(item)
        self.rows = len(owners)
        owner = np.array(owners, dtype=np.int64)
        # Labels of one item are contiguous: an item's best label is a max over one slice of them.
        self.starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if owners else owner
        self.owned = owner[self.starts]
        row, gram = np.frombuffer(rows, dtype=np.int32), np.frombuffer(grams, dtype=np.int32)
        frequency = np.bincount(gram, minlength=len(self.vocabulary))
        self.idf = np.log((1 + self.rows) / (1 + frequency)) + 1
        weight = ((1 + np.log(np.frombuffer(counts, dtype=np.int32))) * self.idf[gram]).astype(np.float32)
        weight /= np.sqrt(np.bincount(row, weights=weight * weight, minlength=self.rows))[row]
        # Postings of gram g: self.posted[self.offsets[g] : self.offsets[g + 1]] (CSR layout).
        order = np.argsort(gram, kind="stable")
        self.posted, self.weights = row[order], weight[order]
        self.offsets = np.r_[0, np.cumsum(frequency)]

    def scores(self, query: str) -> dict[str, float]:
        """Cosine (0 to 1) of ``query`` to each item's closest label, for items sharing a gram with it."""
        known = [(self.vocabulary[g], c) for g, c in char_grams(normalise_label(query)).items() if g in self.vocabulary]
        if not known:
            return {}
        weights = [(1 + math.log(c)) * float(self.idf[i]) for i, c in known]
        norm = math.sqrt(sum(w * w for w in weights))
        spans = [slice(self.offsets[i], self.offsets[i + 1]) for i, _ in known]
        rows = np.concatenate([self.posted[s] for s in spans])
        values = np.concatenate([self.weights[s] * (w / norm) for s, w in zip(spans, weights, strict=True)])
        best = np.maximum.reduceat(np.bincount(rows, weights=values, minlength=self.rows), self.starts)
        return {self.items[self.owned[i]]: float(best[i]) for i in np.flatnonzero(best > 0)}

    def rank(self, query: str, limit: int) -> list[str]:
        """The ``limit`` best items for ``query``, ties broken by id."""
        return ranked(self.scores(query), limit)
