"""What every format adapter returns: a catalogue plus the entries it skipped and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from graph.model import Catalogue


@dataclass(frozen=True)
class Skipped:
    """An entry an adapter did not load, with where it is and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class Override:
    """An entry a later source replaced (credentials, occupations) or merged into (skills) on loading."""

    kind: str
    id: str
    earlier: str
    later: str

    def __str__(self) -> str:
        done = "merged with the one from" if self.kind == "skill" else "replaces the one from"
        return f"{self.kind} {self.id!r} from {self.later} {done} {self.earlier} (later sources win)"


@dataclass(frozen=True)
class AdapterResult:
    """A parsed source: the catalogue it describes and what was skipped on the way."""

    catalogue: Catalogue
    skipped: tuple[Skipped, ...] = field(default=())
    format: str = ""
    sources: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()


class Adapter(Protocol):
    """One outside format. ``sniff`` looks at the start of a file; ``read`` parses the whole of it."""

    name: str
    description: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when ``head`` (the first bytes, decompressed) looks like this format."""

    def read(self, path: Path) -> AdapterResult:
        """Parse ``path``; raise CatalogueError with file, line or JSON pointer, field and fix."""
