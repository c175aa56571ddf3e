"""Pictures of plans and gap reports, drawn with matplotlib: the prerequisite DAG, a timeline, gap charts.

Every picture is a ``matplotlib.figure.Figure`` made without pyplot (no global state, safe in the web app's
worker threads) and saved as PNG or SVG. Names come from catalogues, so they are data: every text is drawn
with ``parse_math=False`` and a ``$`` in a course title stays a dollar sign.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import matplotlib
import matplotlib.text

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import MaxNLocator

from recommender.gaps import GapReport
from recommender.plan import Pathway, Step

PALETTE = ("#0f766e", "#1d4ed8", "#7c3aed", "#b45309", "#be123c", "#4d7c0f")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

TEXT: dict[str, Any] = {"parse_math": False}
"""Keyword arguments for every text drawn: catalogue names are never parsed as mathtext."""


def _plain(text: str) -> str:
    r"""Catalogue text on one line: control characters (no font has a glyph for them) and runs of space as one space.

    >>> _plain("Data\r\nScience\x00 101")
    'Data Science 101'
    """
    return " ".join(_CONTROL.sub(" ", text).split())


def _short(text: str, width: int) -> str:
    text = _plain(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrapped(text: str, width: int, lines: int) -> str:
    parts = textwrap.wrap(_plain(text), width) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], _short(" ".join(parts[lines - 1 :]), width)]
    return "\n".join(parts)


def _bar_chart(rows: int, per_row: float, width: float = 8.0, extra: float = 1.3) -> tuple[Figure, Any]:
    """A figure with one axes, tall enough for ``rows`` horizontal bars."""
    fig = Figure(figsize=(width, max(2.2, per_row * rows + extra)), layout="constrained")
    return fig, fig.add_subplot()


def _title(ax: Any, text: str) -> None:
    """The chart's title, top left, drawn as plain text."""
    ax.set_title(text, fontsize=10, loc="left", **TEXT)


# -- the plan ------------------------------------------------------------------------------------------


def dag_edges(pathway: Pathway) -> list[tuple[int, int]]:
    """(earlier step, later step) for each step that meets a requirement of a later one, without repeats."""
    edges = {
        (m.step, s.index)
        for s in pathway.steps
        for m in s.requirements_met_by
        if m.source == "step" and m.step is not None
    }
    return sorted(edges)


def dag_layout(pathway: Pathway) -> dict[int, tuple[int, float]]:
    """Step index -> (column, row): stages are columns; within one, steps sit near the steps they need.

    Rows in a column are ordered by the mean row of each step's predecessors (the barycentre heuristic),
    which keeps edges short and mostly uncrossed; steps without predecessors keep their plan order.
    """
    preds: dict[int, list[int]] = defaultdict(list)
    for a, b in dag_edges(pathway):
        preds[b].append(a)
    columns: dict[int, list[Step]] = defaultdict(list)
    for s in pathway.steps:
        columns[s.stage].append(s)
    place: dict[int, tuple[int, float]] = {}
    for column, stage in enumerate(sorted(columns)):
        steps = columns[stage]

        def centre(step: Step) -> tuple[float, int]:
            rows = [place[p][1] for p in preds[step.index] if p in place]
            return (sum(rows) / len(rows) if rows else float(step.index), step.index)

        ordered = sorted(steps, key=centre) if column else steps
        for row, step in enumerate(ordered):
            place[step.index] = (column, float(row))
    return place


def plan_dag(pathway: Pathway) -> Figure:
    """The plan's prerequisite DAG: one column per stage, an arrow from each step to the steps it enables."""
    place = dag_layout(pathway)
    columns = max((c for c, _ in place.values()), default=0) + 1
    rows = max((int(r) for _, r in place.values()), default=0) + 1
    fig = Figure(figsize=(max(6.0, 2.9 * columns), max(2.5, 0.78 * rows + 1.0)), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    box_w, box_h, gap_x = 2.1, 0.62, 2.9
    by_index = {s.index: s for s in pathway.steps}
    for s in pathway.steps:
        column, row = place[s.index]
        x, y = column * gap_x, -row
        colour = PALETTE[(s.stage - 1) % len(PALETTE)]
        ax.add_patch(
            FancyBboxPatch(
                (x, y - box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0.02,rounding_size=0.08",
                facecolor="white",
                edgecolor=colour,
                linewidth=1.6,
                zorder=2,
            )
        )
        label = f"{s.index}. {_wrapped(s.name, 26, 2)}"
        ax.text(x + 0.08, y + 0.06, label, fontsize=8, va="center", color="#111827", zorder=3, **TEXT)
        ax.text(
            x + 0.08, y - 0.23, _short(s.provider, 34), fontsize=6.5, color="#4b5563", va="center", zorder=3, **TEXT
        )
    for a, b in dag_edges(pathway):
        if a not in place or b not in by_index:
            continue
        (ca, ra), (cb, rb) = place[a], place[b]
        ax.add_patch(
            FancyArrowPatch(
                (ca * gap_x + box_w, -ra),
                (cb * gap_x, -rb),
                arrowstyle="-|>",
                mutation_scale=10,
                color="#6b7280",
                linewidth=0.9,
                connectionstyle="arc3,rad=0.0" if ra == rb else "arc3,rad=-0.08",
                shrinkA=2,
                shrinkB=2,
                zorder=1,  # under the white boxes: an edge skipping a stage never runs across a step's text
            )
        )
    for column in range(columns):
        stage = sorted({s.stage for s in pathway.steps})[column] if pathway.steps else 1
        ax.text(column * gap_x + box_w / 2, 0.75, f"Stage {stage}", ha="center", fontsize=9, weight="bold", **TEXT)
    ax.set_xlim(-0.2, (columns - 1) * gap_x + box_w + 0.2)
    ax.set_ylim(-(rows - 1) - 0.6, 1.05)
    held = sum(1 for s in pathway.steps for m in s.requirements_met_by if m.source == "held")
    _title(
        ax,
        f"Prerequisites: {len(pathway.steps)} steps in {columns} stages"
        + (f"; {held} requirement(s) met by what you hold" if held else ""),
    )
    return fig


def timeline(pathway: Pathway) -> Figure:
    """A Gantt chart of the steps: in weeks when the plan has a schedule, else in cumulative hours."""
    steps = list(pathway.steps)
    weekly = bool(steps) and all(s.start_week is not None and s.end_week is not None for s in steps)
    fig, ax = _bar_chart(len(steps), 0.32, width=9.0, extra=1.2)
    elapsed = 0.0
    for row, s in enumerate(steps):
        if weekly:
            assert s.start_week is not None and s.end_week is not None
            start, width = s.start_week - 1.0, float(s.end_week - s.start_week + 1)
        else:
            start, width = elapsed, s.hours
            elapsed += s.hours
        ax.barh(row, width, left=start, height=0.6, color=PALETTE[(s.stage - 1) % len(PALETTE)])
    ax.set_yticks(range(len(steps)), labels=[f"{s.index}. {_short(s.name, 40)}" for s in steps], fontsize=8, **TEXT)
    ax.margins(y=0.01)
    ax.invert_yaxis()
    ax.set_xlabel("weeks" if weekly else "cumulative hours", **TEXT)
    ax.grid(axis="x", color="#e5e7eb")
    ax.set_axisbelow(True)
    _title(ax, "Timeline" + ("" if weekly else " (give hours per week for a schedule in weeks)"))
    return fig


# -- the gap report ------------------------------------------------------------------------------------


def missing_skills_chart(report: GapReport, top: int = 15) -> Figure:
    """The ``top`` most demanded missing skills: occupations needing each as essential, and as optional."""
    shown = report.missing_skills[:top]
    fig, ax = _bar_chart(len(shown), 0.34)
    rows = range(len(shown))
    ax.barh(rows, [m.demand for m in shown], color=PALETTE[0], label="essential for")
    ax.barh(
        rows,
        [m.optional_demand for m in shown],
        left=[m.demand for m in shown],
        color="#99f6e4",
        label="optional for",
    )
    if shown:
        ax.set_yticks(rows, labels=[_short(m.label, 45) for m in shown], fontsize=8, **TEXT)
        ax.invert_yaxis()
        ax.set_xlabel("occupations", **TEXT)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="lower right", fontsize=8)
    else:
        ax.set_axis_off()
        message = "Every skill these occupations need is taught."
        ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, **TEXT)
    scope = f" by {report.provider}" if report.provider else ""
    _title(ax, f"Most demanded skills not taught{scope} ({len(shown)} of {len(report.missing_skills):,})")
    return fig


def coverage_chart(report: GapReport, top: int = 30) -> Figure:
    """Share of each occupation's essential skills taught (least covered first); green when fully plannable."""
    shown = report.coverage[:top]
    fig, ax = _bar_chart(len(shown), 0.3)
    rows = range(len(shown))
    colours = ["#15803d" if c.full_plan else "#d97706" for c in shown]
    ax.barh(rows, [100 * c.fraction for c in shown], color=colours)
    for row, c in zip(rows, shown, strict=True):
        ax.text(100 * c.fraction + 1, row, f"{c.taught}/{c.essential}", va="center", fontsize=7, **TEXT)
    ax.set_yticks(rows, labels=[_short(c.label, 45) for c in shown], fontsize=8, **TEXT)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xlabel("% of essential skills taught (green: one pathway reaches them all)", **TEXT)
    _title(ax, f"Coverage per occupation ({len(shown)} least covered of {len(report.coverage):,})")
    return fig


# -- output --------------------------------------------------------------------------------------------


def to_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """The figure as PNG (150 dpi) or SVG; SVG keeps text as text, so it stays searchable and small."""
    buffer = io.BytesIO()
    options: dict[str, Any] = {"format": fmt, "metadata": {"Date": None} if fmt == "svg" else {"Software": None}}
    if fmt == "png":
        options["dpi"] = 150
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "credpath"}):
        fig.savefig(buffer, **options)
    return buffer.getvalue()


def labels_drawn(fig: Figure) -> Sequence[str]:
    """Every text string on the figure (titles, labels, ticks, annotations), for tests and alt text."""
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def inline_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element to put inside an HTML page (no XML prolog or doctype).

    Text is kept as text and escaped by matplotlib, so a catalogue name is never markup in the page.
    """
    text = to_bytes(fig, "svg").decode("utf-8")
    return text[text.index("<svg") :]
