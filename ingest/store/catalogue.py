"""The catalogue store: an atomically replaced Chroma index that hands back the catalogue it was given.

Each ingest writes a new generation beside the live one and publishes it in one step
(see ``ingest.store.generations``), so readers never see half an ingest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chromadb.api import ClientAPI

from graph.errors import StoreError
from graph.model import Catalogue, Credential, Kind, Occupation, Skill
from ingest.formats import Skipped
from ingest.search import Embedder, LabelScorers, make_embedder
from ingest.settings import Settings
from ingest.store.entries import ENTRY_KINDS, SCHEME, Entry, IndexEntry, index_entries
from ingest.store.generations import DiskGenerations, ServerGenerations, close_client, prefix_for
from ingest.store.index import ChromaIndex, SearchHit

Progress = Callable[[int, int, str], None]
MODELS: dict[Kind, type[Entry]] = {Kind.credential: Credential, Kind.skill: Skill, Kind.occupation: Occupation}


@dataclass(frozen=True)
class KindCounts:
    """What one ingest did to the entries of one kind."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class IngestSummary:
    """What an ingest changed, per kind, and the entries it could not store."""

    credential: KindCounts = KindCounts()
    skill: KindCounts = KindCounts()
    occupation: KindCounts = KindCounts()
    skipped: tuple[Skipped, ...] = ()
    generation: int = 0

    def of(self, kind: Kind) -> KindCounts:
        counts: KindCounts = getattr(self, kind)
        return counts

    def __str__(self) -> str:
        lines = [
            f"{kind}s: {c.added} added, {c.updated} updated, {c.removed} removed, {c.unchanged} unchanged"
            for kind in ENTRY_KINDS
            for c in [self.of(kind)]
        ]
        lines += [f"skipped {s}" for s in self.skipped]
        return "\n".join(lines)


@dataclass(frozen=True)
class StoreStats:
    """What a store holds."""

    location: str
    generation: int
    embedder: str
    name: str
    counts: Mapping[Kind, int] = field(default_factory=dict)
    ingested_at: str = ""


def _refuse_emptying(manifest: Mapping[str, Any], catalogue: Catalogue, location: str) -> None:
    """StoreError when the store holds entries of a kind that ``catalogue`` has none of."""
    held = manifest.get("counts") or {}
    new = {Kind.credential: catalogue.credentials, Kind.skill: catalogue.skills, Kind.occupation: catalogue.occupations}
    emptied = [f"{held[kind]} {kind}(s)" for kind in ENTRY_KINDS if held.get(kind) and not new[kind]]
    if emptied:
        raise StoreError(
            f"this ingest would remove every entry of a kind the store holds: {', '.join(emptied)}",
            where=location,
            fix="check the files (and the entries reported as skipped); to empty those kinds on purpose, "
            "ingest again with --allow-empty",
        )


def _reporter(progress: Progress | None, total: int, what: str) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda done: progress(done, total, what)


class CatalogueStore:
    """The :class:`~ingest.store.CatalogueIndex` credpath ships: replaced as a whole by each :meth:`ingest`.

    ``location`` is a directory (on-disk mode) or an ``http(s)://host:port`` URL of a Chroma server.

    Examples
    --------
    >>> import tempfile
    >>> from graph.model import Catalogue, Skill
    >>> from ingest.search import HashingEmbedder
    >>> store = CatalogueStore(Path(tempfile.mkdtemp()) / "store", HashingEmbedder())
    >>> print(store.ingest(Catalogue(skills=(Skill(id="s1", label="Spreadsheets"),))).skill)
    KindCounts(added=1, updated=0, removed=0, unchanged=0)
    >>> store.search("spreadsheets", kind="skill")[0].id
    's1'
    """

    def __init__(self, location: Path | str, embedder: Embedder, *, hybrid: bool = True) -> None:
        self.location = str(location)
        self.embedder = embedder
        self.hybrid = hybrid
        self._server = self.location.startswith(("http://", "https://"))
        self._backend: DiskGenerations | ServerGenerations = (
            ServerGenerations(self.location, embedder) if self._server else DiskGenerations(Path(location))
        )
        self._reader: tuple[int, ChromaIndex] | None = None

    def _index(self, number: int, client: ClientAPI) -> ChromaIndex:
        return ChromaIndex(
            client,
            self.embedder,
            prefix=prefix_for(number, self._server),
            where=self.location,
            hybrid=self.hybrid,
            lexical_dir=self._backend.directory(number),
        )

    def _live_index(self) -> tuple[int, dict[str, Any], ChromaIndex]:
        live = self._backend.live()
        if live is None:
            raise StoreError(
                "no catalogue has been ingested into this store",
                where=self.location,
                fix="run `credpath ingest FILE...`",
            )
        number, manifest = live
        if self._reader is None or self._reader[0] != number:
            self.close()
            self._reader = (number, self._index(number, self._backend.client(number)))
        return number, manifest, self._reader[1]

    def close(self) -> None:
        """Release the open Chroma client (on-disk mode); the store reopens on next use."""
        if self._reader is not None and not self._server:
            close_client(self._reader[1].client)
        self._reader = None

    def __enter__(self) -> CatalogueStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(
        self, catalogue: Catalogue, progress: Progress | None = None, *, allow_empty: bool = False
    ) -> IngestSummary:
        """Make the store hold exactly ``catalogue``: add, update, remove; unchanged entries keep their vectors.

        All or nothing: until the new generation is published, readers see the previous one, and a
        failure (or a killed process) leaves the previous one live. An ingest that would leave no
        entries of a kind the store holds is refused (a StoreError) unless ``allow_empty``.
        """
        with self._backend.locked():
            live = self._backend.live()
            if live is not None and not allow_empty:
                _refuse_emptying(live[1], catalogue, self.location)
            previous = live[0] if live else None
            fresh = live is None or (live[1].get("embedder"), live[1].get("scheme")) != (self.embedder.name, SCHEME)
            old: dict[Kind, dict[str, dict[str, Any]]] = {kind: {} for kind in ENTRY_KINDS}
            if live is not None:
                _, _, reader = self._live_index()
                old = {kind: reader.metadatas(kind) for kind in ENTRY_KINDS}
            self.close()
            number = self._backend.begin(previous, fresh)
            try:
                client = self._backend.client(number)
                try:
                    index = self._index(number, client)
                    counts, skipped = self._apply(index, catalogue, old, fresh, progress)
                    self._save_lexical(index)
                finally:
                    if not self._server:  # flush, and free the path: an aborted number is reused
                        close_client(client)
                manifest = {
                    "generation": number,
                    "previous": previous,
                    "embedder": self.embedder.name,
                    "scheme": SCHEME,
                    "dim": self.embedder.dim,
                    "name": catalogue.name,
                    "description": catalogue.description,
                    "counts": {k: c.added + c.updated + c.unchanged for k, c in counts.items()},
                    "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
                self._backend.commit(number, manifest)
            except BaseException:
                self._backend.abort(number)
                raise
            self._backend.collect(keep=[n for n in (previous, number) if n is not None])
        return IngestSummary(
            credential=counts[Kind.credential],
            skill=counts[Kind.skill],
            occupation=counts[Kind.occupation],
            skipped=tuple(skipped),
            generation=number,
        )

    def _apply(
        self,
        index: ChromaIndex,
        catalogue: Catalogue,
        old: Mapping[Kind, Mapping[str, Mapping[str, Any]]],
        fresh: bool,
        progress: Progress | None,
    ) -> tuple[dict[Kind, KindCounts], list[Skipped]]:
        counts: dict[Kind, KindCounts] = {}
        skipped: list[Skipped] = []
        for kind, entries in index_entries(catalogue).items():
            unique: dict[str, tuple[int, IndexEntry]] = {}
            for position, entry in enumerate(entries):
                if entry.id in unique:
                    first = unique[entry.id][0]
                    skipped.append(
                        Skipped(f"/{kind}s/{first}", f"duplicate id {entry.id!r}: replaced by /{kind}s/{position}")
                    )
                unique[entry.id] = (unique.get(entry.id, (position, entry))[0], entry)
            ordered = {i: (p, e) for p, (i, (_, e)) in enumerate(sorted(unique.items(), key=lambda x: x[1][0]))}
            before = old[kind]
            changed = [
                IndexEntry(e.id, e.kind, e.parts, e.metadata | {"pos": p})
                for p, e in ordered.values()
                if fresh or e.id not in before or before[e.id].get("hash") != e.content_hash
            ]
            removed = [i for i in before if i not in ordered]
            moved = {i: p for i, (p, e) in ordered.items() if i in before and before[i].get("pos") != p and not fresh}
            index.collection(kind, create=True)
            if removed and not fresh:
                index.delete(kind, removed)
            if moved:
                index.set_positions(kind, moved)
            index.upsert(changed, on_batch=_reporter(progress, len(changed), f"{kind}s"))
            updated = sum(1 for e in changed if e.id in before)
            counts[kind] = KindCounts(
                added=len(changed) - updated,
                updated=updated,
                removed=len(removed),
                unchanged=len(ordered) - len(changed),
            )
        return counts, skipped

    def _save_lexical(self, index: ChromaIndex) -> None:
        """Save the label scorers of each kind whose labels changed, in the new generation's folder.

        Writing or deleting entries removed the copied file of that kind (``ChromaIndex.upsert``),
        so a kind still holding a loadable file has the labels it was built from. Saved before the
        generation is published, they are published with it; a Chroma server store has no folder
        and builds them on first search instead.
        """
        for kind in ENTRY_KINDS:
            path = index.lexical_path(kind)
            if path is not None and LabelScorers.load(path) is None:
                index.save_lexical(kind)

    def catalogue(self) -> Catalogue:
        """The catalogue last ingested, rebuilt from the stored JSON (equal to what was ingested)."""
        _, manifest, index = self._live_index()
        parts: dict[Kind, tuple[Any, ...]] = {}
        for kind in ENTRY_KINDS:
            stored = sorted(index.metadatas(kind).values(), key=lambda m: int(m["pos"]))
            try:
                parts[kind] = tuple(MODELS[kind].model_validate_json(m["json"]) for m in stored)
            except ValueError as exc:
                raise StoreError(
                    f"a stored {kind} entry no longer validates: {exc}",
                    where=self.location,
                    fix="re-ingest the catalogue with this version of credpath",
                ) from exc
        return Catalogue(
            name=manifest.get("name", ""),
            description=manifest.get("description", ""),
            skills=parts[Kind.skill],
            credentials=parts[Kind.credential],
            occupations=parts[Kind.occupation],
        )

    def search(
        self, query: str, *, kind: str = Kind.credential, k: int = 10, where: Mapping[str, Any] | None = None
    ) -> list[SearchHit]:
        """Entries of ``kind`` matching ``query`` by label or meaning; see :meth:`ChromaIndex.search`."""
        return self._live_index()[2].search(query, kind=kind, k=k, where=where)

    def stats(self) -> StoreStats:
        """Generation, embedder and entry counts of the live store."""
        number, manifest, index = self._live_index()
        return StoreStats(
            location=self.location,
            generation=number,
            embedder=str(manifest.get("embedder", "")),
            name=str(manifest.get("name", "")),
            counts={kind: index.count(kind) for kind in ENTRY_KINDS},
            ingested_at=str(manifest.get("ingested_at", "")),
        )


def open_store(
    settings: Settings, *, path: Path | None = None, url: str | None = None, embedder: Embedder | None = None
) -> CatalogueStore:
    """The store the settings name: ``url`` or ``CREDPATH_CHROMA_URL`` if set, else ``path`` or the store dir."""
    location: Path | str = url or path or settings.chroma_url or settings.store_dir
    return CatalogueStore(location, embedder or make_embedder(settings))
