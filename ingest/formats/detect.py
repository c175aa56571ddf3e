"""Which adapter reads a path (detected from content), and reading many paths into one merged catalogue."""

from __future__ import annotations

import codecs
import errno
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from graph.errors import CatalogueError, InputLimitError, UnknownFormatError
from graph.model import Catalogue
from ingest.formats.base import Adapter, AdapterResult, Override, Skipped
from ingest.formats.csvformat import CsvAdapter
from ingest.formats.ctdl import CtdlAdapter
from ingest.formats.esco import EscoAdapter, SkillRelations
from ingest.formats.jsonld import unique
from ingest.formats.limits import applied, breach, current
from ingest.formats.native import NativeAdapter
from ingest.formats.onet import OnetAdapter
from ingest.formats.openbadges import OpenBadgesAdapter
from ingest.formats.textio import SNIFF_BYTES, read_head
from ingest.settings import Settings

ADAPTERS: tuple[Adapter, ...] = (
    NativeAdapter(),
    CtdlAdapter(),
    OpenBadgesAdapter(),
    EscoAdapter(),
    OnetAdapter(),
    CsvAdapter(),
)
"""Every format credpath reads, in the order detection tries them (the most specific first)."""


def detect_format(path: Path) -> Adapter:
    """The adapter for ``path``, chosen by content: a file's first bytes, a folder's file names.

    Raises
    ------
    CatalogueError
        When the path does not exist or cannot be read.
    UnknownFormatError
        When no adapter recognises it; the message lists every known format.
    """
    _check_exists(path)
    head = b"" if path.is_dir() else read_head(path, SNIFF_BYTES)
    if not path.is_dir():
        _refuse_unreadable_text(path, head)
    for adapter in ADAPTERS:
        if adapter.sniff(path, head):
            return adapter
    kind = "folder" if path.is_dir() else "file"
    _raise_if_broken_json(path, head)
    raise UnknownFormatError(
        f"this {kind} is in none of the formats credpath reads",
        where=str(path),
        fix="convert it to one of the formats below (ingest/FORMATS.md describes each), "
        "e.g. a CSV with the columns id, name, provider, teaches, requires",
        problems=[f"{a.name}: {a.description}" for a in ADAPTERS],
    )


def _refuse_unreadable_text(path: Path, head: bytes) -> None:
    """An empty file, or text in UTF-16/32, gets its own error instead of 'in none of the formats'."""
    if not head:
        raise CatalogueError("the file is empty", where=str(path), fix="give a catalogue file with content")
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CatalogueError(
            "the file is UTF-16 or UTF-32 text; credpath reads UTF-8",
            where=str(path),
            fix="save the file as UTF-8 (for example `iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8`)",
        )


def _check_exists(path: Path) -> None:
    """Raise a CatalogueError saying why ``path`` cannot be opened: missing, a symlink loop, a dangling link."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CatalogueError(
                "symlink loop: following the links never reaches a file or folder",
                where=str(path),
                fix="point the symbolic link at a real file or folder (`ls -l` shows where each link points)",
            ) from exc
        if path.is_symlink():
            raise CatalogueError(
                f"symbolic link to a missing file or folder ({os.readlink(path)})",
                where=str(path),
                fix="point the link at an existing file or folder",
            ) from exc
        if isinstance(exc, FileNotFoundError):
            raise CatalogueError("no such file or folder", where=str(path), fix="check the path") from exc
        raise CatalogueError(f"cannot read: {exc.strerror}", where=str(path), fix="check the path") from exc


def _raise_if_broken_json(path: Path, head: bytes) -> None:
    """A file that starts like JSON but does not parse gets the syntax error, not 'unknown format'."""
    if not head.lstrip().startswith((b"{", b"[")) or len(head) >= SNIFF_BYTES:
        return
    try:
        json.loads(head.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}", fix="fix the JSON syntax"
        ) from exc
    except RecursionError:
        return


def load_sources(
    paths: Sequence[Path],
    progress: Callable[[str], None] | None = None,
    *,
    esco_skill_relations: SkillRelations = "none",
    settings: Settings | None = None,
) -> AdapterResult:
    """Read every path with its adapter and merge the catalogues, saying what each later source overrides.

    Later sources win on credentials and occupations with equal ids; skills with the same id merge
    (labels and prerequisites combine). Each override is listed in the result's ``overrides``. Within
    one source, two entries of a kind with the same id are an error. A folder that no adapter reads as
    a whole (an ESCO or O*NET release) is read file by file, in name order; its files in no format are
    listed as skipped. ``progress`` is told about each path before and after it is read.
    ``esco_skill_relations`` says which ESCO skill-skill relations become prerequisites (see
    :class:`ingest.formats.esco.EscoAdapter`); the input limits of ``settings`` (default: the
    environment's) apply while reading.

    Raises
    ------
    CatalogueError
        On the first path that cannot be read, naming it.
    InputLimitError
        When a file goes past one of the input limits, naming it and the setting that raises it.
    """
    with applied(settings or current()):
        return _load(paths, progress, esco_skill_relations)


def _load(
    paths: Sequence[Path], progress: Callable[[str], None] | None, esco_skill_relations: SkillRelations
) -> AdapterResult:
    catalogue = Catalogue()
    skipped: list[Skipped] = []
    sources: list[str] = []
    formats: list[str] = []
    overrides: list[Override] = []
    origin: dict[tuple[str, str], str] = {}
    for path, adapter in _expand(paths, skipped):
        if isinstance(adapter, EscoAdapter) and esco_skill_relations != "none":
            adapter = EscoAdapter(skill_relations=esco_skill_relations)
        if progress:
            progress(f"reading {path} ({adapter.name})")
        try:
            result = adapter.read(path)
        except OSError as exc:
            raise CatalogueError(f"cannot read: {exc}", where=str(path), fix="check the path") from exc
        _refuse_too_many(result.catalogue, path)
        _refuse_duplicates(result.catalogue, path)
        overrides += _overrides(result.catalogue, str(path), origin)
        catalogue = catalogue.merged(result.catalogue)
        skipped.extend(result.skipped)
        sources.extend(result.sources or (str(path),))
        formats.append(result.format or adapter.name)
        if progress:
            c = result.catalogue
            progress(
                f"{path}: {len(c.credentials)} credentials, {len(c.skills)} skills, "
                f"{len(c.occupations)} occupations, {len(result.skipped)} skipped"
            )
    return AdapterResult(
        catalogue=catalogue,
        skipped=tuple(skipped),
        format="+".join(unique(formats)),
        sources=tuple(sources),
        overrides=tuple(overrides),
    )


def _expand(
    paths: Sequence[Path], skipped: list[Skipped], seen: set[Path] | None = None, nested: bool = False
) -> Iterator[tuple[Path, Adapter]]:
    """Each path with its adapter; a folder no adapter reads whole gives its files (and sub-folders), by name.

    Inside a folder, what cannot be read is listed as skipped; a path given by the user is an error.
    ``seen`` holds the folders already opened, so a link back to a parent folder is read once.
    """
    seen = set() if seen is None else seen
    for path in paths:
        try:
            yield path, detect_format(path)
        except UnknownFormatError:
            found: list[Path] = []
            if path.is_dir() and path.resolve() not in seen:
                seen.add(path.resolve())
                inside = sorted(p for p in path.iterdir() if not p.name.startswith("."))
                found = list(_readable(inside, skipped))
            if found:
                yield from _expand(found, skipped, seen, nested=True)
            elif nested:
                skipped.append(Skipped(str(path), "a folder with nothing credpath reads (or read already); not read"))
            else:
                raise


def _readable(paths: list[Path], skipped: list[Skipped]) -> Iterator[Path]:
    """The paths some adapter may read (every folder, to be looked into); the others are listed as skipped."""
    for path in paths:
        try:
            if path.is_dir() or detect_format(path):
                yield path
        except InputLimitError:
            raise
        except UnknownFormatError:
            skipped.append(Skipped(str(path), "in none of the formats credpath reads; not read"))
        except CatalogueError as exc:
            skipped.append(Skipped(str(path), f"{exc.what}; not read"))


def _refuse_too_many(catalogue: Catalogue, path: Path) -> None:
    """Any format: a source of more entries than ``max_entries`` (native files are refused before parsing)."""
    count = len(catalogue.skills) + len(catalogue.credentials) + len(catalogue.occupations)
    if count > current().max_entries:
        raise breach(f"this source has {count:,} entries", "max_entries", where=str(path))


def _refuse_duplicates(catalogue: Catalogue, path: Path) -> None:
    """Two entries of one kind with one id in a single source: an error naming both positions."""
    problems = []
    for section in ("skills", "credentials", "occupations"):
        entries = getattr(catalogue, section)
        counts = Counter(e.id for e in entries)
        for ident in (i for i, n in counts.items() if n > 1):
            places = [f"#{n + 1}" for n, e in enumerate(entries) if e.id == ident]
            problems.append(f"{section}: id {ident!r} names entries {', '.join(places)} of this file")
    if problems:
        raise CatalogueError(
            f"{len(problems)} id(s) name more than one entry",
            where=str(path),
            fix="give each entry its own id",
            problems=problems,
        )


def _overrides(catalogue: Catalogue, source: str, origin: dict[tuple[str, str], str]) -> list[Override]:
    """What entries of ``catalogue`` (read from ``source``) override from earlier sources; ``origin`` is updated."""
    out = []
    for kind, entries in (("skill", catalogue.skills), ("credential", catalogue.credentials),
                          ("occupation", catalogue.occupations)):  # fmt: skip
        for e in entries:
            earlier = origin.get((kind, e.id))
            if earlier is not None and earlier != source:
                out.append(Override(kind, e.id, earlier, source))
            origin[(kind, e.id)] = source
    return out
