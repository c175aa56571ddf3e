"""The Chroma catalogue index: documents and metadata, filters, exact-label and hybrid search."""

from __future__ import annotations

import doctest
import math
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings
from hypothesis import given
from hypothesis import strategies as st

import ingest.index
import ingest.lexical
import ingest.store
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
from ingest.embedders import HashingEmbedder, Vectors
from ingest.entries import index_entries, normalise_label
from ingest.index import ChromaIndex, build_where
from ingest.lexical import FORMAT, LabelBM25, LabelGrams, LabelScorers, char_grams

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


def ids(hits: list[ingest.index.SearchHit]) -> list[str]:
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


def test_normalise_label() -> None:
    assert normalise_label("  Python (computer   programming) ") == "python computer programming"


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


def test_char_grams_stay_inside_words() -> None:
    assert char_grams("ab cd", sizes=(3,)) == {"#ab": 1, "ab#": 1, "#cd": 1, "cd#": 1}
    assert char_grams("a", sizes=(4,)) == {"#a#": 1}


def test_label_grams_match_morphological_variants() -> None:
    grams = LabelGrams(
        {
            "o:dw": ["data warehouse analyst", "dw specialist"],
            "o:entry": ["data entry clerk"],
            "o:analyst": ["business analyst"],
        }
    )
    assert grams.rank("data warehousing analysts", limit=3)[0] == "o:dw"
    assert grams.rank("data-entry clerks", limit=1) == ["o:entry"]
    assert grams.scores("zzz qqq") == {} and LabelGrams({}).scores("data") == {}


@given(st.lists(st.text(alphabet="abcdefgh ", min_size=1, max_size=20), min_size=1, max_size=6))
def test_label_grams_give_each_label_its_own_item_first(labels: list[str]) -> None:
    items = {f"i{n}": [label] for n, label in enumerate(labels) if label.split()}
    grams = LabelGrams(items)
    for item, (label,) in items.items():
        scores = grams.scores(label)
        assert all(0.0 < s <= 1.0 + 1e-6 for s in scores.values())
        assert scores[item] == pytest.approx(max(scores.values()))
        assert scores[item] == pytest.approx(1.0)


def reference_bm25(labels: Mapping[str, Sequence[str]], query: str) -> dict[str, float]:
    """BM25 as a textbook loop over dicts: what the array postings must agree with."""
    bags = {item: Counter(w for t in texts for w in t.split()) for item, texts in labels.items()}
    average = sum(sum(b.values()) for b in bags.values()) / max(1, len(bags))
    scores: dict[str, float] = {}
    for word in set(normalise_label(query).split()):
        having = [item for item, bag in bags.items() if word in bag]
        idf = math.log(1 + (len(bags) - len(having) + 0.5) / (len(having) + 0.5))
        for item in having:
            count, norm = bags[item][word], 1.2 * (0.25 + 0.75 * sum(bags[item].values()) / average)
            scores[item] = scores.get(item, 0.0) + idf * count * 2.2 / (count + norm)
    return scores


def reference_grams(labels: Mapping[str, Sequence[str]], query: str) -> dict[str, float]:
    """The n-gram cosine label by label with Counters: what the vectorised build must agree with."""
    texts = [(item, char_grams(normalise_label(t))) for item, ts in labels.items() for t in ts]
    df = Counter(g for _, grams in texts for g in grams)

    def unit(grams: Counter[str]) -> dict[str, float]:
        weights = {g: (1 + math.log(c)) * (math.log((1 + len(texts)) / (1 + df[g])) + 1) for g, c in grams.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {g: w / norm for g, w in weights.items()}

    asked = unit(Counter({g: c for g, c in char_grams(normalise_label(query)).items() if g in df}))
    best: dict[str, float] = {}
    for item, grams in texts:
        score = sum(w * asked.get(g, 0.0) for g, w in unit(grams).items())
        if score > 0:
            best[item] = max(best.get(item, 0.0), score)
    return best


LABELS = st.dictionaries(
    st.text(alphabet="xyz", min_size=1, max_size=3),
    st.lists(st.text(alphabet="abcdé ", min_size=0, max_size=18).map(normalise_label), max_size=3),
    max_size=6,
)


@given(LABELS, st.text(alphabet="abcdé ", max_size=15))
def test_array_scorers_agree_with_per_label_references(labels: dict[str, list[str]], query: str) -> None:
    for fast, slow in (
        (LabelBM25(labels).scores(query), reference_bm25(labels, query)),
        (LabelGrams(labels).scores(query), reference_grams(labels, query)),
    ):
        assert fast.keys() == slow.keys()
        assert all(fast[k] == pytest.approx(slow[k], rel=1e-5) for k in fast)


@given(LABELS, st.text(alphabet="abcdé ", max_size=15))
def test_saved_scorers_score_exactly_as_fresh_ones(labels: dict[str, list[str]], query: str) -> None:
    fresh = LabelScorers.build(labels)
    with tempfile.TemporaryDirectory() as folder:
        fresh.save(Path(folder) / "lexical.npz")
        loaded = LabelScorers.load(Path(folder) / "lexical.npz")
        assert sorted(p.name for p in Path(folder).iterdir()) == ["lexical.npz"]
    assert loaded is not None
    for text in [query, *(t for ts in labels.values() for t in ts)]:
        assert loaded.bm25.scores(text) == fresh.bm25.scores(text)
        assert loaded.grams.scores(text) == fresh.grams.scores(text)


def test_unreadable_or_foreign_scorer_files_load_as_none(tmp_path: Path) -> None:
    path = tmp_path / "lexical.npz"
    assert LabelScorers.load(path) is None
    path.write_bytes(b"not a zip file")
    assert LabelScorers.load(path) is None
    np.savez(path, format=np.array([FORMAT + 1]))
    assert LabelScorers.load(path) is None
    np.savez(path, format=np.array([FORMAT]))
    assert LabelScorers.load(path) is None


def search_all(index: ChromaIndex) -> list[list[ingest.index.SearchHit]]:
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


@pytest.mark.parametrize("module", [ingest.index, ingest.lexical, ingest.store])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def test_bench_replaces_only_its_readme_block(tmp_path: Path) -> None:
    from bench.ingest_bench import END, START, replace_block, split_setting

    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}\nold\n{END}\noutro\n")
    assert replace_block(readme, "| new |")
    assert readme.read_text() == f"intro\n{START}\n| new |\n{END}\noutro\n"
    readme.write_text("no markers\n")
    assert not replace_block(readme, "| new |") and readme.read_text() == "no markers\n"
    indexed, queries = split_setting(OCCUPATIONS, "held-out alt labels")
    assert queries == [] and indexed.occupations[0].alt_labels == ("data analytics specialist",)
    indexed, queries = split_setting(OCCUPATIONS, "label + description")
    assert queries == [("data analytics specialist", "o:analyst"), ("nursing aide", "o:nurse")]
    assert all(o.alt_labels == () for o in indexed.occupations)
