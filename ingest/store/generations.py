"""Store generations: how a new version of the catalogue index is written beside the live one and published.

Two implementations keep one promise, that a failed or killed ingest leaves the live version as it was:

- ``DiskGenerations``: each version is a directory ``root/generations/<n>/`` (a copy of the live one
  plus the changes, with the saved label scorers ``lexical-<kind>.npz`` beside Chroma's files);
  ``root/CURRENT`` names the live one and is replaced with one ``os.replace``;
- ``ServerGenerations``: each version is a set of collections ``credpath-g<n>-<kind>s`` on a Chroma
  server; the small ``credpath-pointer`` collection records the live n and is flipped last. A
  server generation has no directory, so its label scorers are built by each reader on first search.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from graph.errors import StoreError
from ingest.search import Embedder
from ingest.store.chroma_function import ChromaEmbeddingFunction
from ingest.store.entries import ENTRY_KINDS
from ingest.store.index import ChromaIndex, chroma_errors

POINTER = "credpath-pointer"
COPY_PAGE = 1000


class DiskGenerations:
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
            raise self._corrupt("the store's CURRENT pointer is unreadable", exc) from exc
        try:
            manifest = json.loads((self._generations / str(number) / "manifest.json").read_text())
        except (OSError, ValueError) as exc:
            raise self._corrupt(f"the live generation {number} is missing or unreadable", exc) from exc
        return number, manifest

    def _corrupt(self, what: str, exc: Exception) -> StoreError:
        return StoreError(
            f"{what}: {exc}", where=self.where, fix="delete the store directory and run `credpath ingest` again"
        )

    def directory(self, number: int) -> Path | None:
        """The folder of generation ``number``: its Chroma files and its saved label scorers."""
        return self._generations / str(number)

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


class ServerGenerations:
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

    def directory(self, number: int) -> Path | None:
        """None: a server generation lives in collections only."""
        return None

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
            for kind in ENTRY_KINDS:
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
            for kind in ENTRY_KINDS:
                # Best effort: an orphaned collection is harmless and the next ingest retries.
                with suppress(StoreError), chroma_errors(self.where, "delete an old generation"):
                    self._client.delete_collection(f"{prefix_for(number, True)}{kind}s")


def prefix_for(number: int, server: bool) -> str:
    """Collection-name prefix of a generation (only server generations share one namespace)."""
    return f"credpath-g{number}-" if server else "credpath-"


def close_client(client: ClientAPI) -> None:
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
