"""Render a GapReport for people and spreadsheets: plain text, Markdown tables and one CSV per table."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from graph.errors import RequestError
from recommender.escape import markdown_text
from recommender.gaps import GapReport

TABLES = ("missing", "coverage", "unmeetable", "overlaps", "unique")
"""The report's tables, in the order they are shown; each is one CSV."""

Row = dict[str, str | int | float | bool]


def _rows(report: GapReport, table: str) -> list[Row]:
    """One table of the report as flat rows; lists are joined with ``;``."""
    if table == "missing":
        return [
            {
                "rank": i,
                "id": m.id,
                "label": m.label,
                "demand": m.demand,
                "optional_demand": m.optional_demand,
                "essential_for": ";".join(m.essential_for),
                "optional_for": ";".join(m.optional_for),
            }
            for i, m in enumerate(report.missing_skills, start=1)
        ]
    if table == "coverage":
        return [
            {
                "id": c.id,
                "label": c.label,
                "essential": c.essential,
                "taught": c.taught,
                "fraction": round(c.fraction, 4),
                "reachable": c.reachable,
                "full_plan": c.full_plan,
                "untaught": ";".join(c.untaught),
            }
            for c in report.coverage
        ]
    if table == "unmeetable":
        return [
            {
                "id": u.id,
                "name": u.name,
                "provider": u.provider,
                "unmet_requirement": u.requirement,
                "unmet": ";".join(r.id for r in u.unmet),
                "cycle": ";".join(u.cycle),
            }
            for u in report.unmeetable_credentials
        ]
    if table == "overlaps":
        return [
            {
                "first": o.first,
                "first_name": o.first_name,
                "second": o.second,
                "second_name": o.second_name,
                "share": o.share,
                "shared": ";".join(o.shared),
            }
            for o in report.overlaps
        ]
    if table == "unique":
        return [
            {
                "id": u.id,
                "label": u.label,
                "demand": u.demand,
                "optional_demand": u.optional_demand,
                "taught_by": ";".join(u.taught_by),
            }
            for u in report.unique_skills
        ]
    raise RequestError(f"unknown table {table!r}", field="table", fix=f"choose one of {', '.join(TABLES)}")


def to_csv(report: GapReport, table: str = "missing") -> str:
    """One table of the report as CSV with a header row (an empty table still has its header).

    Examples
    --------
    >>> report = GapReport(catalogue="c", credentials=0, occupations=(), min_share=0.5, missing_skills=(),
    ...     coverage=(), unmeetable_credentials=(), overlaps=())
    >>> to_csv(report, "overlaps")
    'first,first_name,second,second_name,share,shared\\r\\n'
    """
    rows = _rows(report, table)
    out = io.StringIO()
    header = list(rows[0]) if rows else _HEADERS[table]
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


_HEADERS = {
    "missing": ["rank", "id", "label", "demand", "optional_demand", "essential_for", "optional_for"],
    "coverage": ["id", "label", "essential", "taught", "fraction", "reachable", "full_plan", "untaught"],
    "unmeetable": ["id", "name", "provider", "unmet_requirement", "unmet", "cycle"],
    "overlaps": ["first", "first_name", "second", "second_name", "share", "shared"],
    "unique": ["id", "label", "demand", "optional_demand", "taught_by"],
}


def _plain(text: str) -> str:
    return text


def _summary(report: GapReport, text: Callable[[str], str] = _plain) -> str:
    """One line on the report's scope and findings; ``text`` escapes the catalogue's and provider's names."""
    scope = f"provider {text(report.provider)}" if report.provider else "all providers"
    full = sum(c.full_plan for c in report.coverage)
    return (
        f"{text(report.catalogue) or 'catalogue'}: {report.credentials:,} credentials ({scope}), "
        f"{len(report.occupations):,} occupations; {len(report.missing_skills):,} missing skills, "
        f"{full:,} of {len(report.coverage):,} occupations fully plannable, "
        f"{len(report.unmeetable_credentials):,} unmeetable credentials, {len(report.overlaps):,} overlapping pairs"
    )


def _sections(report: GapReport, text: Callable[[str], str] = _plain) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows of cells) for each table a person reads; ``text`` escapes names in the titles."""
    out = [
        (
            "Missing skills (most demanded first)",
            ["#", "Skill", "Essential for", "Optional for"],
            [[str(i), m.label, str(m.demand), str(m.optional_demand)] for i, m in enumerate(report.missing_skills, 1)],
        ),
        (
            "Coverage per occupation (least covered first)",
            ["Occupation", "Essential taught", "Share", "Full plan"],
            [
                [c.label, f"{c.taught}/{c.essential}", f"{100 * c.fraction:.0f}%", "yes" if c.full_plan else "no"]
                for c in report.coverage
            ],
        ),
        (
            "Credentials nobody can start",
            ["Credential", "Provider", "Unmet requirement"],
            [
                [u.name, u.provider, u.requirement + (" (cycle)" if u.cycle else "")]
                for u in report.unmeetable_credentials
            ],
        ),
        (
            f"Overlapping credentials (share at least {report.min_share:g})",
            ["Credential", "Credential", "Share", "Shared skills"],
            [[o.first_name, o.second_name, f"{o.share:.2f}", str(len(o.shared))] for o in report.overlaps],
        ),
    ]
    if report.provider:
        out.append(
            (
                f"Skills only {text(report.provider)} teaches",
                ["Skill", "Essential for", "Optional for", "Credentials"],
                [[u.label, str(u.demand), str(u.optional_demand), str(len(u.taught_by))] for u in report.unique_skills],
            )
        )
    return out


def _render(
    report: GapReport,
    limit: int | None,
    table: Callable[[list[str], list[list[str]]], list[str]],
    text: Callable[[str], str] = _plain,
) -> list[str]:
    lines: list[str] = []
    for title, header, rows in _sections(report, text):
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
