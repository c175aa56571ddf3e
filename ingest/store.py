"""The catalogue store: an atomically replaced Chroma index that hands back the catalogue it was given.

Two backends keep the same promise, that a failed or killed ingest leaves the previous store as it was:

- on disk, each ingest writes a new *generation* directory (a copy of the live one plus the
  changes) and then points ``CURRENT`` at it with one ``os.replace``;
- on a Chroma server, each ingest writes collections named for a new generation and then flips the
  generation recorded in a small pointer collection.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from graph.errors import StoreError
from graph.model import Catalogue, Credential, Occupation, Skill
from ingest.base import Skipped
from ingest.embedders import ChromaEmbeddingFunction, Embedder, make_embedder
from ingest.index import KINDS, ChromaIndex, Entry, IndexEntry, Kind, SearchHit, chroma_errors, index_entries
from ingest.settings import Settings

Progress = Callable[[int, int, str], None]
MODELS: dict[Kind, type[Entry]] = {"credential": Credential, "skill": Skill, "occupation": Occupation}
POINTER = "credpath-pointer"
COPY_PAGE = 1000


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
            for kind in KINDS
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


class _DiskBackend:
    """Generations under ``root/generations/<n>/``; ``root/CURRENT`` names the live one."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.where = str(root)

    @property
    def _generations(self) -> Path:
        return self.root / "generations"

    def live(self) -> tuple[int, dict[str, Any]] | None:
        try:
            number = int((self.root / "CURRENT").read_text().strip())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"the store's CURRENT pointer is unreadable: {exc}",
                where=self.where,
                fix="delete the store directory and run `credpath ingest` again",
            ) from exc
        try:
            manifest = json.loads((self._generations / str(number) / "manifest.json").read_text())
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"the live generation {number} is missing or unreadable: {exc}",
                where=self.where,
                fix="delete the store directory and run `credpath ingest` again",
            ) from exc
        return number, manifest

    def client(self, number: int) -> ClientAPI:
        with chroma_errors(self.where, f"open generation {number}"):
            return chromadb.PersistentClient(
                self._generations / str(number), settings=ChromaSettings(anonymized_telemetry=False)
            )

    @contextmanager
    def locked(self) -> Iterator[None]:
        try:
            self._generations.mkdir(parents=True, exist_ok=True)
            handle = (self.root / ".lock").open("w")
        except OSError as exc:
            raise StoreError(f"cannot create the store: {exc}", where=self.where, fix="check the path") from exc
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(
                    "another ingest is writing this store", where=self.where, fix="wait for it to finish"
                ) from None
            yield

    def begin(self, live: int | None, fresh: bool) -> int:
        taken = [int(p.name) for p in self._generations.iterdir() if p.name.isdigit()]
        number = max([*taken, live or 0]) + 1
        target = self._generations / str(number)
        with chroma_errors(self.where, f"prepare generation {number}"):
            if live is not None and not fresh:
                shutil.copytree(self._generations / str(live), target)
            else:
                target.mkdir()
        return number

    def commit(self, number: int, manifest: dict[str, Any]) -> None:
        generation = self._generations / str(number)
        with chroma_errors(self.where, f"publish generation {number}"):
            _write_atomic(generation / "manifest.json", json.dumps(manifest, indent=2))
            for folder, _dirs, files in os.walk(generation):
                for name in files:
                    _fsync(Path(folder) / name)
            _write_atomic(self.root / "CURRENT", f"{number}\n")

    def abort(self, number: int) -> None:
        shutil.rmtree(self._generations / str(number), ignore_errors=True)

    def collect(self, keep: Sequence[int]) -> None:
        """Delete generations other than ``keep`` (the live one and the one before, for open readers)."""
        for path in self._generations.iterdir():
            if path.name not in {str(n) for n in keep}:
                shutil.rmtree(path, ignore_errors=True)


class _ServerBackend:
    """Collections ``credpath-g<n>-<kind>s`` on a Chroma server; ``credpath-pointer`` names the live n."""

    def __init__(self, url: str, embedder: Embedder) -> None:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        self.where = url
        self.embedder = embedder
        with chroma_errors(url, "connect to the Chroma server"):
            self._client = chromadb.HttpClient(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                settings=ChromaSettings(anonymized_telemetry=False),
            )

    def _pointer(self) -> Any:
        with chroma_errors(self.where, "open the pointer collection"):
            return self._client.get_or_create_collection(
                POINTER,
                embedding_function=ChromaEmbeddingFunction(self.embedder),  # type: ignore[arg-type]
            )

    def live(self) -> tuple[int, dict[str, Any]] | None:
        meta = self._pointer().metadata or {}
        if "generation" not in meta:
            return None
        return int(meta["generation"]), json.loads(str(meta["manifest"]))

    def client(self, number: int) -> ClientAPI:
        return self._client

    @contextmanager
    def locked(self) -> Iterator[None]:
        yield

    def _numbers(self) -> set[int]:
        with chroma_errors(self.where, "list collections"):
            names = [c.name for c in self._client.list_collections()]
        return {int(n.split("-")[1][1:]) for n in names if n.startswith("credpath-g") and n.split("-")[1][1:].isdigit()}

    def begin(self, live: int | None, fresh: bool) -> int:
        number = max([*self._numbers(), live or 0]) + 1
        if live is not None and not fresh:
            source = ChromaIndex(self._client, self.embedder, prefix=prefix_for(live, True), where=self.where)
            target = ChromaIndex(self._client, self.embedder, prefix=prefix_for(number, True), where=self.where)
            for kind in KINDS:
                old = source.collection(kind)
                new = target.collection(kind, create=True)
                with chroma_errors(self.where, f"copy the {kind} collection"):
                    for offset in range(0, old.count(), COPY_PAGE):
                        got = old.get(include=["embeddings", "documents", "metadatas"], limit=COPY_PAGE, offset=offset)
                        new.add(
                            ids=got["ids"],
                            embeddings=got["embeddings"],
                            documents=got["documents"],
                            metadatas=got["metadatas"],
                        )
        return number

    def commit(self, number: int, manifest: dict[str, Any]) -> None:
        pointer = self._pointer()
        now = (pointer.metadata or {}).get("generation")
        if now is not None and int(now) != manifest.get("previous"):
            raise StoreError(
                f"another ingest published generation {now} while this one ran",
                where=self.where,
                fix="run the ingest again",
            )
        with chroma_errors(self.where, "publish the new generation"):
            pointer.modify(metadata={"generation": number, "manifest": json.dumps(manifest)})

    def abort(self, number: int) -> None:
        self.collect(keep=[n for n in self._numbers() if n != number])

    def collect(self, keep: Sequence[int]) -> None:
        for number in self._numbers() - set(keep):
            for kind in KINDS:
                # Best effort: an orphaned collection is harmless and the next ingest retries.
                with suppress(StoreError), chroma_errors(self.where, "delete an old generation"):
                    self._client.delete_collection(f"{prefix_for(number, True)}{kind}s")


def _reporter(progress: Progress | None, total: int, what: str) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda done: progress(done, total, what)


def prefix_for(number: int, server: bool) -> str:
    """Collection-name prefix of a generation (only server generations share one namespace)."""
    return f"credpath-g{number}-" if server else "credpath-"


def _close(client: ClientAPI) -> None:
    """Release a persistent client's files (the concrete client has close(); the protocol does not)."""
    close = getattr(client, "close", None)
    if close is not None:
        close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync(path.parent)


class CatalogueStore:
    """A catalogue index that is replaced as a whole by each :meth:`ingest`.

    ``location`` is a directory (on-disk mode) or an ``http(s)://host:port`` URL of a Chroma server.

    Examples
    --------
    >>> import tempfile
    >>> from graph.model import Catalogue, Skill
    >>> from ingest.embedders import HashingEmbedder
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
        self._backend: _DiskBackend | _ServerBackend = (
            _ServerBackend(self.location, embedder) if self._server else _DiskBackend(Path(location))
        )
        self._reader: tuple[int, ChromaIndex] | None = None

    def _index(self, number: int, client: ClientAPI) -> ChromaIndex:
        return ChromaIndex(
            client, self.embedder, prefix=prefix_for(number, self._server), where=self.location, hybrid=self.hybrid
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
            _close(self._reader[1].client)
        self._reader = None

    def __enter__(self) -> CatalogueStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(self, catalogue: Catalogue, progress: Progress | None = None) -> IngestSummary:
        """Make the store hold exactly ``catalogue``: add, update, remove; unchanged entries keep their vectors.

        All or nothing: until the new generation is published, readers see the previous one, and a
        failure (or a killed process) leaves the previous one live.
        """
        with self._backend.locked():
            live = self._backend.live()
            previous = live[0] if live else None
            fresh = live is None or live[1].get("embedder") != self.embedder.name
            old: dict[Kind, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
            if live is not None:
                _, _, reader = self._live_index()
                old = {kind: reader.metadatas(kind) for kind in KINDS}
            self.close()
            number = self._backend.begin(previous, fresh)
            try:
                writer = self._index(number, self._backend.client(number))
                counts, skipped = self._apply(writer, catalogue, old, fresh, progress)
                if not self._server:
                    _close(writer.client)
                manifest = {
                    "generation": number,
                    "previous": previous,
                    "embedder": self.embedder.name,
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
            credential=counts["credential"],
            skill=counts["skill"],
            occupation=counts["occupation"],
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
                IndexEntry(e.id, e.kind, e.document, e.metadata | {"pos": p})
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

    def catalogue(self) -> Catalogue:
        """The catalogue last ingested, rebuilt from the stored JSON (equal to what was ingested)."""
        _, manifest, index = self._live_index()
        parts: dict[Kind, tuple[Any, ...]] = {}
        for kind in KINDS:
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
            skills=parts["skill"],
            credentials=parts["credential"],
            occupations=parts["occupation"],
        )

    def search(
        self, query: str, *, kind: Kind = "credential", k: int = 10, where: Mapping[str, Any] | None = None
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
            counts={kind: index.count(kind) for kind in KINDS},
            ingested_at=str(manifest.get("ingested_at", "")),
        )


def open_store(
    settings: Settings, *, path: Path | None = None, url: str | None = None, embedder: Embedder | None = None
) -> CatalogueStore:
    """The store the settings name: ``url`` or ``CREDPATH_CHROMA_URL`` if set, else ``path`` or the store dir."""
    location: Path | str = url or path or settings.chroma_url or settings.store_dir
    return CatalogueStore(location, embedder or make_embedder(settings))
