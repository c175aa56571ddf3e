"""Render a GapReport for people and spreadsheets: plain text, Markdown tables and one CSV per table."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from graph.errors import RequestError
from recommender.escape import markdown_text
from recommender.gaps import (
    CredentialOverlap,
    GapReport,
    MissingSkill,
    OccupationCoverage,
    UniqueSkill,
    UnmeetableCredential,
)

Cell = str | int | float | bool
Row = dict[str, Cell]
Text = Callable[[str], str]
T = TypeVar("T")


def _cell(value: Cell | tuple[str, ...]) -> Cell:
    """A value as a CSV cell: a list is joined with ``;``."""
    return ";".join(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class _Table(Generic[T]):
    """One table of the report: where its rows come from, its CSV fields and the columns a person reads."""

    name: str
    items: Callable[[GapReport], Sequence[T]]
    title: Callable[[GapReport, Text], str]
    fields: tuple[str | tuple[str, Callable[[T], Cell]], ...]
    """CSV fields: a field of the row by its name (a list joined with ``;``), or (name, how to compute it)."""
    columns: tuple[tuple[str, Callable[[T], str]], ...]
    ranked: bool = False
    """Rows are numbered from 1: a first ``rank`` field in CSV, a first ``#`` column for people."""
    provider_only: bool = False
    """People see it only in a report on one provider (its CSV is always there, empty without one)."""

    def header(self) -> list[str]:
        return (["rank"] if self.ranked else []) + [f if isinstance(f, str) else f[0] for f in self.fields]

    def rows(self, report: GapReport) -> list[Row]:
        """The table as flat CSV rows."""
        header = self.header()
        return [
            dict(zip(header, ([i] if self.ranked else []) + self._values(item), strict=True))
            for i, item in enumerate(self.items(report), start=1)
        ]

    def _values(self, item: T) -> list[Cell]:
        return [_cell(getattr(item, f)) if isinstance(f, str) else f[1](item) for f in self.fields]

    def section(self, report: GapReport, text: Text) -> tuple[str, list[str], list[list[str]]]:
        """(title, header, rows of cells) as a person reads the table; ``text`` escapes names in the title."""
        header = (["#"] if self.ranked else []) + [name for name, _ in self.columns]
        cells = [
            ([str(i)] if self.ranked else []) + [show(item) for _, show in self.columns]
            for i, item in enumerate(self.items(report), start=1)
        ]
        return self.title(report, text), header, cells


_TABLES = (
    _Table[MissingSkill](
        "missing",
        lambda r: r.missing_skills,
        lambda r, text: "Missing skills (most demanded first)",
        fields=("id", "label", "demand", "optional_demand", "essential_for", "optional_for"),
        columns=(
            ("Skill", lambda m: m.label),
            ("Essential for", lambda m: str(m.demand)),
            ("Optional for", lambda m: str(m.optional_demand)),
        ),
        ranked=True,
    ),
    _Table[OccupationCoverage](
        "coverage",
        lambda r: r.coverage,
        lambda r, text: "Coverage per occupation (least covered first)",
        fields=(
            "id",
            "label",
            "essential",
            "taught",
            ("fraction", lambda c: round(c.fraction, 4)),
            "reachable",
            "full_plan",
            "untaught",
        ),
        columns=(
            ("Occupation", lambda c: c.label),
            ("Essential taught", lambda c: f"{c.taught}/{c.essential}"),
            ("Share", lambda c: f"{100 * c.fraction:.0f}%"),
            ("Full plan", lambda c: "yes" if c.full_plan else "no"),
        ),
    ),
    _Table[UnmeetableCredential](
        "unmeetable",
        lambda r: r.unmeetable_credentials,
        lambda r, text: "Credentials nobody can start",
        fields=(
            "id",
            "name",
            "provider",
            ("unmet_requirement", lambda u: u.requirement),
            ("unmet", lambda u: _cell(tuple(r.id for r in u.unmet))),
            "cycle",
        ),
        columns=(
            ("Credential", lambda u: u.name),
            ("Provider", lambda u: u.provider),
            ("Unmet requirement", lambda u: u.requirement + (" (cycle)" if u.cycle else "")),
        ),
    ),
    _Table[CredentialOverlap](
        "overlaps",
        lambda r: r.overlaps,
        lambda r, text: f"Overlapping credentials (share at least {r.min_share:g})",
        fields=("first", "first_name", "second", "second_name", "share", "shared"),
        columns=(
            ("Credential", lambda o: o.first_name),
            ("Credential", lambda o: o.second_name),
            ("Share", lambda o: f"{o.share:.2f}"),
            ("Shared skills", lambda o: str(len(o.shared))),
        ),
    ),
    _Table[UniqueSkill](
        "unique",
        lambda r: r.unique_skills,
        lambda r, text: f"Skills only {text(r.provider or '')} teaches",
        fields=("id", "label", "demand", "optional_demand", "taught_by"),
        columns=(
            ("Skill", lambda u: u.label),
            ("Essential for", lambda u: str(u.demand)),
            ("Optional for", lambda u: str(u.optional_demand)),
            ("Credentials", lambda u: str(len(u.taught_by))),
        ),
        provider_only=True,
    ),
)

TABLES = tuple(t.name for t in _TABLES)
"""The report's tables, in the order they are shown; each is one CSV."""


def to_csv(report: GapReport, table: str = "missing") -> str:
    """One table of the report as CSV with a header row (an empty table still has its header).

    Examples
    --------
    >>> report = GapReport(catalogue="c", credentials=0, occupations=(), min_share=0.5, missing_skills=(),
    ...     coverage=(), unmeetable_credentials=(), overlaps=())
    >>> to_csv(report, "overlaps")
    'first,first_name,second,second_name,share,shared\\r\\n'
    """
    spec = next((t for t in _TABLES if t.name == table), None)
    if spec is None:
        raise RequestError(f"unknown table {table!r}", field="table", fix=f"choose one of {', '.join(TABLES)}")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=spec.header())
    writer.writeheader()
    writer.writerows(spec.rows(report))
    return out.getvalue()


def _plain(text: str) -> str:
    return text


def _summary(report: GapReport, text: Text = _plain) -> str:
    """One line on the report's scope and findings; ``text`` escapes the catalogue's and provider's names."""
    scope = f"provider {text(report.provider)}" if report.provider else "all providers"
    full = sum(c.full_plan for c in report.coverage)
    return (
        f"{text(report.catalogue) or 'catalogue'}: {report.credentials:,} credentials ({scope}), "
        f"{len(report.occupations):,} occupations; {len(report.missing_skills):,} missing skills, "
        f"{full:,} of {len(report.coverage):,} occupations fully plannable, "
        f"{len(report.unmeetable_credentials):,} unmeetable credentials, {len(report.overlaps):,} overlapping pairs"
    )


def _render(
    report: GapReport, limit: int | None, table: Callable[[list[str], list[list[str]]], list[str]], text: Text = _plain
) -> list[str]:
    """Each table a person reads, ``limit`` rows of it, laid out by ``table``; ``text`` escapes names in titles."""
    lines: list[str] = []
    for spec in _TABLES:
        if spec.provider_only and not report.provider:
            continue
        title, header, rows = spec.section(report, text)
        lines += ["", f"## {title}", ""]
        shown = rows if limit is None else rows[:limit]
        lines += table(header, shown) if shown else ["none"]
        if len(shown) < len(rows):
            lines.append(f"... and {len(rows) - len(shown):,} more (see --format json or csv)")
    return lines


def to_text(report: GapReport, limit: int | None = 20) -> str:
    """Aligned plain-text tables, ``limit`` rows each (None for all)."""

    def table(header: list[str], rows: list[list[str]]) -> list[str]:
        widths = [min(60, max(len(r[i]) for r in [header, *rows])) for i in range(len(header))]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c[:60].ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]

    return "\n".join(["Gap report", _summary(report), *_render(report, limit, table)]).replace("## ", "") + "\n"


def to_markdown(report: GapReport, limit: int | None = 20) -> str:
    """Markdown tables, ``limit`` rows each (None for all); every catalogue text is escaped
    (``recommender.escape.markdown_text``), so it shows as text and cannot shift a table's columns."""

    def table(header: list[str], rows: list[list[str]]) -> list[str]:
        return [
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
            *("| " + " | ".join(markdown_text(c) for c in r) + " |" for r in rows),
        ]

    summary = _summary(report, markdown_text)
    return "\n".join(["# Gap report", "", summary, *_render(report, limit, table, markdown_text)]) + "\n"
