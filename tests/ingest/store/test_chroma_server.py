"""Server mode: the same ingest and queries through a real `chroma run` on 127.0.0.1 match the on-disk store."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from bench.common import free_port, stop
from graph.errors import StoreError
from ingest.search.embedders import HashingEmbedder
from ingest.store.catalogue import CatalogueStore, KindCounts
from ingest.store.generations import POINTER
from tests.ingest.store.test_index import CATALOGUE

pytestmark = [pytest.mark.server, pytest.mark.slow]
CHROMA = Path(sys.executable).with_name("chroma")
QUERIES = [
    ("spreadsheets", "credential", None),
    ("python programming", "credential", {"max_hours": 50}),
    ("care", "credential", {"provider": "Health College"}),
    ("Excel", "skill", None),
    ("structured query language", "skill", None),
    ("nursing aide", "occupation", None),
]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} is not installed")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("w")
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma server did not start: {(path / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        stop(server)
        log.close()


def results(store: CatalogueStore) -> list[list[tuple[str, float]]]:
    return [
        [(h.id, round(h.score, 4)) for h in store.search(q, kind=kind, k=3, where=where)]  # type: ignore[arg-type]
        for q, kind, where in QUERIES
    ]


def test_server_mode_matches_disk_mode(chroma_url: str, tmp_path: Path) -> None:
    disk = CatalogueStore(tmp_path / "store", HashingEmbedder())
    server = CatalogueStore(chroma_url, HashingEmbedder())
    assert server.ingest(CATALOGUE) == disk.ingest(CATALOGUE)
    assert server.catalogue() == CATALOGUE
    assert results(server) == results(disk)
    again = server.ingest(CATALOGUE)
    assert again.credential == KindCounts(unchanged=4) and again.generation == 2
    edited = CATALOGUE.model_copy(update={"credentials": CATALOGUE.credentials[1:]})
    assert server.ingest(edited).credential == KindCounts(removed=1, unchanged=3)
    assert CatalogueStore(chroma_url, HashingEmbedder()).catalogue() == edited
    names = {c.name for c in server._backend._client.list_collections()}  # type: ignore[union-attr]
    assert names == {POINTER} | {f"credpath-g{n}-{k}s" for n in (2, 3) for k in ("credential", "skill", "occupation")}


def test_server_failure_leaves_the_live_generation(chroma_url: str) -> None:
    class Dying(HashingEmbedder):
        def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
            raise RuntimeError("embedder died")

    store = CatalogueStore(chroma_url, HashingEmbedder())
    store.ingest(CATALOGUE)
    before = store.stats().generation
    changed = CATALOGUE.credentials[0].model_copy(update={"description": "new text to embed"})
    with pytest.raises(RuntimeError):
        CatalogueStore(chroma_url, Dying()).ingest(CATALOGUE.model_copy(update={"credentials": (changed,)}))
    assert store.stats().generation == before
    assert store.catalogue() == CATALOGUE
    names = {c.name for c in store._backend._client.list_collections()}  # type: ignore[union-attr]
    assert not any(n.startswith(f"credpath-g{before + 1}-") for n in names)


def test_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError) as err:
        CatalogueStore(f"http://127.0.0.1:{free_port()}", HashingEmbedder()).catalogue()
    assert "127.0.0.1" in str(err.value) and "CREDPATH_CHROMA_URL" in str(err.value)
