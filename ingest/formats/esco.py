"""The ESCO classification CSV release: skills with labels and hierarchy, occupations with their skills.

ESCO's skill-skill relations say which knowledge is essential or optional *for* a skill; they are not a
learning order. By default they are not read as prerequisites; ``EscoAdapter(skill_relations="essential")``
or ``"all"`` turns them into prerequisites (self-loops and cycles dropped and reported). On ESCO v1.1.1 the
191 essential relations form a DAG (longest chain 2); all 5,899 form a DAG apart from one self-loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import networkx as nx

from graph.errors import CatalogueError
from graph.model import Catalogue, Occupation, Skill
from ingest.formats.base import AdapterResult, Skipped
from ingest.formats.common import model_or_skip
from ingest.formats.jsonld import unique
from ingest.formats.textio import iter_records, read_head

SkillRelations = Literal["none", "essential", "all"]

FILES = {
    "skills": "skills_",
    "occupations": "occupations_",
    "relations": "occupationSkillRelations",
    "broader": "broaderRelationsSkillPillar",
    "skill_relations": "skillSkillRelations",
}
HEADERS = {
    "skills": b"conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels",
    "occupations": b"conceptType,conceptUri,iscoGroup,preferredLabel,altLabels",
    "relations": b"occupationUri,relationType",
    "broader": b"conceptType,conceptUri,broaderType",
    "skill_relations": b"originalSkillUri,originalSkillType",
}
COLUMNS = {
    "relations": ("occupationUri", "relationType", "skillUri"),
    "broader": ("conceptUri", "broaderUri"),
    "skill_relations": ("originalSkillUri", "relationType", "relatedSkillUri"),
}


def release_files(folder: Path) -> dict[str, Path]:
    """The ESCO files in ``folder`` by role (``skills``, ``occupations`` ...), plain or gzipped, English first."""
    found: dict[str, Path] = {}
    try:
        names = sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith((".csv", ".csv.gz")))
    except OSError as exc:
        raise CatalogueError(f"cannot list folder: {exc}", where=str(folder), fix="check the path") from exc
    for role, prefix in FILES.items():
        matches = [p for p in names if p.name.startswith(prefix)]
        if matches:
            found[role] = next((p for p in matches if "_en." in p.name), matches[0])
    return found


def file_role(head: bytes) -> str | None:
    """Which ESCO file a header row belongs to, if any."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return next((role for role, header in HEADERS.items() if first.startswith(header)), None)


def split_labels(cell: str, label: str) -> tuple[str, ...]:
    """ESCO's newline-separated alternative labels, without blanks, repeats or the preferred label."""
    return unique(x.strip() for x in cell.splitlines() if x.strip() and x.strip() != label)


@dataclass(frozen=True)
class _Concept:
    """One row of a skills or occupations file, before relations from other files are added."""

    id: str
    label: str
    alt_labels: tuple[str, ...]
    alt_ids: tuple[str, ...]
    description: str
    where: str


def read_concepts(path: Path, skipped: list[Skipped]) -> dict[str, _Concept]:
    """The concepts (skills or occupations) of an ESCO file by URI; rows without URI or label are skipped."""
    concepts: dict[str, _Concept] = {}
    for line, row in iter_records(path, ("conceptUri", "preferredLabel")):
        uri, label = row.get("conceptUri", "").strip(), row.get("preferredLabel", "").strip()
        if not uri or not label:
            skipped.append(Skipped(f"{path}:{line}", "row without conceptUri or preferredLabel"))
            continue
        code = (row.get("code") or "").strip()
        concepts[uri] = _Concept(
            id=uri,
            label=label,
            alt_labels=split_labels(row.get("altLabels", ""), label),
            alt_ids=(code,) if code else (),
            description=(row.get("description") or row.get("definition") or "").strip(),
            where=f"{path}:{line}",
        )
    return concepts


@dataclass
class _Tally:
    """Rows left out for one reason, reported once with a count and the first line."""

    count: int = 0
    first: str = ""
    examples: list[str] = field(default_factory=list)

    def add(self, where: str, example: str) -> None:
        self.count += 1
        self.first = self.first or where
        if example and len(self.examples) < 3 and example not in self.examples:
            self.examples.append(example)


class EscoAdapter:
    """An ESCO CSV release folder (or one skills/occupations file of it)."""

    name = "esco"
    description = "ESCO classification CSV release folder (skills_en, occupations_en, relations), plain or .gz"

    def __init__(self, skill_relations: SkillRelations = "none") -> None:
        self.skill_relations = skill_relations

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            files = release_files(path)
            return "skills" in files or "occupations" in files
        return file_role(head) is not None

    def read(self, path: Path) -> AdapterResult:
        if path.is_dir():
            files = release_files(path)
        else:
            role = file_role(read_head(path, 4096))
            if role not in ("skills", "occupations"):
                raise CatalogueError(
                    f"this ESCO {role or 'CSV'} file cannot be read on its own",
                    where=str(path),
                    fix="pass the ESCO release folder, or its skills_en / occupations_en file",
                )
            files = {role: path}
        reader = _Reader(self.skill_relations)
        catalogue = reader.read(files, path.name)
        return AdapterResult(
            catalogue=catalogue,
            skipped=tuple(reader.skipped),
            format=self.name,
            sources=tuple(str(p) for p in files.values()),
        )


class _Reader:
    def __init__(self, skill_relations: SkillRelations) -> None:
        self.skill_relations = skill_relations
        self.skipped: list[Skipped] = []
        self.tallies: dict[str, _Tally] = {}

    def tally(self, reason: str, where: str, example: str = "") -> None:
        self.tallies.setdefault(reason, _Tally()).add(where, example)

    def read(self, files: dict[str, Path], name: str) -> Catalogue:
        skills = read_concepts(files["skills"], self.skipped) if "skills" in files else {}
        broader: dict[str, list[str]] = {}
        prerequisites: dict[str, list[str]] = {}
        if "broader" in files:
            self.broader(files["broader"], skills, broader)
        if "skill_relations" in files:
            self.skill_skill(files["skill_relations"], skills, prerequisites)
        built: list[Skill] = []
        for sid, c in skills.items():
            skill = model_or_skip(
                Skill,
                c.where,
                self.skipped,
                id=sid,
                label=c.label,
                alt_labels=c.alt_labels,
                description=c.description,
                broader=unique(broader.get(sid, [])),
                prerequisites=unique(prerequisites.get(sid, [])),
            )
            if skill:
                built.append(skill)
        occupations = self.occupations(files, skills) if "occupations" in files else []
        for reason, t in self.tallies.items():
            shown = f" (e.g. {', '.join(t.examples)})" if t.examples else ""
            self.skipped.append(Skipped(t.first, f"{t.count} row(s) not used: {reason}{shown}"))
        return Catalogue(name=f"ESCO {name}", skills=tuple(built), occupations=tuple(occupations))

    def broader(self, path: Path, skills: dict[str, _Concept], out: dict[str, list[str]]) -> None:
        for line, row in iter_records(path, COLUMNS["broader"]):
            concept, parent = row.get("conceptUri", ""), row.get("broaderUri", "")
            if concept in skills and parent in skills:
                out.setdefault(concept, []).append(parent)
            elif concept in skills and parent:
                self.tally("hierarchy link to a skill group (groups are not loaded as skills)", f"{path}:{line}")
            elif row.get("conceptType") == "SkillGroup":
                self.tally("hierarchy between skill groups (groups are not loaded as skills)", f"{path}:{line}")
            else:
                self.tally("hierarchy row for a concept not in the skills file", f"{path}:{line}", concept)

    def skill_skill(self, path: Path, skills: dict[str, _Concept], out: dict[str, list[str]]) -> None:
        wanted: Callable[[str], bool] = {
            "none": lambda _: False,
            "essential": lambda kind: kind == "essential",
            "all": lambda kind: kind in ("essential", "optional"),
        }[self.skill_relations]
        graph: nx.DiGraph[str] = nx.DiGraph()
        where: dict[tuple[str, str], str] = {}
        for line, row in iter_records(path, COLUMNS["skill_relations"]):
            skill, needed, kind = (
                row.get("originalSkillUri", ""),
                row.get("relatedSkillUri", ""),
                row.get("relationType", ""),
            )
            if not wanted(kind):
                self.tally(
                    f"{kind or 'untyped'} skill-skill relations are not prerequisites "
                    f"(skill_relations={self.skill_relations!r}; see ingest/FORMATS.md)",
                    f"{path}:{line}",
                )
            elif skills and (skill not in skills or needed not in skills):
                self.tally("skill-skill relation naming a skill not in the skills file", f"{path}:{line}")
            elif skill == needed:
                self.skipped.append(Skipped(f"{path}:{line}", f"skill {skill} listed as its own prerequisite"))
            else:
                graph.add_edge(needed, skill)
                where.setdefault((needed, skill), f"{path}:{line}")
        for component in nx.strongly_connected_components(graph):
            if len(component) > 1:
                for u, v in list(graph.subgraph(component).edges):
                    graph.remove_edge(u, v)
                    self.skipped.append(Skipped(where[(u, v)], f"prerequisite {u} -> {v} lies on a cycle; dropped"))
        for needed, skill in graph.edges:
            out.setdefault(skill, []).append(needed)

    def occupations(self, files: dict[str, Path], skills: dict[str, _Concept]) -> list[Occupation]:
        occupations_by_id = read_concepts(files["occupations"], self.skipped)
        needs: dict[str, dict[str, list[str]]] = {oid: {"essential": [], "optional": []} for oid in occupations_by_id}
        if "relations" in files:
            rel = files["relations"]
            for line, row in iter_records(rel, COLUMNS["relations"]):
                oid, kind, sid = row.get("occupationUri", ""), row.get("relationType", ""), row.get("skillUri", "")
                if oid not in needs:
                    self.tally("relation naming an occupation not in the occupations file", f"{rel}:{line}", oid)
                elif kind not in ("essential", "optional"):
                    self.tally("relationType is neither essential nor optional", f"{rel}:{line}", kind)
                elif skills and sid not in skills:
                    self.tally("relation naming a skill not in the skills file", f"{rel}:{line}", sid)
                else:
                    needs[oid][kind].append(sid)
        occupations = []
        for oid, c in occupations_by_id.items():
            occupation = model_or_skip(
                Occupation,
                c.where,
                self.skipped,
                id=oid,
                label=c.label,
                alt_labels=c.alt_labels,
                alt_ids=c.alt_ids,
                description=c.description,
                essential_skills=unique(needs[oid]["essential"]),
                optional_skills=unique(needs[oid]["optional"]),
            )
            if occupation:
                occupations.append(occupation)
        return occupations
