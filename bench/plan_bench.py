"""Planner benchmark: latency, objective and peak memory of the exact and greedy planners on generated catalogues.

Run ``python bench/plan_bench.py [--sizes 100,1000,10000,100000] [--requests N] [--readme README.md]``.
Each size runs in a child process of its own, so that its peak resident memory (HiGHS allocates in C,
out of tracemalloc's sight) is measured alone. Every plan goes through ``CredpathService.plan`` and so
passes the plan verifier. See bench/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

if not __package__:  # run as a script: make the repository root importable for ``bench.*``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.catalogue_gen import generate_catalogue, sample_requests
from bench.common import percentile, update_readme
from graph.algorithms import attainable
from graph.errors import InfeasiblePlanError, PlanVerificationError
from recommender.plan import Pathway
from recommender.profile import LearnerProfile, Objective
from recommender.service import CredpathService

ROOT = Path(__file__).resolve().parent.parent
SIZES = (100, 1_000, 10_000, 100_000)
START, END = "<!-- bench:plan:start -->", "<!-- bench:plan:end -->"
TOLERANCE = 1e-6
TARGETS = ((1_000, "p50", 100.0), (10_000, "p50", 1000.0))
"""(credentials, statistic, milliseconds): the issue's latency targets for the exact planner."""
MEMORY_TARGET_MB = (100_000, 1024.0)


@dataclass
class Run:
    """One planner on one request."""

    ms: float
    value: float | None = None
    covered: int = 0
    steps: int = 0
    optimal: bool = False
    gap: float | None = None
    status: str = ""
    solver: str = ""
    solve_ms: float = 0.0
    error: str | None = None


@dataclass
class RequestResult:
    """Both planners on one request."""

    index: int
    objective: str
    targets: int
    exact: Run
    greedy: Run


@dataclass
class SizeResult:
    """Everything measured at one catalogue size."""

    credentials: int
    skills: int
    occupations: int
    time_limit: float
    gen_s: float
    build_s: float
    requests: list[RequestResult]
    py_peak_mb_exact: float
    py_peak_mb_greedy: float
    rss_base_mb: float
    rss_built_mb: float
    rss_peak_mb: float = 0.0
    warnings: list[str] = field(default_factory=list)


def _status_mb(key: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in MB; 0 where unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _plan(service: CredpathService, profile: LearnerProfile, planner: str, time_limit: float) -> Run:
    started = time.perf_counter()
    try:
        pathway = service.plan(profile, planner=planner, time_limit=time_limit)
    except (InfeasiblePlanError, PlanVerificationError) as exc:
        return Run(ms=(time.perf_counter() - started) * 1000, error=f"{type(exc).__name__}: {exc}")
    ms = (time.perf_counter() - started) * 1000
    return _run_of(pathway, ms)


def _run_of(pathway: Pathway, ms: float) -> Run:
    q = pathway.quality
    value = pathway.total_hours if q.objective == Objective.hours.value else pathway.total_cost
    return Run(
        ms=ms,
        value=value,
        covered=len(pathway.covered),
        steps=len(pathway.steps),
        optimal=pathway.optimal and pathway.verification.valid,
        gap=q.gap,
        status=q.status,
        solver=q.solver,
        solve_ms=q.seconds * 1000,
        error=None if pathway.verification.valid else "unverified: " + "; ".join(pathway.verification.problems),
    )


def _traced_peak_mb(service: CredpathService, profile: LearnerProfile, planner: str, time_limit: float) -> float:
    """Peak Python allocation of one plan (tracemalloc slows allocation, so this run is not timed)."""
    tracemalloc.start()
    try:
        _plan(service, profile, planner, time_limit)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run_size(credentials: int, *, requests: int, seed: int = 0, time_limit: float = 10.0) -> SizeResult:
    """Generate one catalogue, plan ``requests`` random requests with both planners, and measure."""
    rss_base = _status_mb("VmRSS")
    started = time.perf_counter()
    gen = generate_catalogue(credentials, seed=seed)
    gen_s = time.perf_counter() - started
    started = time.perf_counter()
    service = CredpathService(gen.catalogue)
    g = service.graph
    for cid in g.credentials:  # the per-credential index every request reads; a service builds it once
        g.effective_requirement(cid)
    build_s = time.perf_counter() - started
    rss_built = _status_mb("VmRSS")
    reach = attainable(g).skills
    profiles = sample_requests(gen, requests, seed=seed, reachable=reach)
    results = []
    for i, profile in enumerate(profiles):
        exact = _plan(service, profile, "exact", time_limit)
        greedy = _plan(service, profile, "greedy", time_limit)
        n_targets = len(profile.targets.skills) + len(profile.targets.credentials)
        if profile.targets.occupation:
            n_targets += len(g.occupations[profile.targets.occupation].essential_skills)
        results.append(RequestResult(i, profile.objective.value, n_targets, exact, greedy))
    result = SizeResult(
        credentials=credentials,
        skills=len(g.skills),
        occupations=len(g.occupations),
        time_limit=time_limit,
        gen_s=gen_s,
        build_s=build_s,
        requests=results,
        py_peak_mb_exact=_traced_peak_mb(service, profiles[0], "exact", time_limit) if profiles else 0.0,
        py_peak_mb_greedy=_traced_peak_mb(service, profiles[0], "greedy", time_limit) if profiles else 0.0,
        rss_base_mb=rss_base,
        rss_built_mb=rss_built,
        rss_peak_mb=_status_mb("VmHWM"),
    )
    result.warnings = check(result)
    return result


def check(result: SizeResult) -> list[str]:
    """Warnings for this size: unsound plans, and exact plans proven optimal yet worse than greedy."""
    out = []
    for r in result.requests:
        where = f"{result.credentials} credentials, request {r.index}"
        for name, run in (("exact", r.exact), ("greedy", r.greedy)):
            if run.error and not run.error.startswith(InfeasiblePlanError.__name__):
                out.append(f"{where}: {name} failed: {run.error}")
        if r.exact.error or r.greedy.error or r.exact.value is None or r.greedy.value is None:
            continue
        if r.greedy.covered > r.exact.covered:
            out.append(f"{where}: greedy covers {r.greedy.covered} targets, exact only {r.exact.covered}")
        elif r.exact.optimal and r.exact.covered == r.greedy.covered and r.exact.value > r.greedy.value + TOLERANCE:
            out.append(
                f"{where}: exact is proven optimal at {r.exact.value:g} {r.objective} "
                f"but greedy found {r.greedy.value:g}"
            )
    return out


def run_in_child(credentials: int, *, requests: int, seed: int, time_limit: float) -> SizeResult:
    """``run_size`` in a fresh Python process; its peak RSS comes from the kernel (``wait4``)."""
    with tempfile.TemporaryDirectory(prefix="credpath-bench-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "bench.plan_bench", "--worker", str(credentials), "--worker-out", str(out)]
        cmd += ["--requests", str(requests), "--seed", str(seed), "--time-limit", str(time_limit)]
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": path}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"benchmark worker for {credentials} credentials exited with {proc.returncode}")
        result = _from_json(json.loads(out.read_text()))
    result.rss_peak_mb = max(result.rss_peak_mb, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux
    return result


def _from_json(data: dict[str, object]) -> SizeResult:
    reqs = data.pop("requests")
    assert isinstance(reqs, list)
    requests = [RequestResult(**(r | {"exact": Run(**r["exact"]), "greedy": Run(**r["greedy"])})) for r in reqs]
    return SizeResult(requests=requests, **data)  # type: ignore[arg-type]


# -- the table ------------------------------------------------------------------------------------


def _size_label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _mean_pair(reqs: Sequence[RequestResult], objective: str) -> str:
    pairs = [(r.exact.value, r.greedy.value) for r in reqs if r.objective == objective and _comparable(r)]
    if not pairs:
        return "–"
    exact = sum(e for e, _ in pairs if e is not None) / len(pairs)
    greedy = sum(g for _, g in pairs if g is not None) / len(pairs)
    return f"{exact:,.0f} / {greedy:,.0f}"


def _comparable(r: RequestResult) -> bool:
    """Both planners produced a plan reaching the same number of targets, so objectives compare."""
    e, g = r.exact, r.greedy
    return e.value is not None and g.value is not None and not (e.error or g.error) and e.covered == g.covered


def row(result: SizeResult) -> dict[str, str]:
    """One table row for one size: column name -> cell."""
    reqs = result.requests
    ok = [r for r in reqs if not r.exact.error]
    exact_ms = [r.exact.ms for r in ok]
    greedy_ms = [r.greedy.ms for r in reqs if not r.greedy.error]
    ratios = [
        r.exact.value / r.greedy.value for r in reqs if _comparable(r) and r.greedy.value and r.exact.value is not None
    ]
    e50, g50 = percentile(exact_ms, 50), percentile(greedy_ms, 50)
    return {
        "credentials": _size_label(result.credentials),
        "skills": f"{result.skills:,}",
        "build s": f"{result.build_s:.2f}",
        "exact p50 ms": f"{e50:.0f}",
        "exact p95 ms": f"{percentile(exact_ms, 95):.0f}",
        "solver p50 ms": f"{percentile([r.exact.solve_ms for r in ok], 50):.0f}",
        "greedy p50 ms": f"{g50:.0f}",
        "greedy p95 ms": f"{percentile(greedy_ms, 95):.0f}",
        "exact/greedy time": f"{e50 / g50:.2f}" if g50 else "–",
        "mean hours exact / greedy": _mean_pair(reqs, Objective.hours.value),
        "mean cost exact / greedy": _mean_pair(reqs, Objective.cost.value),
        "exact/greedy objective": f"{sum(ratios) / len(ratios):.3f}" if ratios else "–",
        "proven optimal": f"{sum(1 for r in ok if r.exact.optimal)}/{len(reqs)}",
        "py peak MB exact / greedy": f"{result.py_peak_mb_exact:.1f} / {result.py_peak_mb_greedy:.1f}",
        "RSS MB base / built / peak": " / ".join(
            f"{mb:.0f}" for mb in (result.rss_base_mb, result.rss_built_mb, result.rss_peak_mb)
        ),
    }


def notes(results: Sequence[SizeResult]) -> list[str]:
    """Lines under the table: the targets, time-limit hits, greedy misses and warnings."""
    by_size = {r.credentials: r for r in results}
    out = []
    for size, stat, limit in TARGETS:
        if size in by_size:
            ms = percentile([r.exact.ms for r in by_size[size].requests if not r.exact.error], 50)
            verdict = "met" if ms < limit else "MISSED"
            out.append(f"Target: exact {stat} under {limit:g} ms at {_size_label(size)}: {ms:.0f} ms, {verdict}.")
    size, limit_mb = MEMORY_TARGET_MB
    if size in by_size:
        peak = by_size[size].rss_peak_mb
        verdict = "met" if peak < limit_mb else "MISSED"
        out.append(f"Target: peak memory under 1 GB at {_size_label(size)}: {peak:.0f} MB RSS, {verdict}.")
    proven = [r for res in results for r in res.requests if r.exact.optimal and _comparable(r)]
    worse = sum(1 for r in proven if (r.exact.value or 0) > (r.greedy.value or 0) + TOLERANCE)
    out.append(f"Exact objective <= greedy objective in {len(proven) - worse} of {len(proven)} proven-optimal plans.")
    for res in results:
        for r in res.requests:
            where = f"{_size_label(res.credentials)}, request {r.index} ({r.objective})"
            if not r.exact.error and not r.exact.optimal:
                gap = f"{100 * r.exact.gap:.2f}%" if r.exact.gap is not None else "unknown"
                out.append(f"Time limit {res.time_limit:g} s reached at {where}: {r.exact.solver}, gap {gap}.")
            for name, run in (("exact", r.exact), ("greedy", r.greedy)):
                if run.error and run.error.startswith(InfeasiblePlanError.__name__):
                    out.append(f"No {name} plan at {where}: {run.error}")
            if not r.exact.error and not r.greedy.error and r.greedy.covered < r.exact.covered:
                out.append(f"Greedy reached {r.greedy.covered} of exact's {r.exact.covered} targets at {where}.")
        out.extend(f"WARNING: {w}" for w in res.warnings)
    return out


def render(results: Sequence[SizeResult], *, machine: str) -> str:
    """The Markdown table, the notes under it and the machine line."""
    rows = [row(r) for r in results]
    header = list(rows[0]) if rows else []
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    lines += ["| " + " | ".join(r.values()) + " |" for r in rows]
    lines.append("")
    lines += [f"- {n}" for n in notes(results)]
    lines += ["", machine]
    return "\n".join(lines)


def machine_line(requests: int, seed: int) -> str:
    """Which machine and software ran the benchmark, and when."""
    highs = importlib.metadata.version("highspy")
    return common.machine_line(f"{requests} requests per size, seed {seed}", software=f"HiGHS {highs}")


def parse_size(text: str) -> int:
    """``"1000"``, ``"1_000"`` or ``"1k"`` -> 1000."""
    text = text.strip().lower().replace("_", "")
    return int(text[:-1]) * 1000 if text.endswith("k") else int(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="catalogue sizes, comma-separated")
    parser.add_argument("--requests", type=int, default=10, help="random requests per size")
    parser.add_argument("--seed", type=int, default=0, help="seed of catalogues and requests")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds the exact planner may search")
    parser.add_argument("--readme", type=Path, help="write the table between the bench markers of this file")
    parser.add_argument("--json", type=Path, help="also write the raw measurements as JSON")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        result = run_size(args.worker, requests=args.requests, seed=args.seed, time_limit=args.time_limit)
        args.worker_out.write_text(json.dumps(dataclasses.asdict(result)))
        return 0
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    for size in sizes:
        print(f"planning on {size:,} credentials ...", file=sys.stderr, flush=True)
        results.append(run_in_child(size, requests=args.requests, seed=args.seed, time_limit=args.time_limit))
    block = render(results, machine=machine_line(args.requests, args.seed))
    print(block)
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(r) for r in results], indent=1))
    if args.readme:
        update_readme(args.readme, START, END, block)
    return 1 if any(r.warnings for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
