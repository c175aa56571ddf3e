"""O*NET: a real 20-occupation slice of 29.3, the importance thresholds, technology skills, the full release."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

from graph.errors import CatalogueError
from ingest.formats.onet import ESSENTIAL_IMPORTANCE, OPTIONAL_IMPORTANCE, OnetAdapter, element_id, technology_id

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "onet"


def raw_rows(name: str) -> list[dict[str, str]]:
    path = FIXTURES / name
    text = gzip.decompress(path.read_bytes()).decode() if name.endswith(".gz") else path.read_text()
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def test_occupations_ids_titles_and_alternate_titles() -> None:
    catalogue = OnetAdapter().read(FIXTURES).catalogue
    assert len(catalogue.occupations) == 20
    analysts = next(o for o in catalogue.occupations if o.id == "onet:15-1211.00")
    assert analysts.label == "Computer Systems Analysts"
    assert analysts.alt_ids == ("15-1211.00",)
    assert analysts.description.startswith("Analyze science, engineering, business, and other data processing")
    titles = [r for r in raw_rows("Alternate Titles.txt") if r["O*NET-SOC Code"] == "15-1211.00"]
    assert set(analysts.alt_labels) == {t for r in titles for t in (r["Alternate Title"], r["Short Title"]) if t}


def test_importance_thresholds_split_essential_and_optional() -> None:
    catalogue = OnetAdapter().read(FIXTURES).catalogue
    analysts = next(o for o in catalogue.occupations if o.id == "onet:15-1211.00")
    ratings = [
        r
        for name in ("Skills.txt.gz", "Knowledge.txt.gz")
        for r in raw_rows(name)
        if r["O*NET-SOC Code"] == "15-1211.00" and r["Scale ID"] == "IM" and r["Recommend Suppress"] != "Y"
    ]
    essential = {element_id(r["Element ID"]) for r in ratings if float(r["Data Value"]) >= ESSENTIAL_IMPORTANCE}
    optional = {
        element_id(r["Element ID"])
        for r in ratings
        if OPTIONAL_IMPORTANCE <= float(r["Data Value"]) < ESSENTIAL_IMPORTANCE
    }
    assert set(analysts.essential_skills) == essential and essential
    assert optional <= set(analysts.optional_skills)
    assert element_id("2.A.1.a") in essential  # Reading Comprehension matters to systems analysts
    top = max(ratings, key=lambda r: float(r["Data Value"]))
    assert analysts.essential_skills[0] == element_id(top["Element ID"])  # most important first


def test_element_skills_have_names_descriptions_and_parents() -> None:
    skills = {s.id: s for s in OnetAdapter().read(FIXTURES).catalogue.skills}
    reading = skills["onet:element/2.A.1.a"]
    assert reading.label == "Reading Comprehension"
    assert reading.description == "Understanding written sentences and paragraphs in work-related documents."
    assert reading.broader == ()  # parents such as 2.A.1 "Content" are categories, not skills


def test_hot_technologies_are_optional_skills() -> None:
    catalogue = OnetAdapter().read(FIXTURES).catalogue
    rows = [r for r in raw_rows("Technology Skills.txt") if r["O*NET-SOC Code"] == "15-1252.00"]
    developers = next(o for o in catalogue.occupations if o.id == "onet:15-1252.00")
    hot = {technology_id(r["Example"]) for r in rows if r["Hot Technology"] == "Y"}
    assert hot and set(developers.optional_skills) == hot
    assert developers.essential_skills == ()  # 29.3 has no skill ratings for 15-1252.00
    not_hot = {technology_id(r["Example"]) for r in rows if r["Hot Technology"] == "N"} - hot
    assert not_hot and not (not_hot & set(developers.optional_skills))
    skills = {s.id: s for s in catalogue.skills}
    sample = next(r for r in rows if r["Hot Technology"] == "Y")
    skill = skills[technology_id(sample["Example"])]
    assert skill.label == sample["Example"]
    assert f"(UNSPSC {sample['Commodity Code']})" in skill.description
    assert technology_id("C++") == "onet:technology/c-plus-plus"


def test_left_out_ratings_are_counted() -> None:
    result = OnetAdapter().read(FIXTURES)
    reasons = [s.reason for s in result.skipped]
    low = sum(
        1 for r in raw_rows("Skills.txt.gz") if r["Scale ID"] == "IM" and float(r["Data Value"]) < OPTIONAL_IMPORTANCE
    )
    assert f"{low} row(s) not used: importance below {OPTIONAL_IMPORTANCE} (not needed by the occupation)" in reasons
    assert any("not flagged Hot Technology" in r for r in reasons)


def test_occupation_data_alone() -> None:
    result = OnetAdapter().read(FIXTURES / "Occupation Data.txt")
    assert len(result.catalogue.occupations) == 20 and result.catalogue.skills == ()


def test_other_file_alone_says_to_pass_the_folder() -> None:
    with pytest.raises(CatalogueError) as err:
        OnetAdapter().read(FIXTURES / "Skills.txt.gz")
    assert "release folder" in (err.value.fix or "")


def test_missing_column(tmp_path: Path) -> None:
    (tmp_path / "Occupation Data.txt").write_text("O*NET-SOC Code\tName\n11-1011.00\tChief Executives\n")
    with pytest.raises(CatalogueError) as err:
        OnetAdapter().read(tmp_path)
    assert err.value.where == f"{tmp_path / 'Occupation Data.txt'}:1"


def test_full_release(shared_data: Path) -> None:
    catalogue = OnetAdapter().read(shared_data / "onet-29.3").catalogue
    assert len(catalogue.occupations) == 1_016
    assert len([s for s in catalogue.skills if s.id.startswith("onet:element/")]) == 35 + 33
    rated = [
        o
        for o in catalogue.occupations
        if any(s.startswith("onet:element/") for s in o.optional_skills + o.essential_skills)
    ]
    assert len(rated) == 879  # the occupations 29.3 rates; 'Models' (41-9012.00) has no rating of 3.0 or more
    assert [o.id for o in rated if not o.essential_skills] == ["onet:41-9012.00"]
