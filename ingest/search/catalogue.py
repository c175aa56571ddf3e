"""In-memory hybrid search over a catalogue's skills and occupations: BM25, character n-grams and vectors, no Chroma."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from graph.model import Catalogue, Occupation, Skill
from ingest.search.lexical import Arrays, LabelBM25, LabelGrams, LabelScorers, normalise_label

SearchKind = Literal["skill", "occupation"]
SEARCH_KINDS: tuple[SearchKind, ...] = ("occupation", "skill")
FORMAT = 1  # layout of a saved index; another layout is not read
LEXICAL_WEIGHT = 0.15
GRAM_WEIGHT = 0.5
EXACT_BONUS = 1.0
BROADER_SHARE = 0.97
"""A broader entry (in ESCO's occupation hierarchy) scores at least this share of its best narrower entry."""
# Skills have ~100k labels: n-grams over all of them would cost seconds to load; their preferred label carries most.
GRAM_LABELS: dict[SearchKind, int | None] = {"occupation": None, "skill": 1}
Embed = Callable[[Sequence[str]], NDArray[np.float32]]


@dataclass(frozen=True)
class KindIndex:
    """The searchable form of one kind of entry: ids, label scorers, unit vectors and exact-label lookup."""

    items: list[str]
    labels: list[list[str]]
    scorers: LabelScorers
    vectors: NDArray[Any]
    exact: dict[str, tuple[int, ...]]
    broader: NDArray[np.int32] = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int32))
    """Rows (narrower, broader): pairs of items of which the second is the first's broader concept."""

    @classmethod
    def create(
        cls,
        items: list[str],
        labels: list[list[str]],
        vectors: NDArray[Any],
        scorers: LabelScorers | None = None,
        gram_labels: int | None = None,
        broader: NDArray[np.int32] | None = None,
    ) -> KindIndex:
        """The index of ``items`` with their normalised ``labels`` (first = preferred) and unit ``vectors``.

        ``gram_labels``: how many labels of each item the n-gram scorer reads (all if None); BM25 reads all.
        ``broader``: (narrower row, broader row) pairs.
        """
        if scorers is None:
            bm25 = LabelBM25(dict(zip(items, labels, strict=True)))
            grams = LabelGrams({item: names[:gram_labels] for item, names in zip(items, labels, strict=True)})
            scorers = LabelScorers(bm25, grams)
        pairs = np.zeros((0, 2), dtype=np.int32) if broader is None else np.asarray(broader, dtype=np.int32)
        return cls(items, labels, scorers, vectors, _exact(labels), pairs.reshape(-1, 2))

    def singular(self, query: str) -> str:
        """``query`` normalised, each plural word this kind's labels only know in the singular made singular.

        >>> index = KindIndex.create(["a"], [["sales manager"]], np.ones((1, 2), dtype=np.float32))
        >>> index.singular("Sales Managers")
        'sales manager'
        """
        return " ".join(_singular(word, self.scorers.bm25.words) for word in normalise_label(query).split())

    def fused(self, query: str, embed: Embed) -> NDArray[np.float64]:
        """Every item's score for ``query``: cosine + weighted BM25 (relative to the best) + n-gram cosine.

        Vectors and BM25 read the query with plurals made singular (``singular``); n-grams read it as
        typed. An item one of whose labels is the query, either way, gets :data:`EXACT_BONUS` more.
        A broader item then scores at least :data:`BROADER_SHARE` of its best narrower item: a title
        that names a specialism also names, a little less, the occupation it specialises.
        """
        typed, plain = normalise_label(query), self.singular(query)
        scores: NDArray[np.float64] = np.asarray(self.vectors @ embed([plain])[0], dtype=np.float64)
        position = {item: i for i, item in enumerate(self.items)}
        words = self.scorers.bm25.scores(plain)
        top = max(words.values(), default=0.0) or 1.0
        for item, value in words.items():
            scores[position[item]] += LEXICAL_WEIGHT * value / top
        for item, value in self.scorers.grams.scores(typed).items():
            scores[position[item]] += GRAM_WEIGHT * value
        for row in {row for name in {typed, plain} for row in self.exact.get(name, ())}:
            scores[row] += EXACT_BONUS
        if len(self.broader):
            inherited = np.full(len(scores), -np.inf)
            np.maximum.at(inherited, self.broader[:, 1], BROADER_SHARE * scores[self.broader[:, 0]])
            scores = np.maximum(scores, inherited)
        return scores

    def broader_of(self, item: str) -> set[str]:
        """The ids of the broader items of ``item`` (none when it has none or is unknown)."""
        rows = [i for i, name in enumerate(self.items) if name == item]
        return {self.items[up] for down, up in self.broader.tolist() if down in rows}


def _singular(word: str, vocabulary: Mapping[str, int]) -> str:
    """``word`` without its plural ending when the singular is in ``vocabulary`` ('ss' endings kept)."""
    if word.endswith("ss"):
        return word
    for ending, replacement in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("s", "")):
        stem = word[: -len(ending)] + replacement
        if word.endswith(ending) and len(word) > len(ending) + 2 and stem in vocabulary:
            return stem
    return word


def _exact(labels: Sequence[Sequence[str]]) -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = {}
    for row, names in enumerate(labels):
        for name in dict.fromkeys(names):
            found.setdefault(name, []).append(row)
    return {name: tuple(rows) for name, rows in found.items()}


def entry_labels(entry: Skill | Occupation, hidden: Sequence[str] = ()) -> list[str]:
    """The normalised labels search matches: preferred, alternative and hidden, without repeats or blanks."""
    out = [normalise_label(x) for x in (entry.label, *entry.alt_labels, *hidden)]
    return [x for x in dict.fromkeys(out) if x] or [entry.label.lower()]


def entry_parts(entry: Skill | Occupation, skill_label: Mapping[str, str]) -> tuple[str, ...]:
    """The texts embedded separately and summed for one entry: labels, description, essential skills."""
    parts = ["; ".join((entry.label, *entry.alt_labels)), entry.description]
    if isinstance(entry, Occupation):
        parts.append("; ".join(skill_label[s] for s in entry.essential_skills if s in skill_label))
    return tuple(p for p in parts if p.strip()) or (entry.label,)


def embed_parts(embed: Embed, parts: Sequence[tuple[str, ...]]) -> NDArray[np.float32]:
    """One unit vector per entry: the normalised sum of the vectors of its parts."""
    if not parts:
        return np.zeros((0, 0), dtype=np.float32)
    flat = embed([p for group in parts for p in group])
    starts = np.concatenate(([0], np.cumsum([len(g) for g in parts])[:-1]))
    summed = np.add.reduceat(flat, starts, axis=0)
    norms = np.linalg.norm(summed, axis=1, keepdims=True)
    return (summed / np.where(norms == 0, 1.0, norms)).astype(np.float32)


class CatalogueSearch:
    """Skills and occupations of one catalogue, searchable in memory by meaning, words and spelling.

    ``embed`` turns query texts into unit vectors of the same model the entry vectors were made with
    (``embedder`` names it). Build it from a catalogue (:meth:`build`), or load one saved with
    :meth:`save` (the bundled ESCO map ships one).
    """

    def __init__(self, kinds: Mapping[SearchKind, KindIndex], embed: Embed, embedder: str) -> None:
        self.kinds = dict(kinds)
        self.embed = embed
        self.embedder = embedder

    @classmethod
    def build(
        cls,
        catalogue: Catalogue,
        embed: Embed,
        embedder: str,
        hidden: Mapping[str, Sequence[str]] | None = None,
        broader: Mapping[str, Sequence[str]] | None = None,
    ) -> CatalogueSearch:
        """The index of every skill and occupation of ``catalogue``; ``hidden``: extra search-only labels per id;
        ``broader``: the ids of each entry's broader entries of the same kind (ESCO's occupation hierarchy)."""
        hidden, broader = hidden or {}, broader or {}
        skill_label = {s.id: s.label for s in catalogue.skills}
        kinds: dict[SearchKind, KindIndex] = {}
        entries: dict[SearchKind, Sequence[Skill | Occupation]] = {
            "occupation": catalogue.occupations,
            "skill": catalogue.skills,
        }
        for kind, rows in entries.items():
            vectors = embed_parts(embed, [entry_parts(e, skill_label) for e in rows])
            labels = [entry_labels(e, hidden.get(e.id, ())) for e in rows]
            row = {e.id: n for n, e in enumerate(rows)}
            pairs = np.array(
                [(row[e.id], row[up]) for e in rows for up in broader.get(e.id, ()) if up in row], dtype=np.int32
            )
            kinds[kind] = KindIndex.create(
                [e.id for e in rows], labels, vectors, gram_labels=GRAM_LABELS[kind], broader=pairs
            )
        return cls(kinds, embed, embedder)

    def scores(self, query: str, kind: SearchKind) -> dict[str, float]:
        """Fused score of every entry of ``kind`` for ``query`` (empty for a query with no words)."""
        index = self.kinds[kind]
        if not normalise_label(query) or not index.items:
            return {}
        return dict(zip(index.items, index.fused(query, self.embed).tolist(), strict=True))

    def exact(self, query: str, kind: SearchKind) -> tuple[str, ...]:
        """Ids of the entries of ``kind`` with ``query`` as a label (normalised, or with plurals made singular)."""
        index = self.kinds[kind]
        names = {normalise_label(query), index.singular(query)}
        return tuple(index.items[row] for row in sorted({r for n in names for r in index.exact.get(n, ())}))

    def search(self, query: str, kind: SearchKind, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best entries of ``kind`` for ``query`` with their scores, ties broken by id."""
        index = self.kinds[kind]
        if k <= 0 or not normalise_label(query) or not index.items:
            return []
        fused = index.fused(query, self.embed)
        top = np.argsort(-fused, kind="stable")[: max(k * 4, k + 10)]
        pairs = sorted(((index.items[i], float(fused[i])) for i in top), key=lambda p: (-p[1], p[0]))
        return pairs[:k]

    def save(self, path: Path) -> None:
        """Write the index to ``path``: a zip of ``.npy`` arrays, byte-identical for equal input.

        Vectors are kept as int8 with one scale per row (cosines change by under 0.01), n-gram weights as float16.
        """
        arrays: Arrays = {"format": np.array([FORMAT], dtype=np.int64), "embedder": np.array([self.embedder])}
        for kind, index in self.kinds.items():
            arrays[f"{kind}/items"] = _blob(index.items)
            arrays[f"{kind}/labels"] = _blob([x for v in index.labels for x in v])
            arrays[f"{kind}/label_counts"] = np.array([len(v) for v in index.labels], dtype=np.int32)
            scale = np.abs(index.vectors).max(axis=1, initial=0.0)
            scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
            arrays[f"{kind}/vectors"] = np.rint(index.vectors / scale[:, None] * 127).astype(np.int8)
            arrays[f"{kind}/vector_scales"] = scale
            arrays[f"{kind}/broader"] = index.broader.astype(np.int32)
            arrays |= {f"{kind}/bm25.{k}": v for k, v in index.scorers.bm25.arrays().items()}
            grams = index.scorers.grams.arrays()
            grams["weights"] = grams["weights"].astype(np.float16)
            arrays |= {f"{kind}/grams.{k}": v for k, v in grams.items()}
        write_npz(path, arrays)

    @classmethod
    def load(cls, path: Path, embed: Embed) -> CatalogueSearch | None:
        """The index saved at ``path``, or None if it is missing or of another :data:`FORMAT`."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                if int(saved["format"][0]) != FORMAT:
                    return None
                arrays = {name: saved[name] for name in saved.files}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return None
        kinds: dict[SearchKind, KindIndex] = {}
        for kind in SEARCH_KINDS:
            part = {n.removeprefix(f"{kind}/"): v for n, v in arrays.items() if n.startswith(f"{kind}/")}
            items = _unblob(part["items"])
            flat = _unblob(part["labels"])
            ends = np.cumsum(part["label_counts"]).tolist()
            labels = [flat[a:b] for a, b in zip([0, *ends][: len(ends)], ends, strict=True)]
            vectors = part["vectors"].astype(np.float32) * (part["vector_scales"] / 127)[:, None]
            bm25 = LabelBM25.from_arrays(items, {n[5:]: v for n, v in part.items() if n.startswith("bm25.")})
            gram_arrays = {n[6:]: v for n, v in part.items() if n.startswith("grams.")}
            gram_arrays["weights"] = gram_arrays["weights"].astype(np.float32)
            grams = LabelGrams.from_arrays(items, gram_arrays)
            scorers = LabelScorers(bm25, grams)
            kinds[kind] = KindIndex.create(items, labels, vectors, scorers, broader=part.get("broader"))
        return cls(kinds, embed, str(arrays["embedder"][0]))


def _blob(texts: Sequence[str]) -> NDArray[np.uint8]:
    """Texts as one array of UTF-8 bytes, newline-separated (fixed-width numpy strings would be 10x bigger)."""
    return np.frombuffer("\n".join(texts).encode("utf-8"), dtype=np.uint8)


def _unblob(blob: NDArray[np.uint8]) -> list[str]:
    return blob.tobytes().decode("utf-8").split("\n") if len(blob) else []


def write_npz(path: Path, arrays: Mapping[str, NDArray[Any]]) -> None:
    """``arrays`` as an ``.npz`` (deflated zip of ``.npy``) whose bytes depend on the arrays only."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=9)
