"""The Chroma catalogue index: documents and metadata, filters, exact-label and hybrid search, saved scorers."""

from __future__ import annotations

import doctest
from collections.abc import Iterator, Sequence
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

import ingest.store.catalogue
import ingest.store.index
from graph.errors import RequestError, StoreError
from graph.model import (
    AllOf,
    Catalogue,
    Credential,
    CredentialCondition,
    Delivery,
    Level,
    Occupation,
    Skill,
    SkillCondition,
    TaughtSkill,
)
from ingest.search.embedders import HashingEmbedder, Vectors
from ingest.store.entries import index_entries
from ingest.store.index import ChromaIndex, build_where

SKILLS = (
    Skill(id="esco:excel", label="use spreadsheets software", alt_labels=("Excel", "work with spreadsheets")),
    Skill(id="esco:python", label="Python (computer programming)", alt_labels=("Python",)),
    Skill(id="esco:sql", label="SQL", description="Structured query language for databases."),
    Skill(id="esco:nursing", label="provide nursing care"),
)
CREDENTIALS = (
    Credential(
        id="c:excel",
        name="Excel Essentials",
        provider="Acme",
        teaches=(TaughtSkill(skill="esco:excel"),),
        hours=10,
        cost=50,
        level=Level.beginner,
        delivery=Delivery.online,
        areas=("data", "office"),
    ),
    Credential(
        id="c:python",
        name="Python for Everybody",
        provider="State University",
        teaches=(TaughtSkill(skill="esco:python", level="basic"),),
        requires=AllOf(all_of=(SkillCondition(skill="esco:excel"), CredentialCondition(credential="c:excel"))),
        hours=40,
        level=Level.beginner,
        delivery=Delivery.blended,
        areas=("data",),
    ),
    Credential(id="c:sql", name="SQL Deep Dive", provider="Acme", teaches=(TaughtSkill(skill="esco:sql"),), cost=300),
    Credential(
        id="c:cna",
        name="Nursing Assistant",
        provider="Health College",
        teaches=(TaughtSkill(skill="esco:nursing"),),
        hours=120,
        cost=900,
        level=Level.intermediate,
        delivery=Delivery.in_person,
        language="es",
    ),
)
OCCUPATIONS = (
    Occupation(id="o:analyst", label="data analyst", alt_labels=("data analytics specialist",)),
    Occupation(id="o:nurse", label="nurse assistant", alt_labels=("nursing aide",)),
)
CATALOGUE = Catalogue(name="index test", skills=SKILLS, credentials=CREDENTIALS, occupations=OCCUPATIONS)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[ChromaIndex]:
    client = chromadb.PersistentClient(tmp_path / "chroma", settings=ChromaSettings(anonymized_telemetry=False))
    built = ChromaIndex(client, HashingEmbedder(), where=str(tmp_path))
    built.upsert([e for entries in index_entries(CATALOGUE).values() for e in entries])
    yield built
    client.close()  # type: ignore[attr-defined]  # the concrete client has close()


def test_documents_hold_labels_descriptions_and_taught_skills() -> None:
    entries = index_entries(CATALOGUE)
    excel = entries["credential"][0]
    assert excel.parts == ("Excel Essentials", "Teaches: use spreadsheets software")
    assert entries["skill"][0].parts == ("use spreadsheets software; Excel; work with spreadsheets",)
    assert entries["skill"][2].document == "SQL\nStructured query language for databases."
    assert entries["skill"][0].metadata["labels"] == ["use spreadsheets software", "excel", "work with spreadsheets"]
    meta = excel.metadata
    assert meta["provider"] == "Acme" and meta["hours"] == 10 and meta["areas"] == ["data", "office"]
    assert meta["level"] == "beginner" and meta["delivery"] == "online" and meta["kind"] == "course"
    assert "credits" not in meta  # None values are left out: Chroma metadata holds no nulls
    for kind_entries in entries.values():
        for entry in kind_entries:
            for value in entry.metadata.values():
                assert isinstance(value, str | int | float | bool | list)


def test_stored_json_rebuilds_each_entry_exactly() -> None:
    entries = index_entries(CATALOGUE)
    rebuilt = [Credential.model_validate_json(e.metadata["json"]) for e in entries["credential"]]
    assert tuple(rebuilt) == CREDENTIALS


def test_content_hash_follows_content() -> None:
    before = index_entries(CATALOGUE)
    same = index_entries(CATALOGUE.model_copy())
    assert [e.content_hash for e in before["credential"]] == [e.content_hash for e in same["credential"]]
    new_skills = (SKILLS[0].model_copy(update={"label": "spreadsheets"}), *SKILLS[1:])
    relabelled = CATALOGUE.model_copy(update={"skills": new_skills})
    after = index_entries(relabelled)
    # The credential's text names the skill it teaches, so relabelling the skill changes the credential.
    assert after["credential"][0].content_hash != before["credential"][0].content_hash
    assert after["credential"][2].content_hash == before["credential"][2].content_hash


def test_build_where() -> None:
    assert build_where(None) is None and build_where({"provider": None}) is None
    assert build_where({"area": "data"}) == {"areas": {"$contains": "data"}}
    assert build_where({"level": Level.advanced}) == {"level": {"$eq": "advanced"}}
    assert build_where({"max_cost": 100, "kind": ["badge", "course"]}) == {
        "$and": [{"cost": {"$lte": 100}}, {"kind": {"$in": ["badge", "course"]}}]
    }
    with pytest.raises(RequestError, match="unknown search filter 'colour'") as err:
        build_where({"colour": "red"})
    assert "max_hours" in str(err.value)
    with pytest.raises(RequestError, match="must be a number"):
        build_where({"max_hours": "ten"})


def ids(hits: list[ingest.store.index.SearchHit]) -> list[str]:
    return [h.id for h in hits]


def test_filters(index: ChromaIndex) -> None:
    assert set(ids(index.search("course", where={"provider": "Acme"}))) == {"c:excel", "c:sql"}
    # Entries without hours are excluded by an hours bound: their length is unknown.
    assert set(ids(index.search("course", where={"max_hours": 40}))) == {"c:excel", "c:python"}
    assert set(ids(index.search("course", where={"max_cost": 0}))) == {"c:python"}
    assert set(ids(index.search("course", where={"level": ["beginner", "intermediate"]}))) == {
        "c:excel",
        "c:python",
        "c:cna",
    }
    assert ids(index.search("course", where={"delivery": "in_person"})) == ["c:cna"]
    assert ids(index.search("course", where={"language": "es"})) == ["c:cna"]
    assert set(ids(index.search("course", where={"area": "data", "max_hours": 20}))) == {"c:excel"}
    assert index.search("course", where={"provider": "Nobody"}) == []


def test_search_ranks_by_text_and_reports_public_metadata(index: ChromaIndex) -> None:
    hits = index.search("spreadsheets", k=2)
    assert hits[0].id == "c:excel" and hits[0].label == "Excel Essentials"
    assert hits[0].score >= hits[1].score
    assert "json" not in hits[0].metadata and hits[0].metadata["provider"] == "Acme"
    assert hits[0].as_dict()["metadata"]["hours"] == 10
    assert len(index.search("spreadsheets", k=1)) == 1
    assert index.search("   ") == [] and index.search("x", k=0) == []
    with pytest.raises(RequestError):
        index.search("x", kind="badge")  # type: ignore[arg-type]


def test_exact_alt_label_comes_first(index: ChromaIndex) -> None:
    assert index.search("EXCEL", kind="skill")[0].id == "esco:excel"
    assert index.search("nursing aide", kind="occupation")[0].id == "o:nurse"
    hit = index.search("Python", kind="skill")[0]
    assert hit.id == "esco:python" and hit.score > 1.0


def test_lexical_fusion_finds_label_words(index: ChromaIndex) -> None:
    hits = index.search("structured query language", kind="skill", k=4)
    assert hits[0].id == "esco:sql"
    assert len(set(ids(hits))) == len(hits)


def test_missing_collection_and_wrong_embedder_are_store_errors(tmp_path: Path, index: ChromaIndex) -> None:
    other = ChromaIndex(index.client, HashingEmbedder(64), where="the store")
    with pytest.raises(StoreError, match="embedded with 'hashing:256'") as err:
        other.search("x")
    assert "the store" in str(err.value)
    empty = ChromaIndex(index.client, HashingEmbedder(), prefix="nothing-", where="the store")
    with pytest.raises(StoreError, match="credpath ingest"):
        empty.search("x")


class SameVector:
    """Every text gets one vector: the cosine cannot rank, so a search ranks by its lexical scores."""

    name = "same-vector"
    dim = 4

    def embed(self, texts: Sequence[str]) -> Vectors:
        return np.tile(np.array([1, 0, 0, 0], dtype=np.float32), (len(texts), 1))


def test_occupations_embed_their_essential_skill_labels() -> None:
    nurse = Occupation(id="o:n", label="nurse", essential_skills=("esco:nursing", "esco:unknown"))
    entry = index_entries(Catalogue(skills=SKILLS, occupations=(nurse,)))["occupation"][0]
    assert entry.parts == ("nurse", "provide nursing care")
    alone = index_entries(Catalogue(occupations=(nurse,)))["occupation"][0]
    assert alone.parts == ("nurse",) and alone.content_hash != entry.content_hash


def test_spelling_variant_of_a_label_ranks_its_entry_first(tmp_path: Path) -> None:
    # BM25 alone prefers o:union: it shares the word "labor"; the n-grams see "labour economist".
    occupations = (
        Occupation(id="o:economist", label="labour economist"),
        Occupation(id="o:union", label="labor union organiser"),
        Occupation(id="o:advisor", label="economic advisor"),
    )
    client = chromadb.PersistentClient(tmp_path / "chroma", settings=ChromaSettings(anonymized_telemetry=False))
    built = ChromaIndex(client, SameVector(), where=str(tmp_path))
    built.upsert(index_entries(Catalogue(occupations=occupations))["occupation"])
    assert built.search("Labor Economists", kind="occupation", k=3)[0].id == "o:economist"
    client.close()  # type: ignore[attr-defined]


def search_all(index: ChromaIndex) -> list[list[ingest.store.index.SearchHit]]:
    queries = ["spreadsheets", "python programming", "nursing aides", "data analysis", "structured query"]
    return [index.search(q, kind=kind, k=4) for kind in ("skill", "occupation") for q in queries]


def test_index_loads_saved_scorers_and_ranks_as_a_fresh_build(
    tmp_path: Path, index: ChromaIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = search_all(index)
    writer = ChromaIndex(index.client, index.embedder, lexical_dir=tmp_path)
    writer.save_lexical("skill")
    writer.save_lexical("occupation")
    assert sorted(p.name for p in tmp_path.glob("lexical-*")) == ["lexical-occupation.npz", "lexical-skill.npz"]

    def no_build(self: ChromaIndex, kind: str) -> None:
        raise AssertionError(f"built the {kind} scorers instead of loading them")

    with monkeypatch.context() as patched:
        patched.setattr(ChromaIndex, "build_lexical", no_build)
        assert search_all(ChromaIndex(index.client, index.embedder, lexical_dir=tmp_path)) == fresh
    (tmp_path / "lexical-skill.npz").unlink()
    (tmp_path / "lexical-occupation.npz").write_bytes(b"damaged")
    assert search_all(ChromaIndex(index.client, index.embedder, lexical_dir=tmp_path)) == fresh


def test_writing_entries_removes_their_kind_of_saved_scorers(tmp_path: Path, index: ChromaIndex) -> None:
    writer = ChromaIndex(index.client, index.embedder, lexical_dir=tmp_path)
    for kind in ("skill", "occupation"):
        writer.save_lexical(kind)
    r_language = Skill(id="esco:r", label="R statistical computing")
    writer.upsert(index_entries(Catalogue(skills=(r_language,)))["skill"])
    assert not (tmp_path / "lexical-skill.npz").exists() and (tmp_path / "lexical-occupation.npz").exists()
    assert writer.search("statistical computing", kind="skill")[0].id == "esco:r"
    writer.delete("occupation", ["o:nurse"])
    assert not (tmp_path / "lexical-occupation.npz").exists()
    with pytest.raises(StoreError, match="no directory"):
        index.save_lexical("skill")


@pytest.mark.parametrize("module", [ingest.store.index, ingest.store.catalogue])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def test_bench_replaces_only_its_readme_block(tmp_path: Path) -> None:
    from bench.common import write_block
    from bench.ingest_bench import END, START, split_setting

    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}\nold\n{END}\noutro\n")
    assert write_block(readme, START, END, "| new |")
    assert readme.read_text() == f"intro\n{START}\n| new |\n{END}\noutro\n"
    readme.write_text("no markers\n")
    assert not write_block(readme, START, END, "| new |") and readme.read_text() == "no markers\n"
    indexed, queries = split_setting(OCCUPATIONS, "held-out alt labels")
    assert queries == [] and indexed.occupations[0].alt_labels == ("data analytics specialist",)
    indexed, queries = split_setting(OCCUPATIONS, "label + description")
    assert queries == [("data analytics specialist", "o:analyst"), ("nursing aide", "o:nurse")]
    assert all(o.alt_labels == () for o in indexed.occupations)
