"""Which adapter reads a path (detected from content), and reading many paths into one merged catalogue."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from graph.errors import CatalogueError, UnknownFormatError
from graph.model import Catalogue
from ingest.formats.base import Adapter, AdapterResult, Skipped
from ingest.formats.csvformat import CsvAdapter
from ingest.formats.ctdl import CtdlAdapter
from ingest.formats.esco import EscoAdapter, SkillRelations
from ingest.formats.jsonld import unique
from ingest.formats.native import NativeAdapter
from ingest.formats.onet import OnetAdapter
from ingest.formats.openbadges import OpenBadgesAdapter
from ingest.formats.textio import SNIFF_BYTES, read_head

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
    if not path.exists():
        raise CatalogueError("no such file or folder", where=str(path), fix="check the path")
    head = b"" if path.is_dir() else read_head(path, SNIFF_BYTES)
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
) -> AdapterResult:
    """Read every path with its adapter and merge the catalogues (skills with the same id merge).

    Later sources win on credentials and occupations with equal ids. ``progress`` is told about each
    path before and after it is read. ``esco_skill_relations`` says which ESCO skill-skill relations
    become prerequisites (see :class:`ingest.formats.esco.EscoAdapter`).

    Raises
    ------
    CatalogueError
        On the first path that cannot be read, naming it.
    """
    catalogue = Catalogue()
    skipped: list[Skipped] = []
    sources: list[str] = []
    formats: list[str] = []
    for path in paths:
        adapter = detect_format(path)
        if isinstance(adapter, EscoAdapter) and esco_skill_relations != "none":
            adapter = EscoAdapter(skill_relations=esco_skill_relations)
        if progress:
            progress(f"reading {path} ({adapter.name})")
        try:
            result = adapter.read(path)
        except OSError as exc:
            raise CatalogueError(f"cannot read: {exc}", where=str(path), fix="check the path") from exc
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
        catalogue=catalogue, skipped=tuple(skipped), format="+".join(unique(formats)), sources=tuple(sources)
    )
