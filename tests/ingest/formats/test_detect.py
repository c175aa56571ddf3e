"""Format detection from content, unknown formats, and loading many sources into one catalogue."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from graph.errors import CatalogueError, UnknownFormatError
from ingest.formats import ADAPTERS, detect_format, load_sources

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_adapters_are_named_and_described() -> None:
    names = [a.name for a in ADAPTERS]
    assert names == ["native", "ctdl", "openbadges", "esco", "onet", "csv"]
    assert all(a.description for a in ADAPTERS)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("native/catalogue.yaml", "native"),
        ("ctdl/Course-1a.json", "ctdl"),
        ("ctdl/PathwayConditions.json", "ctdl"),
        ("ctdl/handwritten-framework-graph.json", "ctdl"),
        ("openbadges/v2_badgeclass.json", "openbadges"),
        ("openbadges/v3_achievement_alignment_credential_engine.json", "openbadges"),
        ("openbadges/v3_full_openbadgecredential.json", "openbadges"),
        ("esco", "esco"),
        ("esco/skills_en.csv.gz", "esco"),
        ("onet", "onet"),
        ("onet/Occupation Data.txt", "onet"),
        ("csv/helpdesk.csv", "csv"),
    ],
)
def test_fixtures_are_detected(relative: str, expected: str) -> None:
    assert detect_format(FIXTURES / relative).name == expected


def test_content_decides_not_the_extension(tmp_path: Path) -> None:
    ctdl_as_txt = tmp_path / "course.txt"
    shutil.copy(FIXTURES / "ctdl/Course-1b.json", ctdl_as_txt)
    csv_as_json = tmp_path / "catalogue.json"
    shutil.copy(FIXTURES / "csv/helpdesk.csv", csv_as_json)
    gz_without_suffix = tmp_path / "badge"
    gz_without_suffix.write_bytes(gzip.compress((FIXTURES / "openbadges/v2_badgeclass.json").read_bytes()))
    assert detect_format(ctdl_as_txt).name == "ctdl"
    assert detect_format(csv_as_json).name == "csv"
    assert detect_format(gz_without_suffix).name == "openbadges"
    assert len(detect_format(gz_without_suffix).read(gz_without_suffix).catalogue.credentials) == 1
    assert len(detect_format(csv_as_json).read(csv_as_json).catalogue.credentials) == 5


def test_gzipped_esco_folder_and_ctdl(tmp_path: Path) -> None:
    path = tmp_path / "course.json.gz"
    path.write_bytes(gzip.compress((FIXTURES / "ctdl/Course-1c.json").read_bytes()))
    assert detect_format(path).name == "ctdl"
    assert detect_format(path).read(path).catalogue.credentials[0].name == "Leadership and Innovation Excellence"


def test_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    with pytest.raises(UnknownFormatError) as err:
        detect_format(path)
    assert err.value.where == str(path)
    assert err.value.fix
    message = str(err.value)
    for adapter in ADAPTERS:
        assert f"{adapter.name}: {adapter.description}" in message


def test_unknown_folder(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match="this folder is in none of the formats"):
        detect_format(tmp_path)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="no such file") as err:
        detect_format(tmp_path / "absent.csv")
    assert not isinstance(err.value, UnknownFormatError)


def test_load_sources_merges_and_reports(tmp_path: Path) -> None:
    messages: list[str] = []
    result = load_sources([FIXTURES / "esco", FIXTURES / "csv/helpdesk.csv"], progress=messages.append)
    catalogue = result.catalogue
    skill_ids = {s.id for s in catalogue.skills}
    assert len(catalogue.skills) == 326 + 3  # ESCO slice + the CSV's three label skills
    csv_taught = {s for c in catalogue.credentials for s in c.taught_skill_ids}
    assert csv_taught <= skill_ids  # every ESCO URI the CSV names is an ESCO skill of the slice
    assert len(catalogue.credentials) == 5 and len(catalogue.occupations) == 20
    assert result.format == "esco+csv"
    assert len(result.sources) == 6  # five ESCO files and the CSV
    assert any("skill-skill relations" in s.reason for s in result.skipped)
    assert messages[0] == f"reading {FIXTURES / 'esco'} (esco)"
    assert messages[-1].startswith(f"{FIXTURES / 'csv/helpdesk.csv'}: 5 credentials, 3 skills")


def test_same_skill_from_two_sources_merges(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,name,provider,teaches\na,A,P,Active listening\n")
    (tmp_path / "b.csv").write_text("id,name,provider,teaches\nb,B,Q,active listening\n")
    catalogue = load_sources([tmp_path / "a.csv", tmp_path / "b.csv"]).catalogue
    (skill,) = catalogue.skills
    assert skill.id == "skill:active-listening"
    assert skill.label == "active listening"  # the later source's label wins (Catalogue.merged)


def test_load_sources_stops_at_the_first_bad_file() -> None:
    with pytest.raises(CatalogueError) as err:
        load_sources([FIXTURES / "csv/helpdesk.csv", FIXTURES / "csv/bad.csv", FIXTURES / "esco"])
    assert err.value.where == str(FIXTURES / "csv/bad.csv")


def test_load_nothing() -> None:
    result = load_sources([])
    assert result.catalogue.credentials == () and result.skipped == () and result.format == ""


def test_broken_json_reports_the_syntax_error_not_unknown_format(tmp_path: Path) -> None:
    broken = tmp_path / "catalogue.json"
    broken.write_text('{\n  "credentials": [\n    {"id": "c1",}\n  ]\n}\n')
    with pytest.raises(CatalogueError, match="invalid JSON") as info:
        detect_format(broken)
    assert f"{broken}:3:" in info.value.message
    assert not isinstance(info.value, UnknownFormatError)


def test_esco_skill_relations_become_prerequisites_only_when_asked() -> None:
    folder = Path(__file__).resolve().parents[2] / "fixtures" / "esco"
    plain = load_sources([folder]).catalogue
    assert not any(s.prerequisites for s in plain.skills)
    linked = load_sources([folder], esco_skill_relations="all").catalogue
    assert any(s.prerequisites for s in linked.skills)
