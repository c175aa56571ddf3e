"""The on-disk catalogue store: round trip, idempotent re-ingest, atomicity under failure and SIGKILL."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graph.errors import StoreError
from graph.model import Catalogue, Credential, Kind, Skill
from ingest.search.embedders import HashingEmbedder, StaticEmbedder
from ingest.search.lexical import LabelScorers
from ingest.settings import Settings
from ingest.store.catalogue import CatalogueStore, KindCounts, open_store
from ingest.store.index import ChromaIndex
from tests.ingest.store.test_index import CATALOGUE

REPO = Path(__file__).resolve().parents[3]


def big_catalogue(n: int, tag: str = "") -> Catalogue:
    return Catalogue(
        name=f"big {tag}",
        skills=tuple(Skill(id=f"s{i}", label=f"skill number {i} {tag}") for i in range(n)),
        credentials=(Credential(id="c0", name=f"course {tag}", provider="P"),),
    )


@pytest.fixture
def store(tmp_path: Path) -> CatalogueStore:
    return CatalogueStore(tmp_path / "store", HashingEmbedder())


def test_round_trip_in_a_new_client_finds_by_meaning(tmp_path: Path) -> None:
    first = CatalogueStore(tmp_path / "store", StaticEmbedder())
    summary = first.ingest(CATALOGUE)
    assert summary.credential == KindCounts(added=4) and summary.skill == KindCounts(added=4)
    first.close()
    reopened = CatalogueStore(tmp_path / "store", StaticEmbedder())
    assert reopened.catalogue() == CATALOGUE
    assert reopened.search("spreadsheet")[0].id == "c:excel"
    assert reopened.search("look after patients in hospital")[0].id == "c:cna"
    stats = reopened.stats()
    assert stats.counts == {"credential": 4, "skill": 4, "occupation": 2}
    assert stats.name == "index test" and stats.generation == 1 and stats.embedder.startswith("static:")


def test_round_trip_in_a_new_process(store: CatalogueStore, tmp_path: Path) -> None:
    store.ingest(CATALOGUE)
    code = textwrap.dedent(
        f"""
        from ingest.search.embedders import HashingEmbedder
        from ingest.store.catalogue import CatalogueStore
        print(CatalogueStore({str(tmp_path / "store")!r}, HashingEmbedder()).catalogue().model_dump_json())
        """
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert Catalogue.model_validate_json(out.stdout) == CATALOGUE


def test_reingest_is_idempotent_and_tracks_edits(store: CatalogueStore) -> None:
    store.ingest(CATALOGUE)
    again = store.ingest(CATALOGUE)
    for kind in ("credential", "skill", "occupation"):
        counts = again.of(kind)
        assert counts.added == counts.updated == counts.removed == 0 and counts.unchanged > 0
    excel, python, _sql, cna = CATALOGUE.credentials
    edited = CATALOGUE.model_copy(
        update={"credentials": (excel.model_copy(update={"hours": 12.0}), python, cna), "name": "edited"}
    )
    summary = store.ingest(edited)
    assert summary.credential == KindCounts(updated=1, removed=1, unchanged=2)
    assert summary.skill == KindCounts(unchanged=4)
    assert store.catalogue() == edited
    assert store.search("SQL Deep Dive")[0].id != "c:sql"


def test_reordering_rewrites_no_vector_but_keeps_order(store: CatalogueStore) -> None:
    store.ingest(CATALOGUE)
    reordered = CATALOGUE.model_copy(update={"skills": tuple(reversed(CATALOGUE.skills))})
    summary = store.ingest(reordered)
    assert summary.skill == KindCounts(unchanged=4)
    assert store.catalogue() == reordered


def test_a_new_skill_label_re_embeds_the_credentials_that_teach_it(store: CatalogueStore) -> None:
    store.ingest(CATALOGUE)
    skills = (CATALOGUE.skills[0].model_copy(update={"label": "spreadsheets"}), *CATALOGUE.skills[1:])
    summary = store.ingest(CATALOGUE.model_copy(update={"skills": skills}))
    assert summary.skill == KindCounts(updated=1, unchanged=3)
    assert summary.credential == KindCounts(updated=1, unchanged=3)


def test_duplicate_ids_are_reported_and_the_later_entry_wins(store: CatalogueStore) -> None:
    twin = CATALOGUE.credentials[0].model_copy(update={"name": "Excel Again"})
    doubled = CATALOGUE.model_copy(update={"credentials": (*CATALOGUE.credentials, twin)})
    summary = store.ingest(doubled)
    assert [s.where for s in summary.skipped] == ["/credentials/0"]
    assert "duplicate id 'c:excel'" in summary.skipped[0].reason and "/credentials/4" in summary.skipped[0].reason
    stored = store.catalogue().credentials
    assert [c.id for c in stored] == ["c:excel", "c:python", "c:sql", "c:cna"] and stored[0].name == "Excel Again"
    assert "skipped /credentials/0" in str(summary)


def test_changing_the_embedder_re_embeds_everything(store: CatalogueStore, tmp_path: Path) -> None:
    store.ingest(CATALOGUE)
    store.close()
    other = CatalogueStore(tmp_path / "store", HashingEmbedder(64))
    with pytest.raises(StoreError, match="embedded with 'hashing:256'"):
        other.search("spreadsheets")
    summary = other.ingest(CATALOGUE)
    assert summary.credential == KindCounts(updated=4) and summary.occupation == KindCounts(updated=2)
    assert other.search("Excel Essentials")[0].id == "c:excel"
    assert other.catalogue() == CATALOGUE


def test_an_empty_store_says_to_ingest(store: CatalogueStore) -> None:
    with pytest.raises(StoreError, match="no catalogue has been ingested") as err:
        store.catalogue()
    assert "credpath ingest" in str(err.value)


def test_progress_reports_each_batch(tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    CatalogueStore(tmp_path / "s", HashingEmbedder()).ingest(big_catalogue(1100), progress=lambda *a: calls.append(a))
    assert [c for c in calls if c[2] == "skills"] == [
        (512, 1100, "skills"),
        (1024, 1100, "skills"),
        (1100, 1100, "skills"),
    ]
    assert ("credentials" in {c[2] for c in calls}) and all(c[0] <= c[1] for c in calls)


LEXICAL = ["lexical-credential.npz", "lexical-occupation.npz", "lexical-skill.npz"]
QUERIES = ["spreadsheets", "python programming", "nursing aides", "data analytics", "query language"]


def generation(store: Path, number: int) -> Path:
    return store / "generations" / str(number)


def searched(store: CatalogueStore) -> list[list[Any]]:
    return [store.search(q, kind=kind, k=4) for kind in ("skill", "occupation") for q in QUERIES]


def test_ingest_saves_label_scorers_that_search_as_a_fresh_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    CatalogueStore(tmp_path / "store", HashingEmbedder()).ingest(CATALOGUE)
    assert sorted(p.name for p in generation(tmp_path / "store", 1).glob("lexical-*")) == LEXICAL
    with monkeypatch.context() as patched:
        patched.setattr(LabelScorers, "build", lambda labels: pytest.fail("built the scorers instead of loading"))
        saved = searched(CatalogueStore(tmp_path / "store", HashingEmbedder()))
    for path in generation(tmp_path / "store", 1).glob("lexical-*"):
        path.unlink()  # a store written before the scorers were saved
    assert searched(CatalogueStore(tmp_path / "store", HashingEmbedder())) == saved


def test_reingest_rebuilds_only_the_scorers_whose_labels_changed(
    store: CatalogueStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    save = ChromaIndex.save_lexical

    def counted_save(self: ChromaIndex, kind: Kind) -> None:
        built.append(kind)
        save(self, kind)

    monkeypatch.setattr(ChromaIndex, "save_lexical", counted_save)
    store.ingest(CATALOGUE)
    assert sorted(built) == ["credential", "occupation", "skill"]
    built.clear()
    store.ingest(CATALOGUE)
    assert built == []
    assert sorted(p.name for p in generation(tmp_path / "store", 2).glob("*.npz")) == LEXICAL
    renamed = CATALOGUE.skills[3].model_copy(update={"label": "provide palliative care"})
    changed = CATALOGUE.model_copy(update={"skills": (*CATALOGUE.skills[:3], renamed)})
    store.ingest(changed)
    assert sorted(built) == ["credential", "skill"]  # a credential's text holds the labels of what it teaches
    built.clear()
    store.ingest(changed.model_copy(update={"occupations": CATALOGUE.occupations[:1]}))
    assert built == ["occupation"]
    reopened = CatalogueStore(tmp_path / "store", HashingEmbedder())
    assert [h.id for h in reopened.search("nursing aide", kind="occupation")] == ["o:analyst"]
    assert reopened.search("palliative", kind="skill")[0].id == renamed.id


def test_a_failure_while_saving_scorers_leaves_the_previous_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = CatalogueStore(tmp_path / "store", HashingEmbedder())
    first.ingest(CATALOGUE)
    before = searched(first)
    first.close()

    def broken_save(self: LabelScorers, path: Path) -> None:
        path.with_name(f".{path.name}.tmp").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(LabelScorers, "save", broken_save)
    with pytest.raises(StoreError, match="disk full"):
        CatalogueStore(tmp_path / "store", HashingEmbedder()).ingest(big_catalogue(20), allow_empty=True)
    assert sorted(p.name for p in (tmp_path / "store" / "generations").iterdir()) == ["1"]
    assert sorted(p.name for p in generation(tmp_path / "store", 1).glob("*lexical*")) == LEXICAL
    assert searched(CatalogueStore(tmp_path / "store", HashingEmbedder())) == before


class FailingEmbedder(HashingEmbedder):
    """Fails on the n-th call to embed, to break an ingest half way."""

    def __init__(self, fail_at: int) -> None:
        super().__init__()
        self.calls = 0
        self.fail_at = fail_at

    def embed(self, texts: Any) -> np.ndarray:
        self.calls += 1
        if self.calls == self.fail_at:
            raise RuntimeError("embedder died")
        return super().embed(texts)


def test_a_failure_mid_ingest_leaves_the_previous_store(tmp_path: Path) -> None:
    old = big_catalogue(1500, "old")
    CatalogueStore(tmp_path / "store", HashingEmbedder()).ingest(old)
    broken = CatalogueStore(tmp_path / "store", FailingEmbedder(fail_at=2))
    with pytest.raises(RuntimeError, match="embedder died"):
        broken.ingest(big_catalogue(1500, "new"))
    after = CatalogueStore(tmp_path / "store", HashingEmbedder())
    assert after.catalogue() == old
    assert sorted(p.name for p in (tmp_path / "store" / "generations").iterdir()) == ["1"]
    assert LabelScorers.load(generation(tmp_path / "store", 1) / "lexical-skill.npz") is not None
    assert after.ingest(big_catalogue(1500, "new")).skill == KindCounts(updated=1500)


def test_a_reader_keeps_working_across_ingests(tmp_path: Path) -> None:
    reader = CatalogueStore(tmp_path / "store", HashingEmbedder())
    writer = CatalogueStore(tmp_path / "store", HashingEmbedder())
    writer.ingest(CATALOGUE)
    assert reader.search("Excel Essentials")[0].id == "c:excel"
    smaller = CATALOGUE.model_copy(update={"credentials": CATALOGUE.credentials[1:]})
    writer.ingest(smaller)
    writer.ingest(CATALOGUE)
    writer.ingest(smaller)
    assert reader.catalogue() == smaller
    assert "c:excel" not in [h.id for h in reader.search("Excel Essentials")]
    assert len(list((tmp_path / "store" / "generations").iterdir())) == 2


def test_a_second_ingest_while_one_runs_is_refused(store: CatalogueStore, tmp_path: Path) -> None:
    (tmp_path / "store" / "generations").mkdir(parents=True)
    with (tmp_path / "store" / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another ingest"):
            store.ingest(CATALOGUE)


def test_chroma_failures_become_store_errors(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StoreError) as err:
        CatalogueStore(tmp_path / "file", HashingEmbedder()).ingest(CATALOGUE)
    assert str(tmp_path / "file") in str(err.value)
    store = CatalogueStore(tmp_path / "store", HashingEmbedder())
    store.ingest(CATALOGUE)
    store.close()
    (tmp_path / "store" / "CURRENT").write_text("7\n")
    with pytest.raises(StoreError, match="generation 7 is missing"):
        CatalogueStore(tmp_path / "store", HashingEmbedder()).catalogue()


def test_open_store_follows_settings(tmp_path: Path) -> None:
    settings = Settings(embedder="hashing", data_dir=tmp_path)
    store = open_store(settings)
    assert store.location == str(tmp_path / "store") and store.embedder.name == "hashing:256"
    assert open_store(settings, path=tmp_path / "x").location == str(tmp_path / "x")


KILLED_INGEST = """
import sys, time
from pathlib import Path
from ingest.search.embedders import HashingEmbedder
from ingest.store.catalogue import CatalogueStore
from tests.ingest.store.test_store import big_catalogue

def progress(done, total, what):
    if what == "skills" and done >= 1024:
        Path(sys.argv[2]).write_text("midway")
        time.sleep(60)

CatalogueStore(sys.argv[1], HashingEmbedder()).ingest(big_catalogue(3000, "new"), progress=progress)
"""


@pytest.mark.timeout(180)
def test_sigkill_mid_ingest_leaves_the_previous_store(tmp_path: Path) -> None:
    old = big_catalogue(3000, "old")
    CatalogueStore(tmp_path / "store", HashingEmbedder()).ingest(old)
    marker = tmp_path / "midway"
    child = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, str(tmp_path / "store"), str(marker)], cwd=REPO)
    deadline = time.monotonic() + 120
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the child ingest never got half way"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    generations = sorted(p.name for p in (tmp_path / "store" / "generations").iterdir())
    assert generations == ["1", "2"]  # the half-written generation is there, and not live
    after = CatalogueStore(tmp_path / "store", HashingEmbedder())
    assert after.catalogue() == old
    assert after.search("skill number 7 old", kind="skill")[0].id == "s7"
    assert sorted(p.name for p in generation(tmp_path / "store", 1).glob("*lexical*")) == LEXICAL
    manifest = json.loads((tmp_path / "store" / "generations" / "1" / "manifest.json").read_text())
    assert manifest["counts"]["skill"] == 3000
    assert after.ingest(big_catalogue(3000, "new")).skill == KindCounts(updated=3000)
    assert sorted(p.name for p in (tmp_path / "store" / "generations").iterdir()) == ["1", "3"]
