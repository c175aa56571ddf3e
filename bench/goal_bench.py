"""Goal-resolution benchmark: MELO's English set and our career-pivot sentences, cold-start plan time, package size.

Run ``python bench/goal_bench.py [--melo DIR] [--runs 7] [--readme README.md]``.

MELO (usa_q_en_c_en, ../shared/data/melo-usa-en): 633 O*NET titles, each linked by annotators to one
ESCO occupation or ISCO group; an ISCO-group answer is a hit when a returned occupation is filed under
that group. Measured: success@1, success@5, MRR@10 and per-query latency of the goal resolver
(recommender.goals) and of a BM25 baseline over the same occupation labels, in the same run. The
resolver never reads MELO's answers or the O*NET crosswalk; only this script does, to score it.
Pivots (bench/data/pivots.yaml): sentences written for credpath, each with the occupations a careers
adviser would accept; recall@k counts a hit when one of them is among the top k occupations.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

if not __package__:  # run as a script: make the repository root importable for ``bench.*``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load_average, update_readme
from graph.errors import RequestError
from ingest import data as bundled
from recommender.service import CredpathService

ROOT = Path(__file__).resolve().parents[1]
MELO = ROOT.parent / "shared" / "data" / "melo-usa-en"
PIVOTS = Path(__file__).resolve().parent / "data" / "pivots.yaml"
START, END = "<!-- bench:goal:start -->", "<!-- bench:goal:end -->"
ISCO = "http://data.europa.eu/esco/isco/C"
PUBLISHED = (
    ("BM25 (MELO paper)", 0.207, 0.390, 0.294),
    ("BGE-M3 (MELO paper)", 0.488, 0.784, 0.623),
    ("OpenAI embeddings (MELO paper)", 0.556, 0.833, 0.684),
)
TARGETS = {"melo_s5": 0.88, "melo_mrr": 0.72, "pivot_r5": 0.9, "cold_plan_p50": 1.5}


@dataclass(frozen=True)
class Score:
    """Ranking quality and speed of one system on one query set."""

    name: str
    at1: float
    at5: float
    mrr: float
    p50_ms: float
    p95_ms: float
    failed: int = 0


def score(name: str, answers: Sequence[Callable[[str], bool]], ranked: Sequence[list[str]], ms: list[float]) -> Score:
    """success@1, success@5, MRR@10 over ``ranked`` id lists, each judged by its ``answers`` predicate."""
    at1 = at5 = rr = 0.0
    for hit, ids in zip(answers, ranked, strict=True):
        rank = next((i for i, x in enumerate(ids[:10]) if hit(x)), None)
        if rank is not None:
            at1 += rank == 0
            at5 += rank < 5
            rr += 1 / (rank + 1)
    n = len(ranked) or 1
    p95 = sorted(ms)[max(0, round(0.95 * len(ms)) - 1)] if ms else 0.0
    return Score(name, at1 / n, at5 / n, rr / n, statistics.median(ms) if ms else 0.0, p95)


def timed(fn: Callable[[str], list[str]], queries: Sequence[str]) -> tuple[list[list[str]], list[float], int]:
    """Each query's ranked ids, its latency in ms, and how many queries were refused (RequestError)."""
    ranked, ms, failed = [], [], 0
    for q in queries:
        start = time.perf_counter()
        try:
            ids = fn(q)
        except RequestError:
            ids, failed = [], failed + 1
        ms.append(1000 * (time.perf_counter() - start))
        ranked.append(ids)
    return ranked, ms, failed


def melo(service: CredpathService, folder: Path) -> list[Score]:
    """The resolver and the BM25 baseline on MELO's English set."""
    with (folder / "usa_q_en_c_en.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    isco = {o.id: o.isco_group or "" for o in service.catalogue.occupations}

    def judge(answer: str) -> Callable[[str], bool]:
        if answer.startswith(ISCO):
            return lambda oid: isco.get(oid, "").startswith(answer.removeprefix(ISCO))
        return lambda oid: oid == answer

    answers = [judge(r["esco_uri"]) for r in rows]
    queries = [r["query"] for r in rows]
    resolver = service.goals
    bm25 = resolver.search.kinds["occupation"].scorers.bm25

    def resolve(q: str) -> list[str]:
        return [c.id for c in resolver.resolve(q, k=10).candidates if c.kind == "occupation"]

    out = []
    for name, fn in (("credpath goal resolver", resolve), ("BM25 baseline (same labels)", lambda q: bm25.rank(q, 10))):
        ranked, ms, failed = timed(fn, queries)
        s = score(name, answers, ranked, ms)
        out.append(Score(s.name, s.at1, s.at5, s.mrr, s.p50_ms, s.p95_ms, failed))
    return out


def pivots(service: CredpathService, path: Path) -> tuple[Score, int]:
    """Recall@1 and @5 on the pivot sentences, and how often the background came back as a candidate."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    by_label = {o.label: o.id for o in service.catalogue.occupations}
    unknown = sorted({a for item in items for a in item["accept"] if a not in by_label})
    if unknown:
        raise SystemExit(f"{path}: accepted occupations not in the catalogue: {unknown}")
    accepted = [{by_label[a] for a in item["accept"]} for item in items]
    leaks = 0
    ranked, ms = [], []
    for item in items:
        start = time.perf_counter()
        goal = service.resolve_goal(item["text"], k=10)
        ms.append(1000 * (time.perf_counter() - start))
        ids = [c.id for c in goal.candidates if c.kind == "occupation"]
        leaks += bool(goal.background and goal.background.occupation in ids)
        ranked.append(ids)
    answers = [lambda oid, ok=ok: oid in ok for ok in accepted]
    return score(f"pivot sentences ({len(items)})", answers, ranked, ms), leaks


def cold_runs(args: Sequence[str], runs: int) -> float:
    """Median wall time in seconds of ``credpath ARGS`` in fresh processes (one warm-up run first)."""
    exe = str(Path(sys.executable).parent / "credpath")
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    times = []
    for n in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([exe, *args], capture_output=True, check=True, env=env, timeout=120)
        if n:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def package_sizes() -> dict[str, float]:
    """Sizes in MB of the bundled data the goal work ships."""
    data = bundled.default_search_path().parent
    files = {"ESCO map (esco.json.xz)": "esco.json.xz", "search index (esco_search.npz)": "esco_search.npz"}
    sizes = {name: (data / f).stat().st_size / 1e6 for name, f in files.items()}
    sizes["all bundled data (ingest/data, incl. embedder)"] = (
        sum(p.stat().st_size for p in data.rglob("*") if p.is_file()) / 1e6
    )
    return sizes


def render(
    melo_rows: Sequence[Score], pivot: Score, leaks: int, cold: dict[str, float], sizes: dict[str, float]
) -> str:
    """The README block: MELO table beside the published figures, pivots, cold start, package size."""
    lines = [
        "| MELO usa_q_en_c_en (633 titles) | success@1 | success@5 | MRR@10 | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {s.name} | {s.at1:.3f} | {s.at5:.3f} | {s.mrr:.3f} | {s.p50_ms:.1f} | {s.p95_ms:.1f} |" for s in melo_rows
    ]
    lines += [f"| {name} | {a:.3f} | {b:.3f} | {c:.3f} | | |" for name, a, b, c in PUBLISHED]
    lines += [
        "",
        "| career-pivot sentences | recall@1 | recall@5 | MRR@10 | p50 ms | background offered as target |",
        "|---|---:|---:|---:|---:|---:|",
        f"| {pivot.name} | {pivot.at1:.3f} | {pivot.at5:.3f} | {pivot.mrr:.3f} | {pivot.p50_ms:.1f} | {leaks} |",
        "",
        "| cold start (fresh process, median) | seconds |",
        "|---|---:|",
    ]
    lines += [f"| `credpath {cmd}` | {t:.2f} |" for cmd, t in cold.items()]
    lines += ["", "| package data | MB |", "|---|---:|"]
    lines += [f"| {name} | {mb:.1f} |" for name, mb in sizes.items()]
    resolver = melo_rows[0]
    lines += [
        "",
        f"Targets: MELO success@5 >= {TARGETS['melo_s5']} (measured {resolver.at5:.3f}), MRR >= "
        f"{TARGETS['melo_mrr']} ({resolver.mrr:.3f}); pivot recall@5 >= {TARGETS['pivot_r5']} ({pivot.at5:.3f}); "
        f"cold `plan` p50 < {TARGETS['cold_plan_p50']} s. Refused MELO titles (not read as English): "
        f"{resolver.failed}. Measured on {os.cpu_count()} cores (load average {load_average():.1f} at the end), "
        "offline, bundled static embedder.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--melo", type=Path, default=MELO, help="folder of MELO's usa_q_en_c_en.tsv")
    parser.add_argument("--pivots", type=Path, default=PIVOTS, help="pivot sentences (YAML)")
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per cold-start measurement")
    parser.add_argument("--readme", type=Path, help="write the tables between the goal bench markers of this file")
    args = parser.parse_args(argv)
    service = CredpathService.bundled()
    if not (args.melo / "usa_q_en_c_en.tsv").is_file():
        print(f"no MELO set in {args.melo}: pass --melo DIR", file=sys.stderr)
        return 2
    melo_rows = melo(service, args.melo)
    pivot, leaks = pivots(service, args.pivots)
    cloud = next(o.id for o in service.catalogue.occupations if o.label == "cloud engineer")
    cold = {
        "plan -o <cloud engineer>": cold_runs(["plan", "-o", cloud], args.runs),
        'plan --goal "I want to become a nurse"': cold_runs(["plan", "--goal", "I want to become a nurse"], args.runs),
    }
    block = render(melo_rows, pivot, leaks, cold, package_sizes())
    print(block)
    if args.readme:
        update_readme(args.readme, START, END, block, what="tables")
    resolver = melo_rows[0]
    met = (
        resolver.at5 >= TARGETS["melo_s5"]
        and resolver.mrr >= TARGETS["melo_mrr"]
        and pivot.at5 >= TARGETS["pivot_r5"]
        and cold["plan -o <cloud engineer>"] < TARGETS["cold_plan_p50"]
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
