"""Reading outside files: gzip or xz detected from the bytes, the head adapters sniff, whole text, delimited rows."""

from __future__ import annotations

import csv
import gzip
import io
import lzma
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, cast

from graph.errors import CatalogueError
from ingest.formats.limits import breach, limit_bytes

GZIP_MAGIC = b"\x1f\x8b"
XZ_MAGIC = b"\xfd7zXZ\x00"
MIB = 1024 * 1024
SNIFF_BYTES = 65536
"""How much of a file (decompressed) format detection reads and the adapters' ``sniff`` sees."""


def is_gzip(path: Path) -> bool:
    """True when ``path`` starts with the gzip magic bytes (whatever its name)."""
    try:
        with path.open("rb") as f:
            return f.read(2) == GZIP_MAGIC
    except OSError as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the path") from exc


class _Bounded(io.RawIOBase):
    """A byte stream that raises InputLimitError once more than ``limit`` bytes have come out of it.

    The count is of content (after gunzip), taken while reading, so an inflating bomb stops at the limit.
    """

    def __init__(self, inner: IO[bytes], path: Path, limit: str) -> None:
        self._inner = inner
        self._path = path
        self._limit = limit
        self._most = limit_bytes(limit)
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._inner.readinto(buffer)  # type: ignore[attr-defined]
        self.total += n
        if self.total > self._most:
            raise breach(
                f"the content of this file is larger than {self._most // MIB} MiB (read so far: "
                f"{self.total // MIB} MiB{' after gunzip' if isinstance(self._inner, gzip.GzipFile) else ''})",
                self._limit,
                where=str(self._path),
            )
        return int(n)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _check_size(path: Path) -> None:
    """Refuse a file whose size on disk is past ``max_file_mb`` before reading a byte of it."""
    size = path.stat().st_size
    if size > limit_bytes("max_file_mb"):
        raise breach(f"this file is {size / MIB:.0f} MiB on disk", "max_file_mb", where=str(path))


def open_binary(path: Path, limit: str = "max_decompressed_mb") -> IO[bytes]:
    """``path`` opened for reading bytes, gunzipped transparently, bounded by the size limit ``limit``."""
    try:
        _check_size(path)
        return io.BufferedReader(_Bounded(_raw(path), path, limit), buffer_size=1 << 16)
    except OSError as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the path") from exc


def is_xz(path: Path) -> bool:
    """True when ``path`` starts with the xz magic bytes (the bundled ESCO map is xz)."""
    try:
        with path.open("rb") as f:
            return f.read(6) == XZ_MAGIC
    except OSError as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the path") from exc


def _raw(path: Path) -> IO[bytes]:
    """``path`` opened for reading bytes, gunzipped or un-xz'd by its magic bytes; the caller closes it."""
    if is_gzip(path):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return cast(IO[bytes], lzma.open(path, "rb")) if is_xz(path) else path.open("rb")


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of a file's content, gunzipped when it is gzipped."""
    try:
        with open_binary(path) as f:
            return f.read(size)
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
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
        with open_binary(path, "max_document_mb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        raise CatalogueError(f"cannot read file: {exc}", where=str(path), fix="check the file") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError(
            f"not UTF-8 text (byte {exc.start})", where=str(path), fix="save the file as UTF-8"
        ) from exc


def open_text(path: Path) -> IO[str]:
    """``path`` opened as UTF-8 text for the csv module, gunzipped transparently."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", newline="")


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
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
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
