"""The O*NET database (tab-separated text release): occupations and the skills, knowledge and technology they need.

Importance thresholds (Scale ID ``IM``, 1 to 5): an element rated at least ESSENTIAL_IMPORTANCE is an
essential skill of the occupation, one rated at least OPTIONAL_IMPORTANCE an optional one; lower ratings
and ratings O*NET recommends suppressing are left out (and counted in ``skipped``). Technology Skills
examples flagged ``Hot Technology = Y`` are optional skills.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import CatalogueError
from graph.model import Catalogue, Occupation, Skill
from ingest.formats.base import AdapterResult, Skipped
from ingest.formats.common import label_skill_id, model_or_skip
from ingest.formats.jsonld import number, unique
from ingest.formats.textio import iter_records, read_head

ESSENTIAL_IMPORTANCE = 3.0
OPTIONAL_IMPORTANCE = 2.0
ID_PREFIX = "onet:"

FILES = {
    "occupations": "Occupation Data",
    "skills": "Skills",
    "knowledge": "Knowledge",
    "technology": "Technology Skills",
    "titles": "Alternate Titles",
    "reference": "Content Model Reference",
}
CODE = "O*NET-SOC Code"
OCCUPATION_HEADER = b"O*NET-SOC Code\tTitle\tDescription"


def release_files(folder: Path) -> dict[str, Path]:
    """The O*NET files in ``folder`` by role, ``.txt`` or ``.txt.gz``."""
    found: dict[str, Path] = {}
    for role, stem in FILES.items():
        for name in (f"{stem}.txt", f"{stem}.txt.gz"):
            if (folder / name).is_file():
                found[role] = folder / name
                break
    return found


def element_id(element: str) -> str:
    """Skill id of a content-model element, e.g. ``onet:element/2.A.1.a``."""
    return f"{ID_PREFIX}element/{element}"


def technology_id(example: str) -> str:
    """Skill id of a technology example, e.g. ``onet:technology/apache-airflow``."""
    return f"{ID_PREFIX}technology/{label_skill_id(example).removeprefix('skill:')}"


@dataclass
class _Needs:
    essential: list[tuple[float, str]] = field(default_factory=list)
    optional: list[tuple[float, str]] = field(default_factory=list)


class OnetAdapter:
    """An O*NET text-release folder (Occupation Data, Skills, Knowledge, Technology Skills, Alternate Titles)."""

    name = "onet"
    description = "O*NET database folder, tab-separated text (Occupation Data, Skills, Knowledge, Technology Skills)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return "occupations" in release_files(path)
        return head.lstrip(b"\xef\xbb\xbf").startswith(b"O*NET-SOC Code\t")

    def read(self, path: Path) -> AdapterResult:
        if path.is_dir():
            files = release_files(path)
            if "occupations" not in files:
                raise CatalogueError(
                    "no 'Occupation Data.txt' in this folder", where=str(path), fix="pass the O*NET release folder"
                )
        else:
            first_line = read_head(path, 4096).lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
            if first_line != OCCUPATION_HEADER:
                raise CatalogueError(
                    "this O*NET file cannot be read on its own",
                    where=str(path),
                    fix="pass the O*NET release folder, or its 'Occupation Data.txt'",
                )
            files = {"occupations": path}
        reader = _Reader()
        catalogue = reader.read(files, path.name)
        return AdapterResult(
            catalogue=catalogue,
            skipped=tuple(reader.skipped),
            format=self.name,
            sources=tuple(map(str, files.values())),
        )


class _Reader:
    def __init__(self) -> None:
        self.skipped: list[Skipped] = []
        self.tallies: dict[tuple[str, str], tuple[int, str]] = {}
        self.skills: dict[str, Skill] = {}

    def tally(self, reason: str, where: str) -> None:
        key = (reason, where.rsplit(":", 1)[0])
        count, first = self.tallies.get(key, (0, where))
        self.tallies[key] = (count + 1, first)

    def read(self, files: dict[str, Path], name: str) -> Catalogue:
        descriptions = self.reference(files["reference"]) if "reference" in files else {}
        occupations: dict[str, tuple[str, str, str]] = {}
        for line, row in iter_records(files["occupations"], (CODE, "Title"), "\t", csv.QUOTE_NONE):
            code, title = row.get(CODE, "").strip(), row.get("Title", "").strip()
            if not code or not title:
                self.skipped.append(Skipped(f"{files['occupations']}:{line}", "occupation without code or title"))
                continue
            occupations[code] = (title, row.get("Description", "").strip(), f"{files['occupations']}:{line}")
        titles: dict[str, list[str]] = {}
        if "titles" in files:
            for line, row in iter_records(files["titles"], (CODE, "Alternate Title"), "\t", csv.QUOTE_NONE):
                code = row.get(CODE, "")
                if code in occupations:
                    titles.setdefault(code, []).extend(
                        row.get(k, "").strip() for k in ("Alternate Title", "Short Title")
                    )
                else:
                    self.tally("alternate title of an occupation not in Occupation Data", f"{files['titles']}:{line}")
        needs = {code: _Needs() for code in occupations}
        for role in ("skills", "knowledge"):
            if role in files:
                self.ratings(files[role], needs, descriptions)
        if "technology" in files:
            self.technology(files["technology"], needs)
        result = []
        for code, (title, description, where) in occupations.items():
            occupation = model_or_skip(
                Occupation,
                where,
                self.skipped,
                id=f"{ID_PREFIX}{code}",
                label=title,
                alt_labels=unique(t for t in titles.get(code, []) if t and t != title),
                alt_ids=(code,),
                description=description,
                essential_skills=unique(s for _, s in sorted(needs[code].essential, key=lambda x: -x[0])),
                optional_skills=unique(s for _, s in sorted(needs[code].optional, key=lambda x: -x[0])),
            )
            if occupation:
                result.append(occupation)
        for (reason, _), (count, first) in self.tallies.items():
            self.skipped.append(Skipped(first, f"{count} row(s) not used: {reason}"))
        return Catalogue(name=f"O*NET {name}", skills=tuple(self.skills.values()), occupations=tuple(result))

    def reference(self, path: Path) -> dict[str, str]:
        return {
            row.get("Element ID", ""): row.get("Description", "").strip()
            for _, row in iter_records(path, ("Element ID", "Description"), "\t", csv.QUOTE_NONE)
        }

    def ratings(self, path: Path, needs: dict[str, _Needs], descriptions: dict[str, str]) -> None:
        columns = (CODE, "Element ID", "Element Name", "Scale ID", "Data Value")
        for line, row in iter_records(path, columns, "\t", csv.QUOTE_NONE):
            if row.get("Scale ID") != "IM":
                continue  # level (LV) ratings: importance alone decides, as documented
            where = f"{path}:{line}"
            code, element, label = (
                row.get(CODE, ""),
                row.get("Element ID", "").strip(),
                row.get("Element Name", "").strip(),
            )
            value = number(row.get("Data Value"))
            if code not in needs:
                self.tally("rating of an occupation not in Occupation Data", where)
            elif not element or not label or value is None:
                self.tally("rating without Element ID, Element Name or numeric Data Value", where)
            elif row.get("Recommend Suppress") == "Y":
                self.tally("importance rating O*NET recommends suppressing", where)
            elif value < OPTIONAL_IMPORTANCE:
                self.tally(f"importance below {OPTIONAL_IMPORTANCE} (not needed by the occupation)", where)
            elif self.add_skill(where, element_id(element), label, descriptions.get(element, "")):
                bucket = needs[code].essential if value >= ESSENTIAL_IMPORTANCE else needs[code].optional
                bucket.append((value, element_id(element)))

    def technology(self, path: Path, needs: dict[str, _Needs]) -> None:
        for line, row in iter_records(path, (CODE, "Example", "Hot Technology"), "\t", csv.QUOTE_NONE):
            where = f"{path}:{line}"
            code, example = row.get(CODE, ""), row.get("Example", "").strip()
            if row.get("Hot Technology") != "Y":
                self.tally("technology not flagged Hot Technology", where)
            elif code not in needs or not example:
                self.tally("technology row without a known occupation or an example", where)
            else:
                commodity = row.get("Commodity Code", "").strip()
                description = f"{row.get('Commodity Title', '').strip()} (UNSPSC {commodity})" if commodity else ""
                sid = technology_id(example)
                if self.add_skill(where, sid, example, description):
                    needs[code].optional.append((0.0, sid))

    def add_skill(self, where: str, sid: str, label: str, description: str) -> bool:
        """Record a skill once (a technology in several commodity classes gets each in its description).

        No ``broader`` is set: the parent elements (``2.A.1`` Content ...) and commodity classes are
        categories, not skills anyone can learn, and a hierarchy link to an undefined skill is a warning.
        """
        old = self.skills.get(sid)
        if old is not None:
            if description and description not in old.description:
                self.skills[sid] = old.model_copy(update={"description": f"{old.description}; {description}"})
            return True
        skill = model_or_skip(Skill, where, self.skipped, id=sid, label=label, description=description)
        if skill is None:
            return False
        self.skills[sid] = skill
        return True
