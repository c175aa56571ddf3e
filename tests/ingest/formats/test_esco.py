"""ESCO CSV release: a real 20-occupation slice, the skill-relation modes, single files, and the full release."""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import time
from pathlib import Path

import pytest

from graph.errors import CatalogueError
from ingest.formats import EscoAdapter

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "esco"
ESCO = "http://data.europa.eu/esco/"
HELP_DESK_AGENT = ESCO + "occupation/aaeec9a7-dc57-4485-890c-86b3eef735f9"


def raw_rows(name: str) -> list[dict[str, str]]:
    path = FIXTURES / name
    text = gzip.decompress(path.read_bytes()).decode() if name.endswith(".gz") else path.read_text()
    return list(csv.DictReader(io.StringIO(text)))


def test_slice_counts_match_the_csv() -> None:
    catalogue = EscoAdapter().read(FIXTURES).catalogue
    assert len(catalogue.skills) == len(raw_rows("skills_en.csv.gz")) == 326
    assert len(catalogue.occupations) == len(raw_rows("occupations_en.csv")) == 20
    assert catalogue.name == "ESCO esco"


def test_occupation_labels_codes_and_skills() -> None:
    catalogue = EscoAdapter().read(FIXTURES).catalogue
    agent = next(o for o in catalogue.occupations if o.id == HELP_DESK_AGENT)
    assert agent.label == "ICT help desk agent"
    assert "IT help desk advisor" in agent.alt_labels and "ICT help desk agent" not in agent.alt_labels
    assert agent.alt_ids == ("3512.1",)
    relations = [r for r in raw_rows("occupationSkillRelations.csv.gz") if r["occupationUri"] == HELP_DESK_AGENT]
    assert agent.essential_skills == tuple(r["skillUri"] for r in relations if r["relationType"] == "essential")
    assert agent.optional_skills == tuple(r["skillUri"] for r in relations if r["relationType"] == "optional")
    assert (len(agent.essential_skills), len(agent.optional_skills)) == (19, 11)


def test_skill_alt_labels_are_newline_separated_and_hierarchy_is_read() -> None:
    skills = {s.id: s for s in EscoAdapter().read(FIXTURES).catalogue.skills}
    row = next(r for r in raw_rows("skills_en.csv.gz") if "\n" in r["altLabels"])
    skill = skills[row["conceptUri"]]
    expected = [x.strip() for x in row["altLabels"].split("\n") if x.strip() and x.strip() != row["preferredLabel"]]
    assert list(skill.alt_labels) == list(dict.fromkeys(expected))
    assert skill.description == row["description"].strip()
    hierarchy = raw_rows("broaderRelationsSkillPillar.csv.gz")
    to_skills = [r for r in hierarchy if r["conceptUri"] in skills and r["broaderUri"] in skills]
    assert to_skills
    for r in to_skills:
        assert r["broaderUri"] in skills[r["conceptUri"]].broader
    assert all(b in skills for s in skills.values() for b in s.broader)  # links to skill groups are left out
    assert all(not s.prerequisites for s in skills.values())  # the default: relations are not prerequisites


def test_everything_left_out_is_reported() -> None:
    result = EscoAdapter().read(FIXTURES)
    reasons = " | ".join(s.reason for s in result.skipped)
    assert "67 row(s) not used: optional skill-skill relations are not prerequisites" in reasons
    assert "12 row(s) not used: essential skill-skill relations are not prerequisites" in reasons
    assert "2 row(s) not used: relation naming an occupation not in the occupations file" in reasons
    assert "a9e54177-a185-404d-b6e6-15663d31137e" in reasons
    assert "3 row(s) not used: hierarchy between skill groups" in reasons
    assert "row(s) not used: hierarchy link to a skill group (groups are not loaded as skills)" in reasons
    assert all(".csv" in s.where and ":" in s.where for s in result.skipped)


@pytest.mark.parametrize(("mode", "count"), [("essential", 12), ("all", 79)])
def test_skill_relations_as_prerequisites(mode: str, count: int) -> None:
    skills = EscoAdapter(skill_relations=mode).read(FIXTURES).catalogue.skills  # type: ignore[arg-type]
    assert sum(len(s.prerequisites) for s in skills) == count
    rows = [r for r in raw_rows("skillSkillRelations.csv") if mode == "all" or r["relationType"] == "essential"]
    by_id = {s.id: s for s in skills}
    for r in rows:
        assert r["relatedSkillUri"] in by_id[r["originalSkillUri"]].prerequisites


def test_cycles_and_self_loops_are_dropped_and_reported(tmp_path: Path) -> None:
    folder = tmp_path / "esco"
    shutil.copytree(FIXTURES, folder)
    first = raw_rows("skillSkillRelations.csv")[0]
    a, b = first["originalSkillUri"], first["relatedSkillUri"]
    with (folder / "skillSkillRelations.csv").open("a", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow([b, "knowledge", "essential", "knowledge", a])  # b needs a, a needs b: a cycle
        w.writerow([a, "knowledge", "essential", "knowledge", a])
    result = EscoAdapter(skill_relations="all").read(folder)
    by_id = {s.id: s for s in result.catalogue.skills}
    assert b not in by_id[a].prerequisites and a not in by_id[b].prerequisites
    reasons = [s.reason for s in result.skipped]
    assert sum("lies on a cycle" in r for r in reasons) == 2
    assert any("its own prerequisite" in r for r in reasons)


def test_single_skills_file(tmp_path: Path) -> None:
    result = EscoAdapter().read(FIXTURES / "skills_en.csv.gz")
    assert len(result.catalogue.skills) == 326 and result.catalogue.occupations == ()


def test_relations_file_alone_says_to_pass_the_folder() -> None:
    with pytest.raises(CatalogueError) as err:
        EscoAdapter().read(FIXTURES / "skillSkillRelations.csv")
    assert "release folder" in (err.value.fix or "")


def test_missing_column_names_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "esco"
    folder.mkdir()
    (folder / "occupations_en.csv").write_text("conceptType,conceptUri,iscoGroup,label\nOccupation,x,1,y\n")
    with pytest.raises(CatalogueError) as err:
        EscoAdapter().read(folder)
    assert err.value.where == f"{folder / 'occupations_en.csv'}:1"
    assert "preferredLabel" in err.value.what


def test_full_release(shared_data: Path) -> None:
    start = time.perf_counter()
    result = EscoAdapter().read(shared_data / "esco-v1.1.1")
    elapsed = time.perf_counter() - start
    assert len(result.catalogue.skills) == 13_896
    assert len(result.catalogue.occupations) == 3_007
    assert sum(len(o.essential_skills) + len(o.optional_skills) for o in result.catalogue.occupations) > 123_000
    assert elapsed < 60
