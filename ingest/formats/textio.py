"""Reading outside files: gzip detected once from the bytes, the head adapters sniff, whole text, delimited rows."""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, cast

from graph.errors import CatalogueError

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 65536
"""How much of a file (decompressed) format detection reads and the adapters' ``sniff`` sees."""


def is_gzip(path: Path) -> bool:
    """True when ``path`` starts with the gzip magic bytes (whatever its name)."""
    try:
        with path.open("rb") as f:
            return f.read(2) == GZIP_MAGIC
    except OSError as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the path") from exc


def open_binary(path: Path) -> IO[bytes]:
    """``path`` opened for reading bytes, gunzipped transparently."""
    try:
        return cast(IO[bytes], gzip.open(path, "rb")) if is_gzip(path) else path.open("rb")
    except OSError as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the path") from exc


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of a file's content, gunzipped when it is gzipped."""
    try:
        with open_binary(path) as f:
            return f.read(size)
    except (OSError, EOFError, zlib.error) as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the file") from exc


def decompressed_size(path: Path) -> int:
    """Size of the content of ``path`` in bytes (a gzip file's ISIZE field, modulo 4 GiB)."""
    size = path.stat().st_size
    if size >= 18 and is_gzip(path):
        with path.open("rb") as f:
            f.seek(-4, 2)
            return int.from_bytes(f.read(4), "little")
    return size


def read_text(path: Path) -> str:
    """The whole text of ``path``, gunzipped when its bytes are gzip (whatever its name)."""
    try:
        with open_binary(path) as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the path") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError(
            f"not UTF-8 text (byte {exc.start})", where=str(path), fix="save the file as UTF-8"
        ) from exc


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
