"""Lexical scorers over the labels of one collection: BM25 over words, TF-IDF over character n-grams.

Both keep their postings as flat numpy arrays (CSR layout), so that a store can save them once at
ingest (:meth:`LabelScorers.save`, an uncompressed ``.npz`` without pickles) and a reader loads
them in a fraction of the time a build takes.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

FORMAT = 1  # layout of the saved arrays; a file of another layout is ignored and the scorers rebuilt
Arrays = dict[str, NDArray[Any]]
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalise_label(text: str) -> str:
    """Lower case, words only, single spaces: the key exact label matching compares."""
    return " ".join(_WORD.findall(text.lower()))


def ranked(scores: Mapping[str, float], limit: int) -> list[str]:
    """The ``limit`` best items of ``scores``, ties broken by id."""
    return [item for item, _ in sorted(scores.items(), key=lambda p: (-p[1], p[0]))[:limit]]


def _strings(values: Sequence[str]) -> NDArray[np.str_]:
    return np.array(values, dtype=str)


class _ArrayScorer:
    """A scorer held in named numpy arrays, so that it can be saved and loaded without pickles."""

    items: list[str]
    _arrays: Arrays

    def _adopt(self, items: list[str], arrays: Arrays) -> None:
        raise NotImplementedError

    @classmethod
    def from_arrays(cls, items: list[str], arrays: Arrays) -> Self:
        """The scorer whose :meth:`arrays` were ``arrays``, over ``items``."""
        scorer = cls.__new__(cls)
        scorer._adopt(items, arrays)
        return scorer

    def arrays(self) -> Arrays:
        """The postings as named arrays (without the item ids): what :meth:`from_arrays` takes back."""
        return dict(self._arrays)


class LabelBM25(_ArrayScorer):
    """Okapi BM25 (k1 1.2, b 0.75) over short normalised texts per item: the labels of one collection.

    >>> bm25 = LabelBM25({"a": ["data analyst"], "b": ["data entry clerk", "typist"]})
    >>> bm25.rank("Data Analyst!", limit=5)
    ['a', 'b']
    """

    def __init__(self, labels: Mapping[str, Sequence[str]]) -> None:
        words: dict[str, int] = {}
        items, ids, counts, lengths = array("i"), array("i"), array("i"), array("i")
        for item, texts in enumerate(labels.values()):
            bag = [w for t in texts for w in t.split()]
            lengths.append(len(bag))
            for word, count in Counter(bag).items():
                items.append(item)
                ids.append(words.setdefault(word, len(words)))
                counts.append(count)
        posting_word = np.frombuffer(ids, dtype=np.int32)
        order = np.argsort(posting_word, kind="stable")
        self._adopt(
            list(labels),
            {
                "words": _strings(list(words)),
                "offsets": np.r_[0, np.cumsum(np.bincount(posting_word, minlength=len(words)))].astype(np.int64),
                "posted": np.frombuffer(items, dtype=np.int32)[order],
                "counts": np.frombuffer(counts, dtype=np.int32)[order],
                "lengths": np.frombuffer(lengths, dtype=np.int32).copy(),
            },
        )

    def _adopt(self, items: list[str], arrays: Arrays) -> None:
        self.items = items
        self._arrays = arrays
        self.words = dict(zip(arrays["words"].tolist(), range(len(arrays["words"])), strict=True))
        self.offsets, self.posted = arrays["offsets"], arrays["posted"]
        self.counts = arrays["counts"].astype(np.float64)
        lengths = arrays["lengths"]
        self.average = float(lengths.sum()) / max(1, len(lengths))
        # BM25's length normalisation of each item; an average of 0 means no words, so no posting reads it.
        self.norms = 1.2 * (0.25 + 0.75 * lengths / (self.average or 1.0))

    def scores(self, query: str) -> dict[str, float]:
        """BM25 score of every item sharing a word with ``query``."""
        n = len(self.items)
        rows, values = [], []
        for word in set(normalise_label(query).split()):
            if word not in self.words:
                continue
            at = self.words[word]
            posted = self.posted[self.offsets[at] : self.offsets[at + 1]]
            count = self.counts[self.offsets[at] : self.offsets[at + 1]]
            idf = math.log(1 + (n - len(posted) + 0.5) / (len(posted) + 0.5))
            rows.append(posted)
            values.append(idf * count * 2.2 / (count + self.norms[posted]))
        if not rows:
            return {}
        touched = np.concatenate(rows)
        total = np.bincount(touched, weights=np.concatenate(values), minlength=n)
        return {self.items[i]: float(total[i]) for i in np.unique(touched)}

    def rank(self, query: str, limit: int) -> list[str]:
        """The ``limit`` best items for ``query``, ties broken by id."""
        return ranked(self.scores(query), limit)


def word_grams(word: str, sizes: Sequence[int] = (3, 4, 5)) -> list[str]:
    """Character n-grams of one word marked ``#word#``, in order, repeats kept; the marked word if it is too short.

    >>> word_grams("it", sizes=(3, 4))
    ['#it', 'it#', '#it#']
    """
    marked = f"#{word}#"
    return [marked[i : i + n] for n in sizes for i in range(len(marked) - n + 1)] or [marked]


def char_grams(text: str, sizes: Sequence[int] = (3, 4, 5)) -> Counter[str]:
    """Character n-grams of each word of ``text`` marked ``#word#``, never across words.

    A word shorter than every size counts as one gram.

    >>> sorted(char_grams("it analyst", sizes=(4,)))
    ['#ana', '#it#', 'alys', 'anal', 'lyst', 'naly', 'yst#']
    """
    return Counter(chain.from_iterable(word_grams(word, sizes) for word in text.split()))


class LabelGrams(_ArrayScorer):
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
        vocabulary: dict[str, int] = {}
        # The grams of each distinct word are made once: a skill pillar repeats its words thousands of times.
        known: dict[str, int] = {}
        per_word: list[list[int]] = []
        occurrences, words_per_label, owners = array("i"), array("i"), array("i")
        for item, texts in enumerate(labels.values()):
            for text in texts:
                words = normalise_label(text).split()
                for word in words:
                    if word not in known:
                        known[word] = len(per_word)
                        per_word.append([vocabulary.setdefault(g, len(vocabulary)) for g in word_grams(word)])
                    occurrences.append(known[word])
                words_per_label.append(len(words))
                owners.append(item)
        row, gram, count = _label_gram_counts(per_word, occurrences, words_per_label, len(vocabulary))
        rows = len(owners)
        owner = np.frombuffer(owners, dtype=np.int32).astype(np.int64)
        # Labels of one item are contiguous: an item's best label is a max over one slice of them.
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if rows else owner
        frequency = np.bincount(gram, minlength=len(vocabulary))
        idf = np.log((1 + rows) / (1 + frequency)) + 1
        weight = ((1 + np.log(count)) * idf[gram]).astype(np.float32)
        weight /= np.sqrt(np.bincount(row, weights=weight * weight, minlength=rows))[row]
        # Postings of gram g: posted[offsets[g] : offsets[g + 1]] (CSR layout).
        order = np.argsort(gram, kind="stable")
        self._adopt(
            list(labels),
            {
                "vocabulary": _strings(list(vocabulary)),
                "idf": idf,
                "posted": row[order],
                "weights": weight[order],
                "offsets": np.r_[0, np.cumsum(frequency)].astype(np.int64),
                "starts": starts.astype(np.int64),
                "owned": owner[starts],
                "rows": np.array([rows], dtype=np.int64),
            },
        )

    def _adopt(self, items: list[str], arrays: Arrays) -> None:
        self.items = items
        self._arrays = arrays
        self.vocabulary = dict(zip(arrays["vocabulary"].tolist(), range(len(arrays["vocabulary"])), strict=True))
        self.idf, self.posted, self.weights = arrays["idf"], arrays["posted"], arrays["weights"]
        self.offsets, self.starts, self.owned = arrays["offsets"], arrays["starts"], arrays["owned"]
        self.rows = int(arrays["rows"][0])

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


def _label_gram_counts(
    per_word: list[list[int]], occurrences: array[int], words_per_label: array[int], vocabulary: int
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int32]]:
    """(label, gram, count) triples, label by label, each label's grams in order of first occurrence.

    The order is that of ``char_grams(label)``, so each label's norm is summed in the same order
    as a per-label Counter would give it.
    """
    sizes = np.array([len(g) for g in per_word], dtype=np.int64)
    grams_of_words = np.fromiter(chain.from_iterable(per_word), dtype=np.int64, count=int(sizes.sum()))
    occurrence = np.frombuffer(occurrences, dtype=np.int32)
    lengths = sizes[occurrence]
    total = int(lengths.sum())
    # Expand each word occurrence into its grams: position k of occurrence j is word start + k.
    shift = np.r_[0, np.cumsum(sizes)][occurrence] - np.r_[0, np.cumsum(lengths)[:-1]]
    flat_gram = grams_of_words[np.repeat(shift, lengths) + np.arange(total)]
    per_label = np.bincount(
        np.repeat(np.arange(len(words_per_label)), np.frombuffer(words_per_label, dtype=np.int32)),
        weights=lengths,
        minlength=len(words_per_label),
    ).astype(np.int64)
    flat_row = np.repeat(np.arange(len(words_per_label), dtype=np.int64), per_label)
    key = flat_row * max(1, vocabulary) + flat_gram
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if total else np.zeros(0, dtype=np.int64)
    count = np.zeros(total, dtype=np.int32)
    count[order[first]] = np.diff(np.r_[first, total])
    kept = count > 0
    return flat_row[kept].astype(np.int32), flat_gram[kept].astype(np.int32), count[kept]


@dataclass(frozen=True)
class LabelScorers:
    """The BM25 and n-gram scorers of one collection's labels, built together and saved together.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "lexical-skill.npz"
    >>> LabelScorers.build({"a": ["data analyst"], "b": ["data entry clerk"]}).save(path)
    >>> LabelScorers.load(path).grams.rank("data analysts", limit=5)
    ['a', 'b']
    >>> LabelScorers.load(path.with_name("missing.npz")) is None
    True
    """

    bm25: LabelBM25
    grams: LabelGrams

    @classmethod
    def build(cls, labels: Mapping[str, Sequence[str]]) -> LabelScorers:
        """Both scorers over ``labels`` (item id -> its normalised labels)."""
        return cls(LabelBM25(labels), LabelGrams(labels))

    def save(self, path: Path) -> None:
        """Write both scorers to ``path`` (uncompressed ``.npz``, no pickles), replacing it in one step."""
        arrays: Arrays = {
            "format": np.array([FORMAT], dtype=np.int64),
            "items": _strings(self.bm25.items),
        }
        arrays |= {f"bm25.{name}": value for name, value in self.bm25.arrays().items()}
        arrays |= {f"grams.{name}": value for name, value in self.grams.arrays().items()}
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with partial.open("wb") as handle:
                np.savez(handle, **arrays)  # type: ignore[arg-type]
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> LabelScorers | None:
        """The scorers saved at ``path``; None if it is missing, unreadable or of another :data:`FORMAT`."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                if int(saved["format"][0]) != FORMAT:
                    return None
                items: list[str] = saved["items"].tolist()
                parts: dict[str, Arrays] = {"bm25": {}, "grams": {}}
                for name in saved.files:
                    scorer, _, field = name.partition(".")
                    if scorer in parts:
                        parts[scorer][field] = saved[name]
                return cls(LabelBM25.from_arrays(items, parts["bm25"]), LabelGrams.from_arrays(items, parts["grams"]))
        except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile):
            return None
