"""The bundled catalogues: sizes, referential integrity, acyclicity, attainability and licensing files."""

from __future__ import annotations

import json
import lzma
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import networkx as nx
import pytest
import yaml

import ingest.data
from graph.errors import CatalogueError
from graph.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Catalogue,
    Condition,
    CredentialCondition,
    CredentialKind,
    SkillCondition,
    condition_children,
    iter_leaves,
    requirement_parts,
)
from ingest.data import default_catalogue_paths, default_search_path, example_catalogue_path, load_default
from ingest.formats import NativeAdapter

ESCO_SKILL = "http://data.europa.eu/esco/skill/"
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"
DATA_DIR = example_catalogue_path().parent
SHARED_ESCO = Path("/work/shared/data/esco-v1.1.1")
REQUIRED_AREAS = {
    "data",
    "software",
    "cloud",
    "cybersecurity",
    "design",
    "project-management",
    "marketing",
    "healthcare-it",
}


@cache
def curriculum_occupations() -> frozenset[str]:
    """The occupations the bundled credentials were written for (listed in the curriculum files)."""
    return frozenset(
        ESCO_OCCUPATION + uuid
        for path in (DATA_DIR / "curriculum").glob("*.yaml")
        for uuid in yaml.safe_load(path.read_text(encoding="utf-8")).get("occupations") or []
    )


@pytest.fixture(scope="module")
def example() -> Catalogue:
    return NativeAdapter().read(example_catalogue_path()).catalogue


@pytest.fixture(scope="module")
def default() -> Catalogue:
    return load_default()


@pytest.fixture(scope="module", params=["example", "default"])
def bundled(request: pytest.FixtureRequest) -> Catalogue:
    fixture: Catalogue = request.getfixturevalue(request.param)
    return fixture


# -- walking the model -----------------------------------------------------------------------------


def holds(condition: Condition, skills: set[str], credentials: set[str]) -> bool:
    """Whether ``condition`` is met by the held skills and credentials."""
    if isinstance(condition, SkillCondition):
        return condition.skill in skills
    if isinstance(condition, CredentialCondition):
        return condition.credential in credentials
    parts = requirement_parts(condition)
    assert parts is not None
    return sum(holds(child, skills, credentials) for child in parts.children) >= parts.needed


def implicit_requirements(catalogue: Catalogue) -> dict[str, set[str]]:
    """Per credential: prerequisites of the skills it teaches, minus the skills it teaches itself."""
    prereqs = {s.id: set(s.prerequisites) for s in catalogue.skills}
    out = {}
    for cred in catalogue.credentials:
        taught = set(cred.taught_skill_ids)
        out[cred.id] = {p for t in taught for p in prereqs.get(t, ())} - taught
    return out


def forward_chain(catalogue: Catalogue) -> tuple[set[str], set[str]]:
    """Credentials attainable from nothing, and the skills they teach, by repeated forward chaining."""
    implicit = implicit_requirements(catalogue)
    skills: set[str] = set()
    earned: set[str] = set()
    changed = True
    while changed:
        changed = False
        for cred in catalogue.credentials:
            if cred.id in earned or not implicit[cred.id] <= skills:
                continue
            rules = [r for r in (cred.requires, cred.awarded_for) if r is not None]
            if all(holds(r, skills, earned) for r in rules):
                earned.add(cred.id)
                skills |= set(cred.taught_skill_ids)
                changed = True
    return earned, skills


def condition_kinds(condition: Condition) -> set[type]:
    kinds: set[type] = set()
    stack = [condition]
    while stack:
        node = stack.pop()
        kinds.add(type(node))
        stack.extend(condition_children(node))
    return kinds


# -- every bundled catalogue -----------------------------------------------------------------------


def test_ids_are_unique(bundled: Catalogue) -> None:
    for entries in (bundled.skills, bundled.credentials, bundled.occupations):
        counts = Counter(e.id for e in entries)
        assert [i for i, n in counts.items() if n > 1] == []


def test_every_reference_resolves(bundled: Catalogue) -> None:
    skills = {s.id for s in bundled.skills}
    credentials = {c.id for c in bundled.credentials}
    dangling = []
    for skill in bundled.skills:
        dangling += [(skill.id, p) for p in (*skill.prerequisites, *skill.broader) if p not in skills]
    for cred in bundled.credentials:
        dangling += [(cred.id, t) for t in cred.taught_skill_ids if t not in skills]
        dangling += [(cred.id, s) for s in cred.stacks_into if s not in credentials]
        for leaf in iter_leaves(cred.requires) if cred.requires else ():
            ref, known = (leaf.skill, skills) if isinstance(leaf, SkillCondition) else (leaf.credential, credentials)
            if ref not in known:
                dangling.append((cred.id, ref))
    for occ in bundled.occupations:
        dangling += [(occ.id, s) for s in (*occ.essential_skills, *occ.optional_skills) if s not in skills]
    assert dangling == []


def test_skill_prerequisites_are_acyclic(bundled: Catalogue) -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(s.id for s in bundled.skills)
    graph.add_edges_from((p, s.id) for s in bundled.skills for p in s.prerequisites)
    assert nx.is_directed_acyclic_graph(graph), nx.find_cycle(graph)


def test_every_credential_is_attainable_from_nothing(bundled: Catalogue) -> None:
    earned, _ = forward_chain(bundled)
    assert sorted({c.id for c in bundled.credentials} - earned) == []


def test_credentials_teach_esco_skills_with_hours_and_cost(bundled: Catalogue) -> None:
    for cred in bundled.credentials:
        if cred.earned_by_parts:  # a stack earned by its parts alone: its parts teach, take the hours and cost
            assert not cred.teaches and cred.hours is None and cred.cost == 0, cred.id
            continue
        assert cred.teaches, cred.id
        assert all(t.startswith(ESCO_SKILL) for t in cred.taught_skill_ids), cred.id
        assert cred.hours is not None and cred.hours > 0, cred.id
        assert cred.cost >= 0 and cred.currency == "USD", cred.id
        assert cred.level is not None and cred.delivery is not None and cred.areas, cred.id
        assert cred.description and cred.language, cred.id


def test_skills_and_occupations_are_esco_concepts(bundled: Catalogue) -> None:
    assert all(s.id.startswith(ESCO_SKILL) and s.label for s in bundled.skills)
    assert all(o.id.startswith(ESCO_OCCUPATION) for o in bundled.occupations)
    written_for = curriculum_occupations()
    assert all(o.essential_skills for o in bundled.occupations if o.id in written_for or not bundled.credentials)


def test_a_stacked_credential_is_larger(bundled: Catalogue) -> None:
    kinds = {c.id: c.kind for c in bundled.credentials}
    targets = {t for c in bundled.credentials for t in c.stacks_into}
    assert targets
    assert {c.id for c in bundled.credentials if c.awarded_for is not None} <= targets
    small = {CredentialKind.badge, CredentialKind.microcredential, CredentialKind.course}
    assert all(kinds[t] not in small for t in targets)


# -- the example catalogue -------------------------------------------------------------------------


def test_example_size(example: Catalogue) -> None:
    assert 25 <= len(example.credentials) <= 40
    assert 4 <= len({c.provider for c in example.credentials}) <= 6
    assert 2 <= len(example.occupations) <= 4


def test_example_uses_every_requirement_form(example: Catalogue) -> None:
    kinds: set[type] = set()
    for cred in example.credentials:
        if cred.requires is not None:
            kinds |= condition_kinds(cred.requires)
    assert kinds >= {AllOf, AnyOf, AtLeast, SkillCondition, CredentialCondition}
    assert any(implicit_requirements(example).values()), "no implicit prerequisite through Skill.prerequisites"
    assert any(c.stacks_into for c in example.credentials)
    assert any(c.kind is CredentialKind.program for c in example.credentials)


def test_example_has_real_prerequisite_chains(example: Catalogue) -> None:
    """Credential A depends on B when B is named, or teaches a skill A requires explicitly or implicitly."""
    implicit = implicit_requirements(example)
    teachers: dict[str, set[str]] = {}
    for cred in example.credentials:
        for skill in cred.taught_skill_ids:
            teachers.setdefault(skill, set()).add(cred.id)
    graph = nx.DiGraph()
    for cred in example.credentials:
        leaves = list(iter_leaves(cred.requires)) if cred.requires else []
        needed = implicit[cred.id] | {leaf.skill for leaf in leaves if isinstance(leaf, SkillCondition)}
        deps = {leaf.credential for leaf in leaves if isinstance(leaf, CredentialCondition)}
        for skill in needed:
            deps |= teachers.get(skill, set()) - {cred.id}
        graph.add_edges_from((d, cred.id) for d in deps)
    assert nx.is_directed_acyclic_graph(graph)
    assert 3 <= nx.dag_longest_path_length(graph) <= 8


def test_example_offers_hours_versus_cost_trade_offs(example: Catalogue) -> None:
    """Some skill is taught both by a faster credential and by a cheaper one, so the objectives differ."""
    by_skill: dict[str, list[tuple[float, float]]] = {}
    for cred in example.credentials:
        assert cred.hours is not None
        for skill in cred.taught_skill_ids:
            by_skill.setdefault(skill, []).append((cred.hours, cred.cost))
    trade_offs = [
        skill
        for skill, offers in by_skill.items()
        if any(h1 < h2 and c1 > c2 for h1, c1 in offers for h2, c2 in offers)
    ]
    assert len(trade_offs) >= 3


def test_example_occupations_are_fully_taught(example: Catalogue) -> None:
    _, taught = forward_chain(example)
    for occ in example.occupations:
        assert set(occ.essential_skills) <= taught, occ.label


# -- the default catalogue and the ESCO subset -----------------------------------------------------


def test_default_counts(default: Catalogue) -> None:
    assert len(default.credentials) >= 300
    assert len({c.provider for c in default.credentials}) >= 20
    assert {a for c in default.credentials for a in c.areas} >= REQUIRED_AREAS
    assert 30 <= len(curriculum_occupations()) <= 60
    assert len(default.occupations) == 3007 and len(default.skills) == 13896, "the whole ESCO v1.1.1 map"
    assert sum(bool(o.isco_group) for o in default.occupations) == 3007
    assert len({c.kind for c in default.credentials}) >= 5


def test_default_descriptions_are_individual(default: Catalogue) -> None:
    descriptions = Counter(c.description for c in default.credentials)
    assert descriptions.most_common(1)[0][1] == 1
    names = Counter((c.provider, c.name) for c in default.credentials)
    assert names.most_common(1)[0][1] == 1


def test_default_occupations_are_mostly_covered_with_real_gaps(default: Catalogue) -> None:
    _, taught = forward_chain(default)
    written_for = [o for o in default.occupations if o.id in curriculum_occupations()]
    fractions = [len(set(o.essential_skills) & taught) / len(o.essential_skills) for o in written_for]
    assert min(fractions) >= 0.4
    assert sum(fractions) / len(fractions) >= 0.75
    assert sum(f < 1 for f in fractions) >= 5, "keep some real gaps for the catalogue-gaps view"


def test_paths_and_merge_order() -> None:
    subset_path, catalogue_path = default_catalogue_paths()
    assert subset_path.name == "esco.json.xz" and catalogue_path.name == "default_catalogue.json"
    subset = NativeAdapter().read(subset_path).catalogue
    catalogue = NativeAdapter().read(catalogue_path).catalogue
    assert subset.credentials == () and subset.skills and subset.occupations
    assert catalogue.credentials and catalogue.occupations == ()
    labels = {s.id: s.label for s in subset.skills}
    assert all(labels[s.id] == s.label for s in catalogue.skills), "catalogue skills must be subset skills"
    example = NativeAdapter().read(example_catalogue_path()).catalogue
    assert {s.id for s in example.skills} <= set(labels), "the subset covers the example's skills too"
    merged = load_default()
    assert merged is load_default()
    assert {s.id for s in merged.skills} == set(labels)
    prerequisites = {s.id: s.prerequisites for s in merged.skills}
    assert all(set(s.prerequisites) <= set(prerequisites[s.id]) for s in catalogue.skills)


def test_paths_survive_a_namespace_package_install(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = example_catalogue_path()

    def namespace_files(package: str) -> None:
        raise NotADirectoryError("MultiplexedPath only supports directories")

    monkeypatch.setattr(ingest.data, "files", namespace_files)
    assert example_catalogue_path() == expected


def test_a_missing_data_file_is_a_catalogue_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(ingest.data, "_data_dir", lambda: tmp_path)
    with pytest.raises(CatalogueError, match=r"example_catalogue\.yaml is missing"):
        example_catalogue_path()


def test_esco_map_is_small_and_adapted_with_attribution() -> None:
    subset_path = default_catalogue_paths()[0]
    assert subset_path.stat().st_size < 3_000_000
    assert default_search_path().stat().st_size < 15_000_000
    data = json.loads(lzma.decompress(subset_path.read_bytes()))
    assert "ESCO" in data["description"] and "adapted" in data["description"]
    licence = (DATA_DIR / "LICENSE-ESCO.md").read_text(encoding="utf-8")
    assert "European Commission" in licence and "ESCO" in licence
    provenance = (DATA_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "build_default_catalogue.py" in provenance and "fictional" in provenance.lower()


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_ESCO.is_dir(), reason="needs the ESCO v1.1.1 release in /work/shared/data")
def test_rebuild_reproduces_the_bundled_files(tmp_path: Path) -> None:
    script = DATA_DIR / "build_default_catalogue.py"
    args = [sys.executable, str(script), "--esco", str(SHARED_ESCO), "--out", str(tmp_path)]
    subprocess.run(args, check=True, capture_output=True, timeout=300)
    for name in ("default_catalogue.json", "esco.json.xz", "esco_search.npz"):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


# -- the checks above can fail ---------------------------------------------------------------------


def test_forward_chaining_rejects_unmet_explicit_and_implicit_requirements() -> None:
    catalogue = Catalogue.model_validate(
        {
            "skills": [
                {"id": "s:base", "label": "base"},
                {"id": "s:next", "label": "next", "prerequisites": ["s:base"]},
                {"id": "s:orphan", "label": "orphan", "prerequisites": ["s:never"]},
                {"id": "s:never", "label": "never taught"},
            ],
            "credentials": [
                {"id": "c:base", "name": "b", "provider": "p", "teaches": [{"skill": "s:base"}]},
                {"id": "c:next", "name": "n", "provider": "p", "teaches": [{"skill": "s:next"}]},
                {"id": "c:implicit", "name": "i", "provider": "p", "teaches": [{"skill": "s:orphan"}]},
                {
                    "id": "c:explicit",
                    "name": "e",
                    "provider": "p",
                    "teaches": [{"skill": "s:next"}],
                    "requires": {"at_least": 2, "of": [{"skill": "s:base"}, {"credential": "c:implicit"}]},
                },
            ],
        }
    )
    earned, taught = forward_chain(catalogue)
    assert earned == {"c:base", "c:next"}
    assert taught == {"s:base", "s:next"}
    assert implicit_requirements(catalogue)["c:implicit"] == {"s:never"}
