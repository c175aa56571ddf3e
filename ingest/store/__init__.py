"""The catalogue store: an ingested catalogue in Chroma (on disk or on a server), replaced atomically, searchable.

:class:`CatalogueIndex` is the interface the rest of credpath reads a store through;
:class:`CatalogueStore` (on-disk and Chroma-server modes alike) is the implementation that ships.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from graph.model import Catalogue
from ingest.store.catalogue import CatalogueStore, IngestSummary, KindCounts, StoreStats, open_store
from ingest.store.entries import ENTRY_KINDS, SCHEME, IndexEntry, entry_kind, index_entries
from ingest.store.index import ChromaIndex, SearchHit, build_where

__all__ = [
    "ENTRY_KINDS",
    "SCHEME",
    "CatalogueIndex",
    "CatalogueStore",
    "ChromaIndex",
    "IndexEntry",
    "IngestSummary",
    "KindCounts",
    "SearchHit",
    "StoreStats",
    "build_where",
    "entry_kind",
    "index_entries",
    "open_store",
]


class CatalogueIndex(Protocol):
    """An ingested catalogue: written whole by :meth:`ingest`, read back whole, searched by label and meaning."""

    location: str

    def ingest(
        self,
        catalogue: Catalogue,
        progress: Callable[[int, int, str], None] | None = None,
        *,
        allow_empty: bool = False,
    ) -> IngestSummary:
        """Replace the stored catalogue with ``catalogue``; readers see the old one or the new one, never a mix.

        Refused (StoreError) when it would leave no entries of a kind the store holds, unless ``allow_empty``.
        """
        ...

    def catalogue(self) -> Catalogue:
        """The catalogue last ingested, equal to what was ingested."""
        ...

    def search(
        self, query: str, *, kind: str = "credential", k: int = 10, where: Mapping[str, Any] | None = None
    ) -> list[SearchHit]:
        """The ``k`` entries of ``kind`` best matching ``query`` among those passing the ``where`` filters."""
        ...

    def stats(self) -> StoreStats:
        """What the store holds: generation, embedder, entries per kind."""
        ...

    def close(self) -> None:
        """Release open clients; the store reopens on next use."""
        ...
