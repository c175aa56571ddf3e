"""Rebuild the bundled default catalogue, the whole ESCO map and its search index from the curriculum and ESCO.

Run from the repository root::

    python ingest/data/build_default_catalogue.py --esco /work/shared/data/esco-v1.1.1

It reads ``ingest/data/curriculum/*.yaml`` (hand-authored credentials whose skills are ESCO UUIDs under
short local keys) and the ESCO v1.1.1 CSV release, and writes ``default_catalogue.json``,
``esco.json.xz`` (every ESCO skill and occupation, compact JSON) and ``esco_search.npz`` (their label
scorers and float16 vectors of the bundled static embedder) next to this script. The output is
deterministic: the same inputs give the same bytes. Only this script reads the ESCO release; the product
reads the three files it writes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import lzma
import re
import sys
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.model import Catalogue, Condition, Credential, Occupation, Skill, SkillCondition, iter_leaves
from ingest.search import CatalogueSearch, StaticEmbedder

HERE = Path(__file__).resolve().parent
SKILL_URI = "http://data.europa.eu/esco/skill/"
OCCUPATION_URI = "http://data.europa.eu/esco/occupation/"
ESCO_VERSION = "ESCO v1.1.1"
CATALOGUE_ALT_LABELS = 4
DESCRIPTION_CHARS = 300
ESCO_FILE = "esco.json.xz"
SEARCH_FILE = "esco_search.npz"
META_FIELDS = {"kind", "level", "delivery", "hours", "cost", "credits", "language", "currency"}

csv.field_size_limit(sys.maxsize)


class BuildError(Exception):
    """A curriculum source or the ESCO release does not match what the build expects."""


@dataclass
class Esco:
    """The parts of an ESCO release the build needs, keyed by concept URI."""

    skills: dict[str, dict[str, str]]
    occupations: dict[str, dict[str, str]]
    essential: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    optional: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    broader: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    broader_occupations: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of an ESCO CSV file, plain or gzipped."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    yield from csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))


def find(esco_dir: Path, stem: str) -> Path:
    for name in (f"{stem}.csv.gz", f"{stem}.csv"):
        if (esco_dir / name).exists():
            return esco_dir / name
    raise BuildError(f"{esco_dir}: no {stem}.csv or {stem}.csv.gz; pass the folder of an ESCO CSV release")


def load_esco(esco_dir: Path) -> Esco:
    """Skills, occupations, occupation-skill relations, and broader links (skill to skill, occupation to occupation)."""
    esco = Esco(
        skills={r["conceptUri"]: r for r in read_csv(find(esco_dir, "skills_en"))},
        occupations={r["conceptUri"]: r for r in read_csv(find(esco_dir, "occupations_en"))},
    )
    for r in read_csv(find(esco_dir, "occupationSkillRelations")):
        target = esco.essential if r["relationType"] == "essential" else esco.optional
        target[r["occupationUri"]].append(r["skillUri"])
    for r in read_csv(find(esco_dir, "broaderRelationsSkillPillar")):
        if r["conceptType"] == "KnowledgeSkillCompetence" and r["broaderUri"] in esco.skills:
            esco.broader[r["conceptUri"]].append(r["broaderUri"])
    for r in read_csv(find(esco_dir, "broaderRelationsOccPillar")):
        if r["conceptUri"] in esco.occupations and r["broaderUri"] in esco.occupations:
            esco.broader_occupations[r["conceptUri"]].append(r["broaderUri"])
    return esco


def split_labels(text: str) -> list[str]:
    return [x.strip() for x in text.splitlines() if x.strip()]


def one_line(text: str) -> str:
    return " ".join(text.split())


def pick_alt_labels(label: str, alt_labels: list[str], n: int) -> tuple[str, ...]:
    """The ``n`` alternative labels most useful for search: sharing words with the label first, then short."""
    words = set(re.findall(r"\w+", label.lower()))

    def rank(alt: str) -> tuple[int, int, str]:
        return (-len(words & set(re.findall(r"\w+", alt.lower()))), len(alt), alt)

    chosen: dict[str, str] = {}
    for alt in sorted(alt_labels, key=rank):
        if alt.lower() != label.lower() and len(alt) > 2:
            chosen.setdefault(alt.lower(), alt)
    return tuple(chosen.values())[:n]


@dataclass
class Curriculum:
    """Every curriculum file merged: skill keys, credentials (still keyed) and occupations by area."""

    skill_uri: dict[str, str] = field(default_factory=dict)
    skill_after: dict[str, list[str]] = field(default_factory=dict)
    credentials: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    occupations: dict[str, str] = field(default_factory=dict)


def load_curriculum(folder: Path) -> Curriculum:
    cur = Curriculum()
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise BuildError(f"{folder}: no curriculum *.yaml files")
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise BuildError(f"{path}: invalid YAML: {exc}") from exc
        area = required(doc, "area", str(path))
        for key, spec in (doc.get("skills") or {}).items():
            if key in cur.skill_uri:
                raise BuildError(f"{path}: skill key {key!r} is already defined in another curriculum file")
            cur.skill_uri[key] = SKILL_URI + required(spec, "esco", f"{path}: skill {key}")
            cur.skill_after[key] = list(spec.get("after", []))
        for uuid in doc.get("occupations") or []:
            cur.occupations.setdefault(OCCUPATION_URI + uuid, area)
        cur.credentials.extend((area, c) for c in doc.get("credentials") or [])
    uris = list(cur.skill_uri.values())
    if len(set(uris)) != len(uris):
        dupes = sorted({u for u in uris if uris.count(u) > 1})
        raise BuildError(f"ESCO skills mapped to more than one key: {dupes}")
    return cur


def required(mapping: Mapping[str, Any], name: str, where: str) -> Any:
    """``mapping[name]``, or a BuildError that says where the field is missing."""
    if not isinstance(mapping, Mapping) or name not in mapping:
        raise BuildError(f"{where}: missing field {name!r}")
    return mapping[name]


def resolve_condition(node: Any, keys: Mapping[str, str], where: str) -> Any:
    """A curriculum condition tree with skill keys replaced by ESCO URIs."""
    if not isinstance(node, dict):
        raise BuildError(f"{where}: a condition must be a mapping, got {node!r}")
    if "skill" in node:
        return {"skill": skill_ref(node["skill"], keys, where)}
    if "credential" in node:
        return dict(node)
    out = dict(node)
    for branch in ("all_of", "any_of", "of"):
        if branch in node:
            out[branch] = [resolve_condition(child, keys, where) for child in node[branch]]
    return out


def skill_ref(key: str, keys: Mapping[str, str], where: str) -> str:
    try:
        return keys[key]
    except KeyError:
        raise BuildError(f"{where}: unknown skill key {key!r}; define it under 'skills' in a curriculum file") from None


def build_credential(area: str, spec: dict[str, Any], keys: Mapping[str, str]) -> Credential:
    where = f"credential {spec.get('id', '?')}"
    meta = dict(spec.get("meta") or {})
    unknown = set(meta) - META_FIELDS
    if unknown:
        raise BuildError(f"{where}: unknown meta fields {sorted(unknown)}")
    data: dict[str, Any] = {
        "id": required(spec, "id", where),
        "name": required(spec, "name", where),
        "provider": required(spec, "provider", where),
        "description": one_line(required(spec, "description", where)),
        "teaches": [{"skill": skill_ref(k, keys, where)} for k in required(spec, "teaches", where)],
        "areas": list(dict.fromkeys([area, *spec.get("areas", [])])),
        "stacks_into": spec.get("stacks_into", []),
        **meta,
    }
    for rule in ("requires", "awarded_for"):
        if rule in spec:
            data[rule] = resolve_condition(spec[rule], keys, where)
    return Credential.model_validate(data)


def build(cur: Curriculum, esco: Esco) -> tuple[Catalogue, Catalogue]:
    """The default catalogue (credentials and their skills) and the whole ESCO map (skills and occupations)."""
    for key, uri in cur.skill_uri.items():
        if uri not in esco.skills:
            raise BuildError(f"skill key {key!r}: {uri} is not in {ESCO_VERSION}")
    for uri in cur.occupations:
        if uri not in esco.occupations:
            raise BuildError(f"occupation {uri} is not in {ESCO_VERSION}")
    credentials = tuple(build_credential(area, spec, cur.skill_uri) for area, spec in cur.credentials)
    used = {t.skill for c in credentials for t in c.teaches}
    used |= {uri for c in credentials if c.requires for uri in _skill_leaves(c.requires)}
    uri_key = {uri: key for key, uri in cur.skill_uri.items()}
    pending = sorted(used)
    while pending:  # prerequisites of used skills are used too
        uri = pending.pop()
        for dep in cur.skill_after[uri_key[uri]]:
            dep_uri = skill_ref(dep, cur.skill_uri, f"skill {uri_key[uri]}")
            if dep_uri not in used:
                used.add(dep_uri)
                pending.append(dep_uri)
    catalogue_skills = tuple(
        Skill(
            id=uri,
            label=esco.skills[uri]["preferredLabel"],
            alt_labels=pick_alt_labels(
                esco.skills[uri]["preferredLabel"], split_labels(esco.skills[uri]["altLabels"]), CATALOGUE_ALT_LABELS
            ),
            prerequisites=tuple(cur.skill_uri[d] for d in cur.skill_after[key]),
        )
        for key, uri in cur.skill_uri.items()
        if uri in used
    )
    catalogue = Catalogue(
        name="credpath default catalogue",
        description=(
            "Fictional micro-credentials from fictional providers, authored by the credpath developers and "
            f"aligned to {ESCO_VERSION} skills. This service uses the ESCO classification of the European Commission."
        ),
        skills=catalogue_skills,
        credentials=credentials,
    )
    return catalogue, full_esco(esco)


def _skill_leaves(condition: Condition) -> Iterator[str]:
    for leaf in iter_leaves(condition):
        if isinstance(leaf, SkillCondition):
            yield leaf.skill


def short(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters (an ellipsis marks a cut)."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _concept(uri: str, row: Mapping[str, str]) -> dict[str, Any]:
    """The fields every ESCO concept carries: id, labels and the description, shortened."""
    label = row["preferredLabel"]
    alt_labels = tuple(dict.fromkeys(a for a in split_labels(row["altLabels"]) if a != label))
    return {"id": uri, "label": label, "alt_labels": alt_labels, "description": short(row["description"])}


def full_esco(esco: Esco) -> Catalogue:
    """Every ESCO skill and occupation: labels, shortened descriptions, skill links and ISCO groups."""
    skills = tuple(
        Skill(**_concept(uri, esco.skills[uri]), broader=tuple(sorted(set(esco.broader.get(uri, [])))))
        for uri in sorted(esco.skills)
    )
    occupations = tuple(
        Occupation(
            **_concept(uri, row),
            essential_skills=tuple(dict.fromkeys(s for s in esco.essential.get(uri, []) if s in esco.skills)),
            optional_skills=tuple(dict.fromkeys(s for s in esco.optional.get(uri, []) if s in esco.skills)),
            isco_group=row["iscoGroup"] or None,
        )
        for uri, row in sorted(esco.occupations.items())
    )
    return Catalogue(
        name=ESCO_VERSION,
        description=(
            f"Every skill and occupation of {ESCO_VERSION} (English); adapted: descriptions shortened to "
            f"{DESCRIPTION_CHARS} characters, hidden labels kept in the search index only. "
            "This service uses the ESCO classification of the European Commission."
        ),
        skills=skills,
        occupations=occupations,
    )


def hidden_labels(esco: Esco) -> dict[str, tuple[str, ...]]:
    """ESCO's hidden labels (search terms and misspellings not shown to people) of every concept."""
    rows = {**esco.skills, **esco.occupations}
    return {uri: tuple(split_labels(row.get("hiddenLabels", ""))) for uri, row in rows.items()}


def to_json(catalogue: Catalogue, *, compact: bool = False) -> str:
    """Deterministic JSON for a catalogue: explicit values, empty lists and nulls left out."""
    data = catalogue.model_dump(mode="json", exclude_none=True)

    def prune(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: prune(v) for k, v in node.items() if v != [] and v != ""}
        if isinstance(node, list):
            return [prune(v) for v in node]
        return node

    if compact:
        return json.dumps(prune(data), separators=(",", ":"), ensure_ascii=False) + "\n"
    return json.dumps(prune(data), indent=1, ensure_ascii=False) + "\n"


def coverage_report(catalogue: Catalogue, esco: Catalogue, areas: Mapping[str, str]) -> list[str]:
    """One line per curriculum occupation: how many of its ESCO essential skills the catalogue teaches."""
    taught = {t.skill for c in catalogue.credentials for t in c.teaches}
    labels = {s.id: s.label for s in esco.skills}
    lines = ["| area | occupation | essential skills taught | not taught (gaps) |", "|---|---|---:|---|"]
    for occ in (o for o in esco.occupations if o.id in areas):
        essential = occ.essential_skills
        hit = [s for s in essential if s in taught]
        gaps = ", ".join(labels[s] for s in essential if s not in taught)
        share = f"{len(hit)}/{len(essential)} ({len(hit) / len(essential):.0%})"
        lines.append(f"| {areas[occ.id]} | {occ.label} | {share} | {gaps} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--esco", type=Path, required=True, help="folder of the ESCO v1.1.1 CSV release")
    parser.add_argument("--curriculum", type=Path, default=HERE / "curriculum", help="curriculum *.yaml folder")
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the two output files")
    parser.add_argument("--report", action="store_true", help="print the occupation coverage table")
    args = parser.parse_args(argv)
    try:
        curriculum = load_curriculum(args.curriculum)
        esco = load_esco(args.esco)
        catalogue, full = build(curriculum, esco)
    except (BuildError, ValueError) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    (args.out / "default_catalogue.json").write_text(to_json(catalogue), encoding="utf-8")
    (args.out / ESCO_FILE).write_bytes(lzma.compress(to_json(full, compact=True).encode("utf-8"), preset=9))
    embedder = StaticEmbedder()
    broader = {uri: tuple(sorted(set(up))) for uri, up in esco.broader_occupations.items()}
    search = CatalogueSearch.build(full, embedder.embed, embedder.name, hidden_labels(esco), broader)
    search.save(args.out / SEARCH_FILE)
    providers = {c.provider for c in catalogue.credentials}
    areas = {a for c in catalogue.credentials for a in c.areas}
    print(
        f"{len(catalogue.credentials)} credentials, {len(providers)} providers, {len(areas)} areas, "
        f"{len(catalogue.skills)} catalogue skills; ESCO: {len(full.skills)} skills, "
        f"{len(full.occupations)} occupations"
    )
    if args.report:
        print("\n".join(coverage_report(catalogue, full, curriculum.occupations)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
