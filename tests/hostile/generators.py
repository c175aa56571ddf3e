"""Hostile inputs too big, binary or odd to commit, written at test time; cases.yaml names them under ``generate``."""

from __future__ import annotations

import gzip
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "ingest" / "data" / "example_catalogue.yaml"
NATIVE_HEAD = "format: credpath-catalogue\nskills:\n  - {id: s, label: S}\n"


def alias_bomb(folder: Path, levels: int, width: int = 9) -> Path:
    """A YAML file whose ``requires`` nest aliases ``levels`` deep, ``width`` each: width**levels leaves."""
    lines = [NATIVE_HEAD + "credentials:", "  - {id: t, name: T, provider: P, hours: 1, teaches: [{skill: s}]}"]
    lines.append("  - {id: c0, name: C, provider: P, requires: &a0 {skill: s}}")
    for i in range(1, levels + 1):
        inner = ", ".join([f"*a{i - 1}"] * width)
        lines.append(f"  - {{id: c{i}, name: C, provider: P, requires: &a{i} {{all_of: [{inner}]}}}}")
    path = folder / f"alias_bomb_{levels}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def deep_requires(folder: Path, depth: int, suffix: str = "json") -> Path:
    """One credential whose requirement tree is ``depth`` all_of levels deep (JSON, or flow-style YAML)."""
    condition = '{"skill": "s"}'
    for _ in range(depth):
        condition = '{"all_of": [' + condition + "]}"
    path = folder / f"deep_{depth}.{suffix}"
    path.write_text(
        '{"format": "credpath-catalogue", "skills": [{"id": "s", "label": "S"}], "credentials": [{"id": "c", '
        f'"name": "C", "provider": "P", "requires": {condition}}}]}}',
        encoding="utf-8",
    )
    return path


def deep_csv(folder: Path, depth: int) -> Path:
    """A CSV catalogue whose one ``requires`` expression is ``depth`` parentheses deep."""
    path = folder / f"deep_{depth}.csv"
    path.write_text(f"id,name,provider,requires\nc,C,P,{'(' * depth}skill:s{')' * depth}\n", encoding="utf-8")
    return path


def gzip_bomb(folder: Path, mib: int, csv: bool = False) -> Path:
    """A gzip of about ``mib`` KiB that inflates to ``mib`` MiB: a native (or CSV) head, then blank or comment lines.

    Written as concatenated gzip members, each one MiB of spaces compressed once, so making it is fast.
    """
    head = b"id,name,provider,teaches\nc,C,P,S\n" if csv else NATIVE_HEAD.encode()
    member = gzip.compress(b"\n" * 2**20 if csv else b"#" + b" " * (2**20 - 2) + b"\n", 9)
    path = folder / ("bomb.csv.gz" if csv else "bomb.yaml.gz")
    with path.open("wb") as f:
        f.write(gzip.compress(head))
        for _ in range(mib):
            f.write(member)
    return path


def many_errors(folder: Path, count: int) -> Path:
    """A native file with ``count`` credentials, each missing its provider."""
    rows = [f"  - {{id: c{i}, name: C{i}}}" for i in range(count)]
    path = folder / "many_errors.yaml"
    path.write_text(NATIVE_HEAD + "credentials:\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def truncated_gzip(folder: Path) -> Path:
    """The example catalogue gzipped and cut off half way."""
    packed = gzip.compress(EXAMPLE.read_bytes())
    path = folder / "truncated.yaml.gz"
    path.write_bytes(packed[: len(packed) // 2])
    return path


def binary_junk(folder: Path, size: int = 4096) -> Path:
    """Random bytes (seeded, so every run sees the same junk)."""
    path = folder / "junk.bin"
    path.write_bytes(random.Random(7).randbytes(size))
    return path


def empty_file(folder: Path) -> Path:
    """A file of 0 bytes."""
    path = folder / "empty.yaml"
    path.write_bytes(b"")
    return path


def utf16(folder: Path) -> Path:
    """A valid native catalogue saved as UTF-16 (with its byte-order mark)."""
    path = folder / "utf16.yaml"
    path.write_bytes((NATIVE_HEAD + "credentials: []\n").encode("utf-16"))
    return path


def symlink_loop(folder: Path) -> Path:
    """Two symbolic links that point at each other."""
    (folder / "loop_a").symlink_to(folder / "loop_b")
    (folder / "loop_b").symlink_to(folder / "loop_a")
    return folder / "loop_a"


def dangling_symlink(folder: Path) -> Path:
    """A symbolic link to a file that does not exist."""
    path = folder / "dangling.yaml"
    path.symlink_to(folder / "gone.yaml")
    return path


def native_folder(folder: Path) -> Path:
    """A folder of two native catalogue files, a README that is in no format and a link back to the folder."""
    inside = folder / "catalogues"
    inside.mkdir()
    shutil.copy(EXAMPLE, inside / "a_example.yaml")
    (inside / "b_extra.yaml").write_text(
        NATIVE_HEAD + "credentials:\n  - {id: extra, name: Extra, provider: P, hours: 2, teaches: [{skill: s}]}\n",
        encoding="utf-8",
    )
    (inside / "README.txt").write_text("These are our catalogues.\n", encoding="utf-8")
    (inside / "again").symlink_to(inside)
    return inside


GENERATORS: dict[str, Callable[..., Path]] = {
    f.__name__: f
    for f in (
        alias_bomb, deep_requires, deep_csv, gzip_bomb, many_errors, truncated_gzip, binary_junk, empty_file, utf16,
        symlink_loop, dangling_symlink, native_folder,
    )
}  # fmt: skip


def generate(folder: Path, spec: dict[str, Any]) -> Path:
    """The file (or folder) a case's ``generate`` entry describes: a generator name and its arguments."""
    arguments = {k: v for k, v in spec.items() if k != "name"}
    return GENERATORS[spec["name"]](folder, **arguments)
