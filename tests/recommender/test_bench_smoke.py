"""The planner benchmark runs at its smallest size, and its catalogue generator keeps its promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.catalogue_gen import (
    ESCO_SKILLS,
    GeneratedCatalogue,
    default_skill_count,
    generate_catalogue,
    sample_requests,
)
from bench.plan_bench import (
    END,
    START,
    RequestResult,
    Run,
    SizeResult,
    check,
    main,
    parse_size,
    render,
)
from graph.algorithms import attainable
from graph.model import CredentialCondition, SkillCondition, iter_leaves
from graph.skillgraph import SkillGraph
from recommender.profile import Objective


@pytest.fixture(scope="module")
def gen300() -> GeneratedCatalogue:
    return generate_catalogue(300, seed=7)


def test_generator_is_seeded(gen300: GeneratedCatalogue) -> None:
    assert generate_catalogue(300, seed=7).catalogue == gen300.catalogue
    assert generate_catalogue(300, seed=8).catalogue != gen300.catalogue


@pytest.mark.parametrize(("credentials", "skills"), [(1, 2), (300, 600), (7_000, ESCO_SKILLS), (100_000, ESCO_SKILLS)])
def test_skill_pool_is_esco_sized(credentials: int, skills: int) -> None:
    assert default_skill_count(credentials) == skills


def test_prerequisites_and_requirements_point_strictly_down(gen300: GeneratedCatalogue) -> None:
    """Skill prerequisites go to lower layers, and a credential needs only what lies below what it teaches."""
    cat, layer = gen300.catalogue, gen300.layer
    assert len(cat.skills) == 600 and len(cat.credentials) == 300
    for s in cat.skills:
        assert all(layer[p] < layer[s.id] for p in s.prerequisites), s.id
    top = {c.id: max(layer[t.skill] for t in c.teaches) for c in cat.credentials}
    g = SkillGraph(cat)
    for c in cat.credentials:
        base = min(layer[t.skill] for t in c.teaches)
        assert 1 <= len(c.teaches) <= 4
        assert 5 <= (c.hours or 0) <= 200 and 0 <= c.cost <= 2000
        requirement = g.effective_requirement(c.id)
        for leaf in iter_leaves(requirement) if requirement is not None else ():
            if isinstance(leaf, SkillCondition):
                assert layer[leaf.skill] < base, (c.id, leaf)
            else:
                assert isinstance(leaf, CredentialCondition)
                assert top[leaf.credential] < base, (c.id, leaf)


def test_every_skill_is_taught_and_everything_is_reachable(gen300: GeneratedCatalogue) -> None:
    g = SkillGraph(gen300.catalogue)
    assert all(g.teachers(s) for s in g.skills)
    reach = attainable(g)
    assert reach.credentials == frozenset(g.credentials)


def test_requests_are_seeded_and_varied(gen300: GeneratedCatalogue) -> None:
    reqs = sample_requests(gen300, 8, seed=3)
    assert reqs == sample_requests(gen300, 8, seed=3)
    assert {r.objective for r in reqs} == {Objective.hours, Objective.cost}
    assert any(r.targets.occupation for r in reqs) and any(r.targets.skills for r in reqs)
    for r in reqs:
        assert not (set(r.have) & set(r.targets.skills))
        if r.targets.skills:
            assert 10 <= len(r.targets.skills) <= 30
            assert all(gen300.layer[s] >= gen300.layers // 2 for s in r.targets.skills)


def test_bench_at_the_smallest_size(tmp_path: Path) -> None:
    """The full CLI path: a child process per size, the table, the README block, every plan verified."""
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{START}\nold table\n{END}\n\nAfter.\n", encoding="utf-8")
    raw = tmp_path / "bench.json"
    code = main(["--sizes", "100", "--requests", "2", "--time-limit", "5", "--readme", str(readme), "--json", str(raw)])
    assert code == 0
    text = readme.read_text(encoding="utf-8")
    assert "old table" not in text and text.startswith("# Title") and text.endswith("After.\n")
    assert "| credentials | skills |" in text and "\n| 100 | 200 |" in text and "Python 3." in text
    (result,) = json.loads(raw.read_text())
    assert result["credentials"] == 100 and len(result["requests"]) == 2 and result["warnings"] == []
    assert result["rss_peak_mb"] > result["rss_base_mb"] > 0
    for r in result["requests"]:
        for run in (r["exact"], r["greedy"]):
            assert run["error"] is None and run["steps"] > 0 and run["value"] is not None
        assert r["exact"]["optimal"] and r["exact"]["value"] <= r["greedy"]["value"] + 1e-6


@pytest.mark.parametrize(("text", "size"), [("100", 100), ("1_000", 1000), ("10k", 10_000), (" 100K ", 100_000)])
def test_sizes_parse(text: str, size: int) -> None:
    assert parse_size(text) == size


def _result(exact: float, greedy: float, *, optimal: bool = True) -> SizeResult:
    runs = RequestResult(
        0,
        "hours",
        3,
        Run(ms=5.0, value=exact, covered=3, steps=2, optimal=optimal, gap=0.0 if optimal else 0.2, solver="highs"),
        Run(ms=2.0, value=greedy, covered=3, steps=2),
    )
    return SizeResult(100, 200, 40, 10.0, 0.1, 0.01, [runs], 1.0, 1.0, 60.0, 61.0, 62.0)


def test_exact_worse_than_greedy_when_proven_optimal_is_a_warning_row() -> None:
    bad = _result(12.0, 10.0)
    bad.warnings = check(bad)
    assert len(bad.warnings) == 1 and "proven optimal at 12" in bad.warnings[0]
    table = render([bad], machine="m")
    assert "WARNING:" in table and "in 0 of 1 proven-optimal plans" in table
    assert check(_result(10.0, 12.0)) == [] and check(_result(12.0, 10.0, optimal=False)) == []
    assert "Time limit 10 s reached" in render([_result(12.0, 10.0, optimal=False)], machine="m")
