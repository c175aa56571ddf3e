"""The pathway MILP: which credentials to take so every requirement is met in some valid order."""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from graph.conditions import Leaf, leaf_key
from graph.errors import PlannerError
from graph.model import Condition, CredentialCondition, Gate, Kind, SkillCondition, requirement_parts
from recommender.problem import PlanProblem, Target

_TRUE = -1
_FALSE = -2
_BANNER_LOCK = threading.Lock()


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance.

    HiGHS prints a copyright banner to the C-level stdout when constructed, whatever the options;
    the CLI's stdout carries JSON, so the banner is sent to /dev/null for that one call.
    """
    with _BANNER_LOCK:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            h = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    return h


@dataclass
class Solution:
    """What one MILP solve found."""

    chosen: frozenset[str] | None
    value: float | None
    bound: float | None
    gap: float | None
    status: str
    optimal: bool
    seconds: float
    covered: frozenset[Target] = frozenset()


@dataclass
class _Model:
    """Column and row buffers for one MILP, flushed to HiGHS in two calls."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    def var(self, lo: float = 0.0, hi: float = 1.0, cost: float = 0.0, binary: bool = True) -> int:
        self.lower.append(lo)
        self.upper.append(hi)
        self.cost.append(cost)
        if binary:
            self.integer.append(len(self.lower) - 1)
        return len(self.lower) - 1

    def row(self, terms: list[tuple[int, float]], lo: float, hi: float) -> None:
        merged: dict[int, float] = {}
        for j, a in terms:  # HiGHS rejects a row that names a column twice
            merged[j] = merged.get(j, 0.0) + a
        self.starts.append(len(self.index))
        for j, a in merged.items():
            self.index.append(j)
            self.value.append(a)
        self.row_lower.append(lo)
        self.row_upper.append(hi)

    def solve(self, time_limit: float) -> highspy.Highs:
        h = new_highs()
        n = len(self.lower)
        h.addVars(n, np.array(self.lower), np.array(self.upper))
        cols = np.arange(n, dtype=np.int32)
        h.changeColsCost(n, cols, np.array(self.cost, dtype=float))
        if self.integer:
            h.changeColsIntegrality(
                len(self.integer),
                np.array(self.integer, dtype=np.int32),
                np.array([highspy.HighsVarType.kInteger] * len(self.integer)),
            )
        if self.row_lower:
            status = h.addRows(
                len(self.row_lower),
                np.array(self.row_lower),
                np.array(self.row_upper),
                len(self.index),
                np.array(self.starts, dtype=np.int32),
                np.array(self.index, dtype=np.int32),
                np.array(self.value, dtype=float),
            )
            if status != highspy.HighsStatus.kOk:
                raise PlannerError(
                    f"HiGHS rejected the model rows: {status}",
                    fix="report this as a bug in the exact planner, with the catalogue and the request",
                )
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 1e-9)
        h.setOptionValue("threads", 1)
        h.run()
        return h


INF = highspy.kHighsInf


class PathwayMILP:
    """Builds and solves the selection MILP for one prepared problem.

    Variables: ``x[c]`` take credential c; ``y[s]`` acquire skill s. Each chosen credential's
    effective requirement tree (ALL / ANY / at-least-N, plus the implicit prerequisites of the skills
    it teaches) must be met; leaves are held items (constant true), reachable credentials (``x``) or
    skills (``y``). With ``ordered=True`` the model also assigns each credential a start slot and
    each skill a provider, so requirements must be met by *earlier* steps: that rules out choices
    that are only consistent as a cycle. The unordered model is a relaxation of the ordered one, so
    when its optimum can be ordered it is optimal for the ordered model too.
    """

    def __init__(self, problem: PlanProblem, *, ordered: bool = False) -> None:
        self.p = problem
        self.ordered = ordered
        self.creds, self.skills = problem.candidates
        self.creds_sorted = sorted(self.creds)
        self.skills_sorted = sorted(self.skills)

    def solve(
        self,
        *,
        time_limit: float,
        required: tuple[Target, ...],
        optional: tuple[Target, ...] = (),
        max_hours: float | None = None,
        max_cost: float | None = None,
        forbid: tuple[frozenset[str], ...] = (),
        maximise_coverage: bool = False,
        min_covered: int = 0,
    ) -> Solution:
        """Solve once. ``optional`` targets may be left out (with ``maximise_coverage`` or ``min_covered``);
        ``forbid`` lists chosen sets that may not be chosen again (for alternatives)."""
        started = time.perf_counter()
        m = _Model()
        p = self.p
        weight = {c: p.weight(c) for c in self.creds_sorted}
        x = {c: m.var(cost=0.0 if maximise_coverage else weight[c]) for c in self.creds_sorted}
        y = {s: m.var() for s in self.skills_sorted}

        def lit(leaf: Leaf) -> int:
            if leaf in p.holdings:
                return _TRUE
            kind, ident = leaf
            return (y if kind == Kind.skill else x).get(ident, _FALSE)

        for s in self.skills_sorted:
            teachers = [x[c] for c in p.g.teachers(s) if c in x]
            m.row([(y[s], 1.0)] + [(j, -1.0) for j in teachers], -INF, 0.0)

        start: dict[str, int] = {}
        avail: dict[str, int] = {}
        big_m = float(len(self.creds_sorted) + 1)
        if self.ordered:
            for c in self.creds_sorted:
                start[c] = m.var(0.0, big_m - 1, binary=False)
            for s in self.skills_sorted:
                avail[s] = m.var(0.0, big_m, binary=False)
                picks = []
                for c in p.g.teachers(s):
                    if c in x:
                        pick = m.var()
                        picks.append(pick)
                        m.row([(pick, 1.0), (x[c], -1.0)], -INF, 0.0)
                        # avail[s] >= start[c] + 1 - M (1 - pick)
                        m.row([(avail[s], 1.0), (start[c], -1.0), (pick, -big_m)], 1.0 - big_m, INF)
                m.row([(y[s], 1.0)] + [(j, -1.0) for j in picks], 0.0, 0.0)

        for c in self.creds_sorted:
            root = self._encode(m, p.g.effective_requirement(c), lit, c, start, avail, x, big_m)
            if root == _FALSE:
                m.upper[x[c]] = 0.0
            elif root != _TRUE:
                m.row([(x[c], 1.0), (root, -1.0)], -INF, 0.0)

        covered_var: dict[Target, int] = {}
        for t in required:
            j = lit(t.leaf)
            if j == _FALSE:
                return Solution(None, None, None, None, "infeasible", False, time.perf_counter() - started)
            if j != _TRUE:
                m.lower[j] = 1.0
        for t in optional:
            j = lit(t.leaf)
            if j in (_TRUE, _FALSE):
                continue
            u = m.var(cost=-1.0 if maximise_coverage else 0.0)
            covered_var[t] = u
            m.row([(u, 1.0), (j, -1.0)], -INF, 0.0)
        if min_covered and covered_var:
            m.row([(u, 1.0) for u in covered_var.values()], float(min_covered), INF)
        if max_hours is not None:
            hours = [(x[c], float(p.g.credentials[c].hours or 0.0)) for c in self.creds_sorted]
            m.row(hours, -INF, max_hours + 1e-9)
        if max_cost is not None:
            costs = [(x[c], float(p.g.credentials[c].cost)) for c in self.creds_sorted]
            m.row(costs, -INF, max_cost + 1e-9)
        for chosen in forbid:
            m.row([(x[c], 1.0) for c in chosen if c in x], -INF, float(len(chosen) - 1))

        h = m.solve(time_limit)
        return self._read(h, x, covered_var, started)

    def _encode(
        self,
        m: _Model,
        cond: Condition | None,
        lit: object,
        owner: str,
        start: dict[str, int],
        avail: dict[str, int],
        x: dict[str, int],
        big_m: float,
    ) -> int:
        """Literal (column index, _TRUE or _FALSE) that is 1 only when ``cond`` holds for ``owner``."""
        assert callable(lit)
        if cond is None:
            return _TRUE
        parts = requirement_parts(cond)
        if parts is None:
            assert isinstance(cond, (SkillCondition, CredentialCondition))
            leaf = leaf_key(cond)
            j = lit(leaf)
            if not self.ordered or j in (_TRUE, _FALSE):
                return int(j)
            # In time: a leaf counts only if its provider starts before the owner.
            w = m.var()
            m.row([(w, 1.0), (int(j), -1.0)], -INF, 0.0)
            kind, ident = leaf
            before = avail[ident] if kind == Kind.skill else start[ident]
            shift = 0.0 if kind == Kind.skill else 1.0
            # start[owner] >= before + shift - M (1 - w)
            m.row([(start[owner], 1.0), (before, -1.0), (w, -big_m)], shift - big_m, INF)
            return w
        children, need = parts.children, parts.needed
        lits = [self._encode(m, ch, lit, owner, start, avail, x, big_m) for ch in children]
        trues = sum(1 for j in lits if j == _TRUE)
        open_lits = [j for j in lits if j not in (_TRUE, _FALSE)]
        need -= trues
        if need <= 0:
            return _TRUE
        if len(open_lits) < need:
            return _FALSE
        if len(open_lits) == 1:
            return open_lits[0]
        z = m.var()
        if parts.gate == Gate.all_of:
            for j in open_lits:
                m.row([(z, 1.0), (j, -1.0)], -INF, 0.0)
        else:
            m.row([(z, float(need))] + [(j, -1.0) for j in open_lits], -INF, 0.0)
        return z

    def _read(self, h: highspy.Highs, x: dict[str, int], covered_var: dict[Target, int], started: float) -> Solution:
        status = h.getModelStatus()
        name = h.modelStatusToString(status)
        info = h.getInfo()
        seconds = time.perf_counter() - started
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if not has_solution:
            kind = "infeasible" if status == highspy.HighsModelStatus.kInfeasible else name
            bound = _finite(info.mip_dual_bound) if status == highspy.HighsModelStatus.kTimeLimit else None
            return Solution(None, None, bound, None, kind, False, seconds)
        values = h.getSolution().col_value
        chosen = frozenset(c for c, j in x.items() if values[j] > 0.5)
        covered = frozenset(t for t, j in covered_var.items() if values[j] > 0.5)
        optimal = status == highspy.HighsModelStatus.kOptimal
        value = float(sum(self.p.weight(c) for c in chosen))
        bound = value if optimal else _finite(info.mip_dual_bound)
        gap = 0.0 if optimal else (None if bound is None else abs(value - bound) / abs(value) if value else 0.0)
        return Solution(chosen, value, bound, gap, name, optimal, seconds, covered)


def _finite(bound: float) -> float | None:
    """A solver's bound, or None when it proved none (HiGHS reports that as an infinity)."""
    return float(bound) if math.isfinite(bound) else None
