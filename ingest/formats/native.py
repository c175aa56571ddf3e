"""The native catalogue format: YAML or JSON matching the Catalogue JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from graph.errors import CatalogueError
from graph.model import Catalogue
from ingest.formats.base import AdapterResult
from ingest.formats.textio import read_text

FORMAT_MARKER = "credpath-catalogue"
SCHEMA_FIX = "run `credpath schema catalogue` for the expected fields"


def json_pointer(loc: tuple[int | str, ...]) -> str:
    """RFC 6901 pointer for a pydantic error location."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in loc)


class NativeAdapter:
    """credpath's own YAML/JSON catalogue files."""

    name = "native"
    description = "credpath catalogue, YAML or JSON (format: credpath-catalogue)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return FORMAT_MARKER.encode() in head[:4096]

    def read(self, path: Path) -> AdapterResult:
        text = read_text(path)
        data = parse_document(text, path)
        return AdapterResult(catalogue=catalogue_from_data(data, path, text), format=self.name, sources=(str(path),))


def parse_document(text: str, path: Path) -> Any:
    """Parse JSON or YAML text, turning syntax errors into a CatalogueError with the line."""
    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}", fix="fix the JSON syntax"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogueError(f"invalid YAML: {problem}", where=where, fix="fix the YAML syntax") from exc
    except RecursionError as exc:
        raise CatalogueError(
            "document is nested too deeply to read", where=str(path), fix="flatten the document"
        ) from exc
    except (ValueError, TypeError) as exc:  # YAML scalars the loader cannot build, e.g. 2019-02-30
        raise CatalogueError(f"invalid YAML value: {exc}", where=str(path), fix="fix or quote the value") from exc


def catalogue_from_data(data: Any, path: Path, text: str | None = None) -> Catalogue:
    """Validate parsed data as a Catalogue; errors name the file, line, JSON pointer and field."""
    if not isinstance(data, dict):
        raise CatalogueError(
            f"expected a mapping at the top level, found {type(data).__name__}",
            where=str(path),
            fix=SCHEMA_FIX,
        )
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            line = locate_line(text, loc) if text is not None else None
            place = f"{path}:{line}" if line else str(path)
            field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
            problems.append(f"{place} {json_pointer(loc)} (field '{field}'): {err['msg']}")
        raise CatalogueError(
            f"{len(problems)} problem(s) in catalogue", where=str(path), fix=SCHEMA_FIX, problems=problems
        ) from None
    except RecursionError as exc:
        raise CatalogueError(
            "conditions are nested too deeply", where=str(path), fix="flatten the requirement trees"
        ) from exc


def locate_line(text: str, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the node at ``loc`` in a YAML/JSON text, or of its nearest ancestor."""
    try:
        node: Any = yaml.compose(text)
    except (yaml.YAMLError, RecursionError):
        return None
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def dump_catalogue(catalogue: Catalogue, path: Path) -> None:
    """Write a catalogue as YAML (``.yaml``/``.yml``) or JSON (anything else)."""
    data = catalogue.model_dump(mode="json", exclude_defaults=True)
    data = {"format": FORMAT_MARKER, "version": 1, **data}
    if path.suffix in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
