"""The goal benchmark's scoring, its pivot sentences and its README block (MELO itself runs in bench/)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.common import write_block
from bench.goal_bench import END, PIVOTS, START, Score, pivots, render, score
from recommender.service import CredpathService


def test_score_counts_ranks_within_ten() -> None:
    answers = [lambda x: x == "a", lambda x: x == "b", lambda x: x == "z"]
    result = score(
        "s", answers, [["a", "b"], ["c", "d", "e", "f", "g", "b"], ["z", *"abcdefghij"][1:]], [1.0, 2.0, 3.0]
    )
    assert (result.at1, result.at5) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    assert result.mrr == pytest.approx((1 + 1 / 6) / 3)
    assert result.p50_ms == 2.0


def test_pivot_sentences_are_many_varied_and_resolve() -> None:
    items = yaml.safe_load(PIVOTS.read_text(encoding="utf-8"))
    assert len(items) >= 60
    assert len({tuple(i["accept"]) for i in items}) >= 55, "many trades, not one goal repeated"
    result, leaks = pivots(CredpathService.bundled(), PIVOTS)
    assert leaks == 0, "a background is never offered as a target"
    assert result.at5 >= 0.8


def test_readme_block_goes_between_the_markers_only(tmp_path: Path) -> None:
    row = Score("credpath goal resolver", 0.6, 0.86, 0.72, 30.0, 90.0)
    block = render([row], Score("pivots (66)", 0.8, 0.9, 0.85, 20.0, 30.0), 0, {"plan": 0.8}, {"index": 11.5})
    assert "| credpath goal resolver | 0.600 | 0.860 | 0.720 |" in block and "OpenAI embeddings" in block
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}\nold\n{END}\nend\n", encoding="utf-8")
    assert write_block(readme, START, END, block)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("intro\n") and text.endswith(f"{END}\nend\n") and "\nold\n" not in text
    bare = tmp_path / "bare.md"
    bare.write_text("no markers\n", encoding="utf-8")
    assert not write_block(bare, START, END, block) and bare.read_text(encoding="utf-8") == "no markers\n"
