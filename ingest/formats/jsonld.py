"""Shared JSON-LD reading: files as a stream of nodes, language maps, ids and types, without fetching contexts.

No ``@context`` is ever fetched or expanded: CTDL and Open Badges documents are read as plain JSON and
keys are matched by their compact names (``ceterms:name`` and bare ``name`` alike).
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import ijson  # type: ignore[import-untyped]

from graph.errors import CatalogueError
from graph.model import Catalogue
from ingest.formats.base import AdapterResult, Skipped
from ingest.formats.textio import SNIFF_BYTES, decompressed_size, open_binary

SMALL_JSON_BYTES = 16 * 1024 * 1024
"""Documents up to this size (decompressed) are parsed whole, which gives line numbers in syntax errors;
larger ones are streamed node by node with ijson."""

PREFERRED_LANGUAGES = ("en-us", "en", "en-gb")
Node = dict[str, Any]


def sniff_json(head: bytes, markers: Sequence[bytes], pattern: re.Pattern[bytes]) -> bool:
    """True when the start of a file holds one of ``markers`` (context URLs) or matches ``pattern``."""
    text = head[:SNIFF_BYTES]
    return any(marker in text for marker in markers) or pattern.search(text) is not None


class NodeReader:
    """Base of the JSON-LD readers: reads a file node by node and collects what it skips, by JSON pointer."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped: list[Skipped] = []

    def skip(self, pointer: str, reason: str) -> None:
        self.skipped.append(Skipped(where=f"{self.path}#{pointer}", reason=reason))

    def node(self, pointer: str, node: Any) -> None:
        """Take in one top-level node."""
        raise NotImplementedError

    def finish(self) -> Catalogue:
        """The catalogue of every node taken in."""
        raise NotImplementedError

    def read(self, format_name: str) -> AdapterResult:
        for pointer, node in iter_nodes(self.path):
            self.node(pointer, node)
        catalogue = self.finish()
        return AdapterResult(
            catalogue=catalogue, skipped=tuple(self.skipped), format=format_name, sources=(str(self.path),)
        )


def pointer_join(pointer: str, *parts: str | int) -> str:
    """``pointer`` extended by ``parts``, escaped as RFC 6901 requires."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "/".join((pointer, *escaped))


def iter_nodes(path: Path) -> Iterator[tuple[str, Any]]:
    """Every top-level node of a JSON(-LD) file as ``(json_pointer, value)``.

    A document with an ``@graph`` array yields each item (``/@graph/0`` ...), plus the document itself
    when it is typed; a top-level array yields each item; any other object yields itself (pointer ``""``).
    Large or deeply nested files are streamed with ijson, so memory stays bounded by the largest node.
    """
    try:
        small = decompressed_size(path) <= SMALL_JSON_BYTES
    except OSError as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the path") from exc
    if small:
        document = _load_small(path)
        if document is not _TOO_DEEP:
            yield from _split(document, path)
            return
    yield from _stream(path)


_TOO_DEEP = object()


def _load_small(path: Path) -> Any:
    with open_binary(path) as f:
        try:
            raw = f.read()
        except (OSError, EOFError, zlib.error) as exc:
            raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the file") from exc
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise CatalogueError(
            f"not UTF-8 text (byte {exc.start})", where=str(path), fix="save the file as UTF-8"
        ) from exc
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}", fix="fix the JSON syntax"
        ) from exc
    except RecursionError:
        return _TOO_DEEP


def _reject_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def _split(document: Any, path: Path) -> Iterator[tuple[str, Any]]:
    if isinstance(document, list):
        yield from ((f"/{i}", item) for i, item in enumerate(document))
    elif isinstance(document, dict):
        graph = document.get("@graph")
        if isinstance(graph, list):
            yield from ((f"/@graph/{i}", item) for i, item in enumerate(graph))
            rest = {k: v for k, v in document.items() if k != "@graph"}
            if node_types(rest):
                yield "", rest
        else:
            yield "", document
    else:
        raise CatalogueError(
            f"the top level is a JSON {type(document).__name__}, not an object or array",
            where=str(path),
            fix="give a JSON-LD document: an object, an object with @graph, or an array of objects",
        )


def _stream(path: Path) -> Iterator[tuple[str, Any]]:
    with open_binary(path) as f:
        try:
            events = ijson.basic_parse(f, use_float=True)
            event, _ = next(events, ("eof", None))
            if event == "start_array":
                yield from _stream_items(events, "")
            elif event == "start_map":
                yield from _stream_object(events)
            else:
                raise CatalogueError(
                    "the top level is not a JSON object or array",
                    where=str(path),
                    fix="give a JSON-LD document: an object, an object with @graph, or an array of objects",
                )
            for _ in events:  # surfaces trailing garbage as a syntax error
                pass
        except ijson.JSONError as exc:
            raise CatalogueError(
                f"invalid JSON: {_first_line(exc)}", where=str(path), fix="fix the JSON syntax"
            ) from exc
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the file") from exc


def _first_line(exc: Exception) -> str:
    message = exc.args[0] if exc.args else exc
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _stream_items(events: Iterator[tuple[str, Any]], pointer: str) -> Iterator[tuple[str, Any]]:
    for index, (event, value) in enumerate(events):
        if event == "end_array":
            return
        yield pointer_join(pointer, index), _build(event, value, events)


def _stream_object(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    rest: Node = {}
    graph_seen = False
    for event, key in events:
        if event == "end_map":
            break
        event, value = next(events, ("eof", None))
        if event == "eof":
            break
        if key == "@graph" and event == "start_array":
            graph_seen = True
            yield from _stream_items(events, "/@graph")
        else:
            rest[key] = _build(event, value, events)
    if not graph_seen or node_types(rest):
        yield "", rest


def _build(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """One complete JSON value whose first event is ``(event, value)``, built without recursion."""
    if event not in ("start_map", "start_array"):
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    return builder.value


def get(node: Mapping[str, Any], name: str, prefixes: Sequence[str] = ("ceterms:", "ceasn:", "")) -> Any:
    """The value of ``name`` under the first of ``prefixes`` present in ``node`` (None when absent)."""
    for prefix in prefixes:
        value = node.get(prefix + name)
        if value is not None:
            return value
    return None


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value as a list: None is empty, a single value is a list of one."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def local_name(term: str) -> str:
    """``ceterms:Course``, ``https://purl.org/ctdl/terms/Course`` and ``Course`` all give ``Course``."""
    for sep in ("#", "/", ":"):
        term = term.rsplit(sep, 1)[-1]
    return term


def node_types(node: Mapping[str, Any]) -> list[str]:
    """Local names of a node's ``@type`` (or ``type``), in order."""
    raw = node.get("@type", node.get("type"))
    return [local_name(t) for t in as_list(raw) if isinstance(t, str)]


def node_id(node: Mapping[str, Any]) -> str | None:
    """A node's ``@id`` (or ``id``) when it is a non-empty string."""
    raw = node.get("@id", node.get("id"))
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def ref_ids(value: Any) -> list[str]:
    """Ids referenced by a value: strings, ``{"@id": ...}`` objects and embedded nodes, in order."""
    ids: list[str] = []
    for item in as_list(value):
        ref = item.strip() if isinstance(item, str) else node_id(item) if isinstance(item, dict) else None
        if ref:
            ids.append(ref)
    return ids


def lang_texts(value: Any) -> list[str]:
    """All strings of a plain, language-map (``{"en-US": ...}``) or ``@value`` value, preferred language first.

    Only one level of lists is looked into (a language map may hold a list of strings).
    """
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [t for item in value if not isinstance(item, list) for t in lang_texts(item)]
    if not isinstance(value, dict):
        return []
    if "@value" in value:
        raw = value["@value"]
        return [raw.strip()] if isinstance(raw, str) and raw.strip() else []
    keys = sorted(value, key=_language_rank)
    texts: list[str] = []
    for key in keys:
        for item in as_list(value[key]):
            if isinstance(item, str) and item.strip():
                texts.append(item.strip())
    return texts


def _language_rank(key: str) -> tuple[int, str]:
    tag = key.lstrip("@").lower()
    if tag in PREFERRED_LANGUAGES:
        return PREFERRED_LANGUAGES.index(tag), tag
    return (len(PREFERRED_LANGUAGES), tag) if tag.startswith("en") else (len(PREFERRED_LANGUAGES) + 1, tag)


def lang_text(value: Any) -> str:
    """The preferred-language string of a value ("" when there is none)."""
    texts = lang_texts(value)
    return texts[0] if texts else ""


def number(value: Any) -> float | None:
    """A finite number from a JSON number or numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """``items`` without repeats, in first-seen order."""
    return tuple(dict.fromkeys(items))
