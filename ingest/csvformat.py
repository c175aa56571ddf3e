"""The CSV catalogue format (one row per credential), and the row streaming the CSV-based adapters share."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import math
import re
import unicodedata
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from graph.errors import CatalogueError
from graph.model import Catalogue, Credential, CredentialKind, Delivery, Level, Skill, TaughtSkill
from ingest.base import AdapterResult, Skipped
from ingest.jsonld import is_gzip
from ingest.requires import ExpressionError, parse_requires

REQUIRED_COLUMNS = ("id", "name", "provider")
OPTIONAL_COLUMNS = (
    "kind", "description", "teaches", "requires", "hours", "credits", "cost", "currency", "level",
    "delivery", "language", "url", "valid_until", "stacks_into", "areas", "alt_ids",
)  # fmt: skip
LIST_SEPARATOR = ";"
DELIMITERS = (",", ";", "\t")
DELIVERY_ALIASES = {"inperson": "in_person", "onsite": "in_person", "hybrid": "blended"}


def label_skill_id(label: str) -> str:
    """The stable id of a skill known only by its label: ``skill:`` + a slug of the label.

    >>> label_skill_id("Machine Learning")
    'skill:machine-learning'
    >>> label_skill_id("C++"), label_skill_id("C#")
    ('skill:c-plus-plus', 'skill:c-sharp')
    """
    text = unicodedata.normalize("NFKC", label).casefold().replace("+", " plus ").replace("#", " sharp ")
    slug = re.sub(r"[^\w]+", "-", text).strip("-_")
    if not slug:
        slug = hashlib.sha1(label.encode("utf-8")).hexdigest()[:12]
    return f"skill:{slug}"


def open_text(path: Path) -> IO[str]:
    """``path`` opened as UTF-8 text for the csv module, gunzipped transparently."""
    try:
        if is_gzip(path):
            return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the path") from exc


def iter_rows(
    path: Path, delimiter: str = ",", quoting: Literal[0, 1, 2, 3] = csv.QUOTE_MINIMAL
) -> Iterator[tuple[int, list[str]]]:
    """Each record of a delimited text file with the line it starts on, streamed; errors name the line."""
    line = 1
    with open_text(path) as f:
        reader = csv.reader(f, delimiter=delimiter, quoting=quoting, strict=False)
        try:
            for row in reader:
                yield line, row
                line = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise CatalogueError(
                f"not UTF-8 text ({exc.reason})", where=f"{path}:{line}", fix="save the file as UTF-8"
            ) from exc
        except csv.Error as exc:
            raise CatalogueError(f"malformed row: {exc}", where=f"{path}:{line}", fix="fix the row") from exc
        except (OSError, EOFError, zlib.error) as exc:
            raise CatalogueError(f"cannot read file: {exc}", where=f"{path}:{line}", fix="check the file") from exc


def iter_records(
    path: Path, required: tuple[str, ...], delimiter: str = ",", quoting: Literal[0, 1, 2, 3] = csv.QUOTE_MINIMAL
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each record of a delimited file with a header row, as ``(line, {column: value})``, streamed.

    Raises CatalogueError naming the missing columns when the header lacks one of ``required``.
    """
    rows = iter_rows(path, delimiter, quoting)
    _, header = next(rows, (1, []))
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise CatalogueError(
            f"missing column(s) {', '.join(missing)} (found: {', '.join(header)[:300]})",
            where=f"{path}:1",
            fix="give the file with the header row of its release, unchanged",
        )
    for line, row in rows:
        yield line, dict(zip(header, row, strict=False))


def normalise_column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def header_delimiter(first_line: str) -> str:
    """The delimiter a header line uses (the most frequent of comma, semicolon and tab)."""
    return max(DELIMITERS, key=first_line.count)


def validation_reason(exc: ValidationError) -> str:
    """The problems of a pydantic error as one sentence naming each field."""
    parts = []
    for err in exc.errors(include_url=False)[:5]:
        field = ".".join(str(p) for p in err["loc"]) or "value"
        parts.append(f"field '{field}': {err['msg']}")
    return "; ".join(parts)


M = TypeVar("M", bound=BaseModel)


def model_or_skip(model: type[M], where: str, skipped: list[Skipped], **fields: Any) -> M | None:
    """``model(**fields)``; or None, with the validation problems added to ``skipped`` at ``where``."""
    try:
        return model(**fields)
    except ValidationError as exc:
        skipped.append(Skipped(where, f"{model.__name__.lower()} not loaded: {validation_reason(exc)}"))
        return None


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
            if credential.id in credentials:
                problems.append(f"{path}:{line} column 'id': duplicate id {credential.id!r}")
            credentials[credential.id] = credential
        if problems:
            raise CatalogueError(
                f"{len(problems)} problem(s) in CSV catalogue",
                where=str(path),
                fix="correct the cells named below (columns are described in ingest/FORMATS.md)",
                problems=problems,
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
    if cells.get("requires"):
        try:
            fields["requires"] = parse_requires(cells["requires"], label_skill_id)
        except ExpressionError as exc:
            raise _CellError("requires", f"character {exc.column}: {exc.message}") from None
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
