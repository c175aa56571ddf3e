"""In-memory hybrid search: built from a catalogue or loaded from the bundled index, same answers either way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graph.model import Catalogue, Occupation, Skill
from ingest.data import default_search_path, load_default
from ingest.search import CatalogueSearch, HashingEmbedder, StaticEmbedder, write_npz


@pytest.fixture(scope="module")
def small() -> Catalogue:
    return Catalogue(
        skills=(
            Skill(id="s:sql", label="SQL", alt_labels=("structured query language",)),
            Skill(id="s:care", label="provide nursing care", description="Care for patients in hospital wards."),
        ),
        occupations=(
            Occupation(
                id="o:analyst", label="data analyst", alt_labels=("data analysts",), essential_skills=("s:sql",)
            ),
            Occupation(id="o:nurse", label="nurse", essential_skills=("s:care",)),
            Occupation(id="o:sales", label="sales manager"),
        ),
    )


def test_search_ranks_labels_plurals_and_exact_matches(small: Catalogue) -> None:
    embedder = HashingEmbedder()
    search = CatalogueSearch.build(small, embedder.embed, embedder.name, hidden={"o:nurse": ("registered nurse",)})
    assert search.search("Data Analysts", "occupation", 1)[0][0] == "o:analyst"
    assert search.search("Sales Managers", "occupation", 1)[0][0] == "o:sales"
    assert search.search("registered nurse", "occupation", 1)[0][0] == "o:nurse", "hidden labels are searched"
    assert search.search("structured query language", "skill", 1)[0][0] == "s:sql"
    assert search.search("!!! 🙂", "occupation", 5) == []
    assert search.search("nurse", "occupation", 0) == []


def test_save_and_load_give_the_same_ranking(small: Catalogue, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    built = CatalogueSearch.build(small, embedder.embed, embedder.name)
    built.save(tmp_path / "index.npz")
    loaded = CatalogueSearch.load(tmp_path / "index.npz", embedder.embed)
    assert loaded is not None and loaded.embedder == embedder.name
    for query in ("data analyst", "nursing", "manager of sales"):
        assert [i for i, _ in loaded.search(query, "occupation", 3)] == [
            i for i, _ in built.search(query, "occupation", 3)
        ]
    again = tmp_path / "again.npz"
    built.save(again)
    assert again.read_bytes() == (tmp_path / "index.npz").read_bytes(), "saving is deterministic"


def test_a_broader_occupation_follows_its_narrower_match_and_survives_saving(tmp_path: Path) -> None:
    catalogue = Catalogue(
        occupations=(
            Occupation(id="o:tutor", label="private tutor"),
            Occupation(id="o:maths", label="mathematics tutor"),
            Occupation(id="o:music", label="music teacher"),
            Occupation(id="o:chef", label="chef"),
        )
    )
    embedder = HashingEmbedder()
    flat = CatalogueSearch.build(catalogue, embedder.embed, embedder.name)
    query = "mathematics tutoring"
    assert flat.search(query, "occupation", 1)[0][0] == "o:maths"
    built = CatalogueSearch.build(catalogue, embedder.embed, embedder.name, broader={"o:maths": ("o:tutor",)})
    ranked = built.search(query, "occupation", 4)
    assert [i for i, _ in ranked][:2] == ["o:maths", "o:tutor"]
    assert ranked[1][1] == pytest.approx(0.97 * ranked[0][1], abs=1e-6), "the broader one scores a share of it"
    assert built.kinds["occupation"].broader_of("o:maths") == {"o:tutor"}
    built.save(tmp_path / "index.npz")
    loaded = CatalogueSearch.load(tmp_path / "index.npz", embedder.embed)
    assert loaded is not None and [i for i, _ in loaded.search(query, "occupation", 2)] == ["o:maths", "o:tutor"]


def test_a_missing_or_foreign_file_loads_as_none(tmp_path: Path) -> None:
    assert CatalogueSearch.load(tmp_path / "missing.npz", HashingEmbedder().embed) is None
    write_npz(tmp_path / "old.npz", {"format": np.array([0], dtype=np.int64)})
    assert CatalogueSearch.load(tmp_path / "old.npz", HashingEmbedder().embed) is None


def test_bundled_index_matches_the_bundled_map() -> None:
    embedder = StaticEmbedder()
    search = CatalogueSearch.load(default_search_path(), embedder.embed)
    assert search is not None and search.embedder == embedder.name
    catalogue = load_default()
    assert search.kinds["occupation"].items == [o.id for o in catalogue.occupations]
    assert set(search.kinds["skill"].items) == {s.id for s in catalogue.skills}
    top = search.search("registered nurse", "occupation", 3)
    labels = {o.id: o.label for o in catalogue.occupations}
    assert "nurse" in labels[top[0][0]]
