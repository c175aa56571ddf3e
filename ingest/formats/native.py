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
from ingest.formats.limits import bounded, breach, current, requirement_depth
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
        data, lines = parse_document(text, path)
        return AdapterResult(catalogue=catalogue_from_data(data, path, lines), format=self.name, sources=(str(path),))


class Lines:
    """Where each node of a YAML/JSON text starts: the text is composed once, on the first question, per file."""

    def __init__(self, text: str, root: yaml.Node | None = None) -> None:
        self._text = text
        self._root = root
        self._composed = root is not None

    def _node(self) -> yaml.Node | None:
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self._text, Loader=_LOADER)
            except (yaml.YAMLError, RecursionError):
                self._root = None
        return self._root

    def line(self, loc: tuple[int | str, ...]) -> int | None:
        """1-based line of the node at ``loc``, or of its nearest ancestor; None when the text has no nodes."""
        node = self._node()
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

    def place(self, path: Path, loc: tuple[int | str, ...]) -> str:
        """``file:line`` of the node at ``loc`` (``file`` alone when the line is unknown)."""
        line = self.line(loc)
        return f"{path}:{line}" if line else str(path)


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_document(text: str, path: Path) -> tuple[Any, Lines]:
    """Parse JSON or YAML text; syntax errors and YAML alias bombs become a CatalogueError with the place."""
    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            return json.loads(text), Lines(text)
        loader = _LOADER(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return None, Lines(text)
            _check_aliases(root, path)
            return loader.construct_document(root), Lines(text, root)
        finally:
            loader.dispose()
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}", fix="fix the JSON syntax"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        if isinstance(exc, yaml.reader.ReaderError):  # a character YAML refuses: it has a position, not a mark
            where = f"{path}:{text.count(chr(10), 0, exc.position) + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        if isinstance(exc, yaml.reader.ReaderError):
            code = exc.character if isinstance(exc.character, int) else ord(exc.character)
            problem = f"character U+{code:04X} is not allowed in YAML ({exc.reason})"
        raise CatalogueError(f"invalid YAML: {problem}", where=where, fix="fix the YAML syntax") from exc
    except RecursionError as exc:
        raise CatalogueError(
            "document is nested too deeply to read", where=str(path), fix="flatten the document"
        ) from exc
    except (ValueError, TypeError) as exc:  # YAML scalars the loader cannot build, e.g. 2019-02-30
        raise CatalogueError(f"invalid YAML value: {exc}", where=str(path), fix="fix or quote the value") from exc


def _check_aliases(root: yaml.Node, path: Path) -> None:
    """Refuse a document whose aliases would add more than ``max_yaml_alias_nodes`` nodes, or refer to themselves.

    Sizes are counted on the composed node graph, where an alias is a shared node, so a billion-node
    bomb is measured in as many steps as it has distinct nodes.
    """
    size: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise CatalogueError(
                "a YAML alias refers to the node that contains it (a recursive structure)",
                where=f"{path}:{node.start_mark.line + 1}",
                fix="write the structure out without the recursive alias",
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    growth = size[id(root)] - len(size)
    if growth > current().max_yaml_alias_nodes:
        raise breach(
            f"YAML aliases (*name) would expand this document by {growth:,} nodes",
            "max_yaml_alias_nodes",
            where=str(path),
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


SECTIONS = ("skills", "credentials", "occupations")


def catalogue_from_data(data: Any, path: Path, lines: Lines | None = None) -> Catalogue:
    """Validate parsed data as a Catalogue; errors name the file, line, JSON pointer and field.

    Checked before the model is built, each against its limit: the number of entries and the depth of
    requirement trees. Two entries of one section with the same id are an error naming both places.
    At most ``max_messages`` problems are listed, then counted.
    """
    if not isinstance(data, dict):
        raise CatalogueError(
            f"expected a mapping at the top level, found {type(data).__name__}",
            where=str(path),
            fix=SCHEMA_FIX,
        )
    lines = lines or Lines("")
    _check_bounds(data, path, lines)
    problems: list[str] = []
    total = 0
    catalogue = None
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        total = exc.error_count()
        for err in exc.errors(include_url=False)[: current().max_messages]:
            loc = tuple(err["loc"])
            field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
            problems.append(f"{lines.place(path, loc)} {json_pointer(loc)} (field '{field}'): {err['msg']}")
    duplicates = _duplicates(data, path, lines)
    problems += duplicates
    total += len(duplicates)
    if catalogue is None or problems:
        raise CatalogueError(
            f"{total} problem(s) in catalogue",
            where=str(path),
            fix=SCHEMA_FIX if catalogue is None else "give each entry its own id",
            problems=bounded(problems, total),
        )
    return catalogue


def _check_bounds(data: dict[str, Any], path: Path, lines: Lines) -> None:
    """Refuse too many entries, or requirement trees deeper than the limit, before pydantic sees them."""
    settings = current()
    count = sum(len(data[s]) for s in SECTIONS if isinstance(data.get(s), list))
    if count > settings.max_entries:
        raise breach(f"this file has {count:,} entries", "max_entries", where=str(path))
    deep = []
    credentials = data.get("credentials")
    for i, entry in enumerate(credentials if isinstance(credentials, list) else []):
        if isinstance(entry, dict) and "requires" in entry:
            depth = requirement_depth(entry["requires"])
            if depth > settings.max_requirement_depth:
                loc: tuple[int | str, ...] = ("credentials", i, "requires")
                deep.append(f"{lines.place(path, loc)} {json_pointer(loc)}: {depth} levels deep")
    if deep:
        raise breach(
            f"{len(deep)} requirement tree(s) nested deeper than {settings.max_requirement_depth} levels",
            "max_requirement_depth",
            where=str(path),
            problems=bounded(deep),
        )


def _duplicates(data: dict[str, Any], path: Path, lines: Lines) -> list[str]:
    """One problem per entry whose id an earlier entry of the same section already has, naming both."""
    out = []
    for section in SECTIONS:
        entries = data.get(section)
        first: dict[str, int] = {}
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            ident = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in first:
                j = first[ident]
                here, there = (section, i, "id"), (section, j, "id")
                out.append(
                    f"{lines.place(path, here)} {json_pointer(here)}: id {ident!r} is already used by "
                    f"{json_pointer(there)} ({lines.place(path, there)}); each entry needs its own id"
                )
            else:
                first[ident] = i
    return out


def dump_catalogue(catalogue: Catalogue, path: Path) -> None:
    """Write a catalogue as YAML (``.yaml``/``.yml``) or JSON (anything else)."""
    data = catalogue.model_dump(mode="json", exclude_defaults=True)
    data = {"format": FORMAT_MARKER, "version": 1, **data}
    if path.suffix in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
