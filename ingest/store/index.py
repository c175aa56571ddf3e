"""The catalogue index: credentials, skills and occupations in Chroma, searchable by meaning and by label."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.errors import ChromaError, NotFoundError
from numpy.typing import NDArray

from graph.errors import RequestError, StoreError
from graph.model import Kind
from ingest.search import Embedder, LabelScorers, LexicalScores, embed_parts, exact_first, fetch_size, normalise_label
from ingest.store.chroma_function import ChromaEmbeddingFunction
from ingest.store.entries import ENTRY_KINDS, IndexEntry, entry_kind

BATCH = 512
INTERNAL_KEYS = frozenset({"json", "hash", "pos", "labels", "label"})
EQUAL_FILTERS = ("provider", "kind", "level", "delivery", "language", "currency")
BOUND_FILTERS = {"max_hours": "hours", "max_cost": "cost", "max_credits": "credits"}


@dataclass(frozen=True)
class SearchHit:
    """A search result. ``score``: higher is better, comparable within one result list only."""

    id: str
    kind: Kind
    label: str
    score: float
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "score": self.score,
            "metadata": dict(self.metadata),
        }


def build_where(filters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A Chroma ``where`` clause from simple filters.

    Keys: ``provider``, ``kind``, ``level``, ``delivery``, ``language``, ``currency`` (equal to the
    value, or to any of a list of values), ``area`` (among the credential's areas), ``max_hours``,
    ``max_cost``, ``max_credits`` (at most; entries without the value are excluded). ``None``
    values are ignored.

    >>> build_where({"provider": "Acme", "max_hours": 10})
    {'$and': [{'provider': {'$eq': 'Acme'}}, {'hours': {'$lte': 10}}]}
    >>> build_where({"level": ["beginner", "intermediate"]})
    {'level': {'$in': ['beginner', 'intermediate']}}
    """
    clauses: list[dict[str, Any]] = []
    for key, raw in (filters or {}).items():
        if raw is None:
            continue
        value = getattr(raw, "value", raw)
        if key in EQUAL_FILTERS:
            if isinstance(value, list | tuple | set | frozenset):
                clauses.append({key: {"$in": sorted(getattr(v, "value", v) for v in value)}})
            else:
                clauses.append({key: {"$eq": value}})
        elif key == "area":
            clauses.append({"areas": {"$contains": value}})
        elif key in BOUND_FILTERS:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RequestError(f"filter {key} must be a number, not {value!r}", where=f"filter {key}")
            clauses.append({BOUND_FILTERS[key]: {"$lte": value}})
        else:
            known = ", ".join([*EQUAL_FILTERS, "area", *BOUND_FILTERS])
            raise RequestError(f"unknown search filter {key!r}", where=f"filter {key}", fix=f"use one of: {known}")
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@contextmanager
def chroma_errors(where: str, doing: str) -> Iterator[None]:
    """Turn Chroma, sqlite and HTTP failures into a StoreError naming the store."""
    try:
        yield
    except StoreError:
        raise
    except (ChromaError, sqlite3.Error, httpx.HTTPError, OSError, ValueError, KeyError) as exc:
        raise StoreError(
            f"cannot {doing}: {type(exc).__name__}: {exc}",
            where=where,
            fix="check that the store path is writable and not corrupt (delete it and run `credpath ingest` "
            "again), or that the Chroma server at CREDPATH_CHROMA_URL is running",
        ) from exc


class ChromaIndex:
    """The entries of one store generation in three Chroma collections (``{prefix}credentials`` ...).

    ``client`` is a ``chromadb.PersistentClient`` or ``chromadb.HttpClient``; ``where`` names it in
    errors. Vectors always come from ``embedder``, never from Chroma's default model.

    The label scorers of hybrid search are built from the stored labels on the first search of
    each kind, unless ``lexical_dir`` holds them as saved by :meth:`save_lexical`
    (``lexical-<kind>.npz``): then they are loaded, which on the full ESCO skill pillar takes
    a few tens of milliseconds instead of seconds. A missing or unreadable file means a build.
    """

    def __init__(
        self,
        client: ClientAPI,
        embedder: Embedder,
        *,
        prefix: str = "credpath-",
        where: str = "",
        hybrid: bool = True,
        lexical_dir: Path | None = None,
    ) -> None:
        self.client = client
        self.embedder = embedder
        self.prefix = prefix
        self.where = where or prefix
        self.hybrid = hybrid
        self._function = ChromaEmbeddingFunction(embedder)
        self._collections: dict[Kind, Collection] = {}
        self.lexical_dir = lexical_dir
        self._lexical: dict[Kind, LabelScorers] = {}

    def collection_name(self, kind: Kind) -> str:
        return f"{self.prefix}{kind}s"

    def collection(self, kind: Kind, *, create: bool = False) -> Collection:
        """The collection of ``kind``; a StoreError if it is missing, unless ``create``."""
        if kind in self._collections:
            return self._collections[kind]
        name = self.collection_name(kind)
        with chroma_errors(self.where, f"open collection {name}"):
            try:
                found = self.client.get_collection(name, embedding_function=self._function)  # type: ignore[arg-type]
            except (NotFoundError, ValueError):
                if not create:
                    raise StoreError(
                        f"the store has no {kind} collection ({name})",
                        where=self.where,
                        fix="run `credpath ingest` to build the store",
                    ) from None
                found = self.client.create_collection(
                    name,
                    embedding_function=self._function,  # type: ignore[arg-type]
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"embedder": self.embedder.name, "dim": self.embedder.dim},
                )
        self._collections[kind] = found
        return found

    def _vectors_collection(self, kind: Kind, *, create: bool = False) -> Collection:
        """The collection of ``kind``, checked to hold vectors of this index's embedder."""
        found = self.collection(kind, create=create)
        built_with = (found.metadata or {}).get("embedder")
        if built_with != self.embedder.name:
            raise StoreError(
                f"the {kind} collection was embedded with {built_with!r}, but the embedder is {self.embedder.name!r}",
                where=self.where,
                fix="use the same CREDPATH_EMBEDDER settings as when the store was built, or re-ingest",
            )
        return found

    def upsert(self, entries: Sequence[IndexEntry], on_batch: Callable[[int], None] | None = None) -> None:
        """Embed and write ``entries`` in batches; ``on_batch(done)`` after each batch lands."""
        done = 0
        for kind in ENTRY_KINDS:
            mine = [e for e in entries if e.kind == kind]
            if not mine:
                continue
            collection = self._vectors_collection(kind, create=True)
            self._forget_lexical(kind)
            for start in range(0, len(mine), BATCH):
                batch = mine[start : start + BATCH]
                vectors = self.embed_entries(batch)
                with chroma_errors(self.where, f"write {kind} entries"):
                    collection.upsert(
                        ids=[e.id for e in batch],
                        embeddings=vectors,
                        documents=[e.document for e in batch],
                        metadatas=[e.metadata for e in batch],
                    )
                done += len(batch)
                if on_batch is not None:
                    on_batch(done)

    def embed_entries(self, entries: Sequence[IndexEntry]) -> NDArray[np.float32]:
        """One unit vector per entry: the normalised sum of its parts' vectors."""
        return embed_parts(self.embedder, [e.parts for e in entries])

    def delete(self, kind: Kind, ids: Sequence[str]) -> None:
        collection = self.collection(kind, create=True)
        self._forget_lexical(kind)
        for start in range(0, len(ids), BATCH):
            with chroma_errors(self.where, f"delete {kind} entries"):
                collection.delete(ids=list(ids[start : start + BATCH]))

    def set_positions(self, kind: Kind, positions: Mapping[str, int]) -> None:
        """Record each entry's place in the catalogue without re-embedding it."""
        collection = self.collection(kind, create=True)
        items = sorted(positions.items())
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            with chroma_errors(self.where, f"reorder {kind} entries"):
                collection.update(ids=[i for i, _ in batch], metadatas=[{"pos": p} for _, p in batch])

    def metadatas(self, kind: Kind) -> dict[str, dict[str, Any]]:
        """Every stored entry of ``kind``: id -> metadata (with ``json``, ``hash``, ``pos``)."""
        collection = self.collection(kind)
        out: dict[str, dict[str, Any]] = {}
        with chroma_errors(self.where, f"read {kind} entries"):
            total = collection.count()
            for offset in range(0, total, 5000):
                got = collection.get(include=["metadatas"], limit=5000, offset=offset)
                out.update(zip(got["ids"], (dict(m) for m in got["metadatas"] or []), strict=True))
        return out

    def count(self, kind: Kind) -> int:
        with chroma_errors(self.where, f"count {kind} entries"):
            return self.collection(kind).count()

    def search(
        self, query: str, *, kind: str = Kind.credential, k: int = 10, where: Mapping[str, Any] | None = None
    ) -> list[SearchHit]:
        """Entries of ``kind`` for ``query``: exact label matches first, then by similarity.

        Exact: the query, normalised, is the label or an alternative label (score 1 + cosine).
        Skills and occupations without filters (``hybrid``): cosine similarity plus
        ``LEXICAL_WEIGHT`` times the BM25 score over labels relative to the best one plus
        ``GRAM_WEIGHT`` times the character n-gram cosine to the closest label, over the vector,
        BM25 and n-gram candidates (bench/ingest_bench.py: the words of a known label and its
        spelling variants raise an entry; unseen phrasings keep their vector rank). Otherwise:
        cosine only.
        Credentials are searched by vector: their names are titles, not the words a learner types.
        """
        of_kind = entry_kind(kind)
        clause = build_where(where)
        collection = self._vectors_collection(of_kind)
        query = query.strip()
        if k <= 0 or not query:
            return []
        fused = self.hybrid and of_kind != Kind.credential and clause is None
        fetch = fetch_size(k) if fused else k
        vector = self.embedder.embed([query])
        with chroma_errors(self.where, f"search {of_kind} entries"):
            total = collection.count()
            if total == 0:
                return []
            exact_where: dict[str, Any] = {"labels": {"$contains": normalise_label(query)}}
            exact = collection.get(
                where={"$and": [exact_where, clause]} if clause else exact_where, include=["metadatas"], limit=k
            )
            found: dict[str, Mapping[str, Any]] = dict(zip(exact["ids"], exact["metadatas"] or [], strict=True))
            answer = collection.query(
                query_embeddings=vector, n_results=min(fetch, total), where=clause, include=["metadatas", "distances"]
            )
        vector_ids = answer["ids"][0]
        similarity = {i: 1.0 - float(d) for i, d in zip(vector_ids, (answer["distances"] or [[]])[0], strict=True)}
        found |= dict(zip(vector_ids, (answer["metadatas"] or [[]])[0], strict=True))
        if fused:
            self._add_lexical(collection, of_kind, query, vector[0], fetch, similarity)
        best = exact_first(exact["ids"], similarity, k)
        missing = [i for i in best if i not in found]
        if missing:
            with chroma_errors(self.where, f"read {of_kind} entries"):
                extra = collection.get(ids=missing, include=["metadatas"])
            found |= dict(zip(extra["ids"], extra["metadatas"] or [], strict=True))
        return [
            SearchHit(
                item,
                of_kind,
                str(found[item].get("label", item)),
                round(score, 6),
                {key: v for key, v in found[item].items() if key not in INTERNAL_KEYS},
            )
            for item, score in best.items()
        ]

    def _add_lexical(
        self,
        collection: Collection,
        kind: Kind,
        query: str,
        vector: NDArray[np.float32],
        fetch: int,
        similarity: dict[str, float],
    ) -> None:
        """Fold BM25 and n-gram label scores into ``similarity``, adding the best candidates the vectors missed."""
        lexical = LexicalScores.of(self._lexical_scorers(kind), query, fetch)
        missing = [i for i in lexical.candidates if i not in similarity]
        if missing:
            with chroma_errors(self.where, f"read {kind} vectors"):
                got = collection.get(ids=missing, include=["embeddings"])
            rows = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), -1)
            similarity.update(zip(got["ids"], (float(x) for x in rows @ vector), strict=True))
        lexical.fuse(similarity)

    def lexical_path(self, kind: Kind) -> Path | None:
        """Where the label scorers of ``kind`` are saved, if this index has a ``lexical_dir``."""
        return None if self.lexical_dir is None else self.lexical_dir / f"lexical-{kind}.npz"

    def build_lexical(self, kind: Kind) -> LabelScorers:
        """The label scorers of ``kind``, built from the labels stored now."""
        return LabelScorers.build({i: m.get("labels", []) for i, m in self.metadatas(kind).items()})

    def save_lexical(self, kind: Kind) -> None:
        """Build the label scorers of ``kind`` from the stored labels and save them in ``lexical_dir``."""
        path = self.lexical_path(kind)
        if path is None:
            raise StoreError(
                f"cannot save the {kind} label scorers: the index has no directory",
                where=self.where,
                fix="give ChromaIndex a lexical_dir (a Chroma server store builds its scorers on first search)",
            )
        scorers = self.build_lexical(kind)
        with chroma_errors(self.where, f"save the {kind} label scorers"):
            scorers.save(path)
        self._lexical[kind] = scorers

    def _forget_lexical(self, kind: Kind) -> None:
        """Drop the label scorers of ``kind``, in memory and on disk: the labels are about to change."""
        self._lexical.pop(kind, None)
        path = self.lexical_path(kind)
        if path is not None:
            with chroma_errors(self.where, f"remove the stale {kind} label scorers"):
                path.unlink(missing_ok=True)

    def _lexical_scorers(self, kind: Kind) -> LabelScorers:
        if kind not in self._lexical:
            path = self.lexical_path(kind)
            saved = None if path is None else LabelScorers.load(path)
            self._lexical[kind] = saved if saved is not None else self.build_lexical(kind)
        return self._lexical[kind]
