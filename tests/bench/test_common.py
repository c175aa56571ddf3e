"""The benchmarks' shared helpers: each bench's README block goes between its own markers only, and the machine line."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
import importlib.metadata
import math
import platform
import re
from pathlib import Path

import pytest

from bench import common, gaps_bench, goal_bench, load_bench, plan_bench
from bench.common import machine_line, percentile, replace_block, update_readme, write_block

BENCHES = ["plan_bench", "ingest_bench", "gaps_bench", "goal_bench", "llm_bench", "load_bench"]


def markers(name: str) -> tuple[str, str]:
    bench = importlib.import_module(f"bench.{name}")
    return bench.START, bench.END


def test_doctests() -> None:
    assert doctest.testmod(common).failed == 0


def test_every_bench_has_markers_of_its_own() -> None:
    every = [m for name in BENCHES for m in markers(name)]
    assert len(set(every)) == len(every)
    assert all(re.fullmatch(r"<!-- bench:\w+:(start|end) -->", m) for m in every)


@pytest.mark.parametrize("bench", BENCHES)
def test_a_block_replaces_only_what_lies_between_its_markers(bench: str, tmp_path: Path) -> None:
    start, end = markers(bench)
    other = "<!-- bench:other:start -->\nkept\n<!-- bench:other:end -->"
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{start}\nold table\n{end}\n\n{other}\nAfter.\n", encoding="utf-8")
    assert write_block(readme, start, end, "\n| new |\n\n")
    assert readme.read_text(encoding="utf-8") == f"# Title\n\n{start}\n| new |\n{end}\n\n{other}\nAfter.\n"
    assert write_block(readme, start, end, "| newer |")
    assert readme.read_text(encoding="utf-8") == f"# Title\n\n{start}\n| newer |\n{end}\n\n{other}\nAfter.\n"


def test_without_markers_nothing_is_written(tmp_path: Path) -> None:
    start, end = gaps_bench.START, gaps_bench.END
    assert replace_block("no markers here", start, end, "table") is None
    assert replace_block(f"{end} before {start}", start, end, "table") is None
    assert replace_block(f"only {start}", start, end, "table") is None
    assert replace_block(f"a {start}x{end} b", start, end, "T") == f"a {start}\nT\n{end} b"
    bare = tmp_path / "bare.md"
    bare.write_text("no markers\n", encoding="utf-8")
    assert not write_block(bare, start, end, "table")
    assert bare.read_text(encoding="utf-8") == "no markers\n"


def test_update_readme_says_what_it_did(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    start, end = goal_bench.START, goal_bench.END
    readme = tmp_path / "README.md"
    readme.write_text(f"{start}\n{end}\n", encoding="utf-8")
    assert update_readme(readme, start, end, "T", what="tables")
    assert capsys.readouterr().err == f"tables written into {readme}\n"
    bare = tmp_path / "bare.md"
    bare.write_text("none\n", encoding="utf-8")
    assert not update_readme(bare, start, end, "T")
    assert capsys.readouterr().err == f"{bare} has no {start} ... {end} markers: nothing written\n"
    assert bare.read_text(encoding="utf-8") == "none\n"


def test_machine_line_shapes() -> None:
    today = dt.date.today().isoformat()
    python = platform.python_version()
    line = machine_line("seed 3")
    assert re.fullmatch(
        rf"Measured on \d+ cores \(.+\), Python {re.escape(python)}, {today}; seed 3; load average \S+ at the end\.",
        line,
    )
    plan = plan_bench.machine_line(4, 9)
    highs = importlib.metadata.version("highspy")
    assert f", Python {python}, HiGHS {highs}, {today}; 4 requests per size, seed 9; load average " in plan
    bare = machine_line("", cpu=False)
    shape = rf"Measured on \d+ cores, Python {re.escape(python)}, {today}; load average \S+ at the end\."
    assert re.fullmatch(shape, bare)


def test_percentile_interpolates() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([0.0, 10.0], 95) == pytest.approx(9.5)
    assert percentile([7.0], 50) == 7.0
    assert math.isnan(percentile([], 50))
    result = load_bench.Result(users=1, seconds=1.0, latencies=[1.0, 2.0, 3.0, 4.0, 5.0])
    assert result.percentile(0.50) == 3.0 and result.percentile(0.95) == pytest.approx(4.8)
