"""Batch planning: a class of learners from a CSV into a ZIP of verified plans with a summary, across cores.

Columns (header row required; only ``learner`` and one goal column are needed; lists are ``;``-separated and
take ids or exact labels): ``learner``, ``goal`` (an occupation, skill or credential named in words),
``occupation``, ``target_skills``, ``target_credentials``, ``have``, ``badges`` (held credentials),
``max_hours``, ``max_cost``, ``hours_per_week``, ``language``, ``delivery``, ``exclude_providers``,
``objective`` (``hours`` or ``cost``), ``include_optional`` (``yes``/``no``).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from pydantic import ValidationError

from graph.errors import CatalogueError, CredpathError, InputLimitError, RequestError
from graph.model import Catalogue, Kind
from graph.skillgraph import SkillGraph
from ingest.settings import Settings
from recommender.plan import Pathway
from recommender.profile import Constraints, LearnerProfile, Objective, Targets

COLUMNS = (
    "learner",
    "goal",
    "occupation",
    "target_skills",
    "target_credentials",
    "have",
    "badges",
    "max_hours",
    "max_cost",
    "hours_per_week",
    "language",
    "delivery",
    "exclude_providers",
    "objective",
    "include_optional",
)
SUMMARY = ("learner", "status", "steps", "hours", "cost", "weeks", "uncovered", "message")
EXAMPLE = Path(__file__).resolve().parent / "learners.example.csv"
MAX_ROWS = 10_000
MIB = 1024 * 1024


@dataclass(frozen=True)
class Row:
    """One learner row: its line in the file, the learner's name and the raw cells."""

    line: int
    learner: str
    cells: Mapping[str, str]


@dataclass(frozen=True)
class Outcome:
    """What planning one row gave: a pathway and its Markdown, or the error message."""

    row: Row
    pathway: Pathway | None
    markdown: str
    message: str

    @property
    def status(self) -> str:
        if self.pathway is None:
            return "failed"
        return "partial" if self.pathway.uncovered else "planned"


def read_rows(path: Path) -> list[Row]:
    """The rows of a learners CSV; a file that cannot be read as one is a CatalogueError (exit 2 at the edge)."""
    limit = Settings().max_file_mb
    try:
        size = path.stat().st_size
        if size > limit * MIB:
            raise InputLimitError(
                f"this file is {size / MIB:.0f} MiB", limit="max_file_mb", value=limit, where=str(path)
            )
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(
            f"cannot read the learners file: {exc}", where=str(path), fix="give a UTF-8 CSV file"
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "learner" not in header:
        raise CatalogueError(
            "the first line must be a header naming the columns, including 'learner'",
            where=f"{path}:1",
            fix=f"start the file with a header such as: learner,occupation,have (columns: {', '.join(COLUMNS)})",
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise CatalogueError(
            f"unknown column(s): {', '.join(unknown)}",
            where=f"{path}:1",
            fix=f"use only these columns: {', '.join(COLUMNS)}",
        )
    rows = []
    for n, raw in enumerate(reader, start=2):
        cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        if not any(cells.values()):
            continue
        rows.append(Row(n, cells.get("learner", ""), cells))
        if len(rows) > MAX_ROWS:
            raise CatalogueError(f"more than {MAX_ROWS} learners", where=str(path), fix="split the file")
    if not rows:
        raise CatalogueError("no learner rows below the header", where=str(path), fix="add one row per learner")
    return rows


def _list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _find(g: SkillGraph, kinds: Sequence[Kind], text: str, column: str) -> tuple[Kind, str]:
    for kind in kinds:
        found = g.find(kind, text)
        if found is not None:
            return kind, found
    raise RequestError(
        f"no {' or '.join(kinds)} is called {text!r}",
        where=column,
        fix="use an id or the exact label from the catalogue (`credpath search` finds them)",
    )


def _number(cells: Mapping[str, str], column: str) -> float | None:
    cell = cells.get(column, "")
    if not cell:
        return None
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise RequestError(
            f"{cell!r} is not a number", where=column, fix="write a number such as 40, or leave it empty"
        )
    return value


def profile_of(g: SkillGraph, row: Row) -> LearnerProfile:
    """The learner profile a row asks for (labels resolved to ids); RequestError names the bad column."""
    c = row.cells
    if not row.learner:
        raise RequestError("the learner column is empty", where="learner", fix="give each row a name or an id")
    skills = [_find(g, (Kind.skill,), s, "target_skills")[1] for s in _list(c.get("target_skills", ""))]
    credentials = [
        _find(g, (Kind.credential,), s, "target_credentials")[1] for s in _list(c.get("target_credentials", ""))
    ]
    occupation = _find(g, (Kind.occupation,), c["occupation"], "occupation")[1] if c.get("occupation") else None
    if c.get("goal"):
        kind, ident = _find(g, (Kind.occupation, Kind.skill, Kind.credential), c["goal"], "goal")
        if kind == Kind.occupation and occupation is None:
            occupation = ident
        elif kind == Kind.skill:
            skills.append(ident)
        elif kind == Kind.credential:
            credentials.append(ident)
    have = [_find(g, (Kind.credential, Kind.skill), s, "have")[1] for s in _list(c.get("have", ""))]
    have += [_find(g, (Kind.credential,), s, "badges")[1] for s in _list(c.get("badges", ""))]
    objective = c.get("objective") or Objective.hours.value
    if objective not in {o.value for o in Objective}:
        raise RequestError(
            f"objective {objective!r} is not hours or cost", where="objective", fix="write hours or cost"
        )
    optional = c.get("include_optional", "").casefold()
    if optional not in {"", "yes", "no", "true", "false", "1", "0"}:
        raise RequestError(f"{optional!r} is not yes or no", where="include_optional", fix="write yes or no")
    return LearnerProfile(
        targets=Targets(
            occupation=occupation,
            skills=tuple(dict.fromkeys(skills)),
            credentials=tuple(dict.fromkeys(credentials)),
            include_optional_skills=optional in {"yes", "true", "1"},
        ),
        have=tuple(dict.fromkeys(have)),
        constraints=Constraints(
            max_hours=_number(c, "max_hours"),
            max_cost=_number(c, "max_cost"),
            hours_per_week=_number(c, "hours_per_week"),
            languages=tuple(_list(c.get("language", ""))),
            delivery=tuple(_list(c.get("delivery", ""))),
            exclude_providers=tuple(_list(c.get("exclude_providers", ""))),
        ),
        objective=Objective(objective),
    )


_WORKER: dict[str, object] = {}


def _init_worker(catalogue_json: str, time_limit: float | None) -> None:
    from recommender.service import CredpathService

    _WORKER["service"] = CredpathService(Catalogue.model_validate_json(catalogue_json))
    _WORKER["time_limit"] = time_limit


def _plan_in_worker(row: Row) -> Outcome:
    from recommender.service import CredpathService

    service = _WORKER["service"]
    assert isinstance(service, CredpathService)
    limit = _WORKER.get("time_limit")
    return plan_row(service, row, time_limit=limit if isinstance(limit, float) else None)


def plan_row(service: object, row: Row, *, time_limit: float | None = None) -> Outcome:
    """Plan one row; every credpath error or rejected value becomes the row's message, never an exception."""
    from recommender.service import CredpathService

    assert isinstance(service, CredpathService)
    try:
        pathway = service.plan(profile_of(service.graph, row), time_limit=time_limit)
    except CredpathError as exc:
        return Outcome(row, None, "", f"line {row.line}: {exc.message}".replace("\n", " "))
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return Outcome(row, None, "", f"line {row.line}: invalid value: {details}")
    return Outcome(row, pathway, service.markdown(pathway), "")


def plan_rows(
    service: object,
    rows: Sequence[Row],
    *,
    workers: int | None = None,
    time_limit: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Plan every row, in parallel processes across the machine's cores when there is more than one row."""
    from recommender.service import CredpathService

    assert isinstance(service, CredpathService)
    count = min(workers or os.cpu_count() or 1, len(rows))
    done: list[Outcome] = []
    if count <= 1:
        for row in rows:
            done.append(plan_row(service, row, time_limit=time_limit))
            if progress:
                progress(len(done), len(rows))
        return done
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(service.catalogue.model_dump_json(), time_limit),
    ) as pool:
        for outcome in pool.map(_plan_in_worker, rows):
            done.append(outcome)
            if progress:
                progress(len(done), len(rows))
    return done


def file_names(rows: Sequence[Row]) -> Iterator[str]:
    """A safe, unique file stem per row, from the learner's name (line number when the name is empty)."""
    used: set[str] = set()
    for row in rows:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", row.learner).strip("-.")[:80] or f"line-{row.line}"
        name, n = stem, 2
        while name.casefold() in used:
            name, n = f"{stem}-{n}", n + 1
        used.add(name.casefold())
        yield name


def summary_csv(outcomes: Sequence[Outcome]) -> str:
    """summary.csv: learner, status (planned/partial/failed), steps, hours, cost, weeks, uncovered, message."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SUMMARY)
    for o in outcomes:
        p = o.pathway
        writer.writerow(
            [
                o.row.learner,
                o.status,
                len(p.steps) if p else "",
                f"{p.total_hours:g}" if p else "",
                f"{p.total_cost:g}" if p else "",
                p.total_weeks if p and p.total_weeks is not None else "",
                ";".join(u.target for u in p.uncovered) if p else "",
                o.message,
            ]
        )
    return out.getvalue()


def write_zip(outcomes: Sequence[Outcome], target: Path) -> None:
    """The ZIP: ``<learner>.json`` and ``<learner>.md`` per planned row, and ``summary.csv``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, o in zip(file_names([o.row for o in outcomes]), outcomes, strict=True):
            if o.pathway is not None:
                z.writestr(f"{name}.json", o.pathway.model_dump_json(indent=2) + "\n")
                z.writestr(f"{name}.md", o.markdown)
        z.writestr("summary.csv", summary_csv(outcomes))
    os.replace(tmp, target)
