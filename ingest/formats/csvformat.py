"""The CSV catalogue format: one row per credential, documented columns."""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.errors import CatalogueError
from graph.model import Catalogue, Credential, CredentialKind, Delivery, Level, Skill, TaughtSkill
from ingest.formats.base import AdapterResult, Skipped
from ingest.formats.common import label_skill_id, validation_reason
from ingest.formats.limits import bounded
from ingest.formats.requires import ExpressionError, parse_requires
from ingest.formats.textio import iter_rows, open_text

REQUIRED_COLUMNS = ("id", "name", "provider")
OPTIONAL_COLUMNS = (
    "kind", "description", "teaches", "requires", "hours", "credits", "cost", "currency", "level",
    "delivery", "language", "url", "valid_until", "stacks_into", "awarded_for", "areas", "alt_ids",
)  # fmt: skip
LIST_SEPARATOR = ";"
DELIMITERS = (",", ";", "\t")
DELIVERY_ALIASES = {"inperson": "in_person", "onsite": "in_person", "hybrid": "blended"}


def normalise_column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def header_delimiter(first_line: str) -> str:
    """The delimiter a header line uses (the most frequent of comma, semicolon and tab)."""
    return max(DELIMITERS, key=first_line.count)


class CsvAdapter:
    """credpath's CSV catalogue: one row per credential, documented columns (see ingest/FORMATS.md)."""

    name = "csv"
    description = "CSV, one row per credential: id, name, provider, teaches, requires, hours, cost ..."

    def sniff(self, path: Path, head: bytes) -> bool:
        first = head.decode("utf-8-sig", "replace").split("\n", 1)[0].strip("\r")
        cells = {normalise_column(c).strip('"') for c in first.split(header_delimiter(first))}
        return {"id", "name"} <= cells and bool(cells & {"provider", "teaches", "requires"})

    def read(self, path: Path) -> AdapterResult:
        with open_text(path) as f:
            try:
                first = f.readline()
            except (UnicodeDecodeError, OSError, EOFError, zlib.error) as exc:
                raise CatalogueError(f"cannot read header: {exc}", where=f"{path}:1", fix="save as UTF-8 CSV") from exc
        rows = iter_rows(path, header_delimiter(first))
        _, header = next(rows, (1, []))
        columns = [normalise_column(c) for c in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise CatalogueError(
                f"missing column(s): {', '.join(missing)}",
                where=f"{path}:1",
                fix=f"the header needs {', '.join(REQUIRED_COLUMNS)}; optional: {', '.join(OPTIONAL_COLUMNS)}",
            )
        skipped = [
            Skipped(f"{path}:1 column '{c}'", f"not a credpath column, ignored (known: {', '.join(OPTIONAL_COLUMNS)})")
            for c in columns if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
        ]  # fmt: skip
        credentials: dict[str, Credential] = {}
        skills: dict[str, Skill] = {}
        problems: list[str] = []
        first_line: dict[str, int] = {}
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            cells = {c: (row[i].strip() if i < len(row) else "") for i, c in enumerate(columns) if c}
            try:
                credential = _credential(cells, skills)
            except _CellError as exc:
                problems.append(f"{path}:{line} column '{exc.column}': {exc}")
                continue
            except ValidationError as exc:  # an id in teaches or requires that the model refuses
                problems.append(f"{path}:{line}: {validation_reason(exc)}")
                continue
            if credential.id in first_line:
                problems.append(
                    f"{path}:{line} column 'id': id {credential.id!r} is already used on line "
                    f"{first_line[credential.id]}; each row needs its own id"
                )
                continue
            first_line[credential.id] = line
            credentials[credential.id] = credential
        if problems:
            raise CatalogueError(
                f"{len(problems)} problem(s) in CSV catalogue",
                where=str(path),
                fix="correct the cells named below (columns are described in ingest/FORMATS.md)",
                problems=bounded(problems),
            )
        catalogue = Catalogue(name=path.name, skills=tuple(skills.values()), credentials=tuple(credentials.values()))
        return AdapterResult(catalogue=catalogue, skipped=tuple(skipped), format=self.name, sources=(str(path),))


class _CellError(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        super().__init__(message)


def _credential(cells: dict[str, str], skills: dict[str, Skill]) -> Credential:
    fields: dict[str, Any] = {"id": cells["id"], "name": cells["name"], "provider": cells["provider"]}
    for column in ("description", "language", "url", "currency"):
        if cells.get(column):
            fields[column] = cells[column].upper() if column == "currency" else cells[column]
    for column in ("hours", "credits", "cost"):
        if cells.get(column):
            fields[column] = _number(column, cells[column])
    for column, enum in (("kind", CredentialKind), ("level", Level), ("delivery", Delivery)):
        if cells.get(column):
            fields[column] = _choice(column, cells[column], enum)
    for column in ("stacks_into", "areas", "alt_ids"):
        fields[column] = tuple(split_list(cells.get(column, "")))
    if cells.get("valid_until"):
        try:
            fields["valid_until"] = dt.date.fromisoformat(cells["valid_until"])
        except ValueError:
            raise _CellError("valid_until", f"{cells['valid_until']!r} is not a date (YYYY-MM-DD)") from None
    fields["teaches"] = tuple(
        TaughtSkill(skill=_skill_ref(item, skills)) for item in split_list(cells.get("teaches", ""))
    )
    for column in ("requires", "awarded_for"):
        if cells.get(column):
            try:
                fields[column] = parse_requires(cells[column], label_skill_id)
            except ExpressionError as exc:
                raise _CellError(column, f"character {exc.column}: {exc.message}") from None
    try:
        return Credential(**fields)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        column = str(err["loc"][0]) if err["loc"] else "id"
        raise _CellError(column, f"{err['msg']} (value {cells.get(column, '')!r})") from None


def split_list(cell: str) -> list[str]:
    """The non-empty items of a semicolon-separated cell, stripped."""
    return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]


def _skill_ref(item: str, skills: dict[str, Skill]) -> str:
    """A ``teaches`` item: an id when it contains ':' (a URI or prefixed id), else a label."""
    if ":" in item:
        return item
    sid = label_skill_id(item)
    old = skills.get(sid)
    if old is None:
        skills[sid] = Skill(id=sid, label=item)
    elif item != old.label and item not in old.alt_labels:
        skills[sid] = old.model_copy(update={"alt_labels": (*old.alt_labels, item)})
    return sid


def _number(column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _CellError(column, f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise _CellError(column, f"{text!r} must be a finite number >= 0")
    return value


def _choice(column: str, text: str, enum: type[CredentialKind] | type[Level] | type[Delivery]) -> Any:
    key = re.sub(r"[\s\-_]+", "", text.lower())
    key = DELIVERY_ALIASES.get(key, key)
    for member in enum:
        if key in (member.value, member.value.replace("_", "")):
            return member
    raise _CellError(column, f"{text!r} is not one of {', '.join(m.value for m in enum)}")
