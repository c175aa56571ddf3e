"""Label scorers: BM25 and character n-grams agree with textbook references and survive a save and load."""

from __future__ import annotations

import doctest
import math
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ingest.search.lexical
from ingest.search import LabelBM25, LabelGrams, LabelScorers, normalise_label
from ingest.search.lexical import FORMAT, char_grams


def test_normalise_label() -> None:
    assert normalise_label("  Python (computer   programming) ") == "python computer programming"


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


def test_doctests() -> None:
    result = doctest.testmod(ingest.search.lexical)
    assert result.failed == 0 and result.attempted > 0
