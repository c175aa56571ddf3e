"""The gap report benchmark runs at a small size and writes its block only between its own markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.catalogue_gen import generate_catalogue
from bench.gaps_bench import END, START, main, withdrawn
from ingest.data import load_default


def test_withdraw_takes_out_the_asked_share() -> None:
    cat = generate_catalogue(500, seed=2).catalogue
    kept = withdrawn(cat, 0.2, seed=2)
    assert 300 < len(kept.credentials) < 500
    assert withdrawn(cat, 0.2, seed=2) == kept
    assert withdrawn(cat, 0.0, seed=2).credentials == cat.credentials


def test_bench_prints_a_row_per_catalogue_and_fills_the_readme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}\nPREVIOUS-TABLE\n{END}\noutro\n", encoding="utf-8")
    assert main(["--sizes", "300", "--readme", str(readme)]) == 0
    table = capsys.readouterr().out
    assert f"| bundled default | {len(load_default().credentials)} |" in table
    assert "| generated 0k, 10% withdrawn | " not in table
    assert sum(line.startswith("| generated") for line in table.splitlines()) == 1
    text = readme.read_text(encoding="utf-8")
    assert "PREVIOUS-TABLE" not in text and text.startswith("intro\n") and text.endswith("outro\n")
