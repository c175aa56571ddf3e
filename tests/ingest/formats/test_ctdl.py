"""CTDL JSON-LD: real Credential Engine examples and a hand-written framework map onto the model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ingest.formats.jsonld
from graph.errors import CatalogueError
from graph.model import (
    AllOf,
    AnyOf,
    AtLeast,
    CredentialCondition,
    CredentialKind,
    Delivery,
    Level,
    SkillCondition,
)
from ingest.formats import AdapterResult, CtdlAdapter
from ingest.formats.ctdl import iso_hours

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ctdl"
BASE = "https://credentialengine.github.io/credential-registry-ingest-examples/"
ORG = BASE + "Organization/1/Organization-1.json"
COURSE_A, COURSE_B, COURSE_C = (BASE + f"LearningProgram/1/Course-1{x}.json" for x in "abc")
PROGRAM_1 = BASE + "LearningProgram/1/LearningProgram-1.json"
EX = "https://example.org/resources/ce-0b9d4d5e-"


def read(name: str) -> AdapterResult:
    return CtdlAdapter().read(FIXTURES / name)


def test_course_with_target_learning_opportunity() -> None:
    result = read("Course-1b.json")
    (course,) = result.catalogue.credentials
    assert course.id == COURSE_B
    assert course.alt_ids == ("ce-3c5e4bbc-40c3-44eb-90c2-3f27d98d88f1",)
    assert course.name == "Digital Skills Revolution"
    assert course.kind is CredentialKind.course
    assert course.requires == CredentialCondition(credential=COURSE_A)
    assert (course.cost, course.currency) == (1495.0, "USD")
    assert course.provider == ORG  # the Organization is in another file: its IRI stands in
    assert course.url == "https://example.com/#digital-skills-revolution"
    assert course.language == "en"


def test_text_only_condition_is_reported_not_enforced() -> None:
    result = read("Course-1a.json")
    (course,) = result.catalogue.credentials
    assert course.requires is None
    assert course.level is Level.beginner
    assert course.delivery is Delivery.online
    assert course.areas == ("Computer Programmers",)
    (skipped,) = result.skipped
    assert skipped.where == f"{FIXTURES / 'Course-1a.json'}#/entryCondition/0"
    assert "names no target" in skipped.reason
    assert "High-school level of mathematics knowledge" in skipped.reason


def test_two_targets_in_one_profile_are_all_required() -> None:
    (course,) = read("Course-1c.json").catalogue.credentials
    assert course.requires == AllOf(
        all_of=(CredentialCondition(credential=COURSE_A), CredentialCondition(credential=COURSE_B))
    )


def test_program_graph_stacks_its_parts_and_converts_duration_and_cost() -> None:
    result = read("LearningProgram-1-graph.json")
    by_id = {c.id: c for c in result.catalogue.credentials}
    program = by_id[PROGRAM_1]
    assert program.kind is CredentialKind.program
    assert program.name == "Lifelong Learning Accelerator"
    assert program.awarded_for == AllOf(
        all_of=tuple(CredentialCondition(credential=c) for c in (COURSE_A, COURSE_B, COURSE_C))
    )  # hasPart with no "N of these" profile: all of its parts
    # Its P9M (at 10 study hours a week) and its AggregateCost describe the whole: the parts' own are counted.
    assert (program.hours, program.cost, program.earned_by_parts) == (None, 0.0, True)
    (note,) = [s for s in result.skipped if "made of parts" in s.reason]
    hours = 9 * 365.25 / 12 / 7 * 10
    assert f"{round(hours, 2):g} hours and cost 4485 describe the whole" in note.reason
    assert sum(by_id[c].cost for c in (COURSE_A, COURSE_B, COURSE_C)) == 4485.0
    assert program.delivery is Delivery.blended
    assert program.language == "en-US"
    assert program.areas == ("Data Analyst", "Life Coach", "Digital Marketing Specialist", "Innovation Manager")
    for course in (COURSE_A, COURSE_B, COURSE_C):
        assert by_id[course].stacks_into == (PROGRAM_1,)
    assert by_id[COURSE_B].requires == CredentialCondition(credential=COURSE_A)


def test_degree_requires_an_undefined_program_as_a_leaf() -> None:
    result = read("Credential-1-graph.json")
    (degree,) = result.catalogue.credentials
    assert degree.kind is CredentialKind.degree
    assert degree.requires == CredentialCondition(credential=BASE + "LearningProgram/2/LearningProgram-2.json")
    assert result.skipped == ()  # the QA organisation in the graph is an organisation, not an unusable entry


def test_organization_alone_gives_an_empty_catalogue() -> None:
    result = read("Organization-1.json")
    assert result.catalogue.credentials == () and result.skipped == ()


def test_2019_pathway_draft_bare_keys_and_component_conditions() -> None:
    result = read("PathwayConditions.json")
    by_id = {c.id: c for c in result.catalogue.credentials}
    a, b, c, d = (
        "http://example.edu/2a45a345-8431-4a01-b645-a103d0d40ab",
        "http://example.edu/e752fe59-4cc3-402a-8c2d-b2cc51e5dee",
        "http://example.edu/051a2f7a-ab1c-491a-8d97-abb4a4d83915",
        "http://example.edu/4fec78ed-f39f-4a63-b495-a15d40583b41",
    )
    two_of_bcd = AtLeast(at_least=2, of=tuple(CredentialCondition(credential=x) for x in (b, c, d)))
    assert by_id[a].name == "Course A"  # {"@en-US": ...} language map
    assert by_id[a].kind is CredentialKind.course
    assert by_id[a].requires == two_of_bcd
    assessment = by_id["http://example.edu/ec05c0e5-3215-4707-a58e-2123d35ffd38"]
    assert assessment.requires == AnyOf(any_of=(two_of_bcd, CredentialCondition(credential=a)))
    assert assessment.provider == "example.edu"
    assert [s.reason for s in result.skipped] == ["not a credential, learning opportunity or competency (Pathway)"]


def test_competency_framework_and_course_details() -> None:
    result = read("handwritten-framework-graph.json")
    catalogue = result.catalogue
    assert catalogue.name == "Data Literacy Framework"
    skills = {s.id: s for s in catalogue.skills}
    analysis, sql, sheets = (
        skills[EX + "1111-4a3c-9d61-7f0c2f1e0002"],
        skills[EX + "1111-4a3c-9d61-7f0c2f1e0003"],
        skills[EX + "1111-4a3c-9d61-7f0c2f1e0004"],
    )
    assert analysis.label == "Data analysis"
    assert analysis.description == "Inspect, clean and model data to find useful information."
    assert "http://data.europa.eu/esco/skill/2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f" in analysis.alt_ids
    assert "ce-0b9d4d5e-1111-4a3c-9d61-7f0c2f1e0002" in analysis.alt_ids
    assert sql.prerequisites == (sheets.id,)
    assert sql.broader == (analysis.id,)  # from the parent's ceasn:hasChild
    assert sql.description == "Covers SELECT, JOIN and GROUP BY."

    creds = {c.id: c for c in catalogue.credentials}
    course = creds[EX + "3333-4a3c-9d61-7f0c2f1e0020"]
    assert course.provider == "Example Data Institute"
    assert course.taught_skill_ids == (sql.id,)
    assert course.requires == AnyOf(
        any_of=(SkillCondition(skill=sheets.id), CredentialCondition(credential=EX + "3333-4a3c-9d61-7f0c2f1e0021"))
    )
    assert course.hours == 22.5  # clock time (exactTimeRequired PT22H30M) wins over calendar P6W
    assert course.credits == 1.5
    assert (course.cost, course.currency) == (345.5, "EUR")
    assert str(course.valid_until) == "2027-12-31"
    assert course.stacks_into == (EX + "3333-4a3c-9d61-7f0c2f1e0030",)

    embedded = creds[EX + "3333-4a3c-9d61-7f0c2f1e0022"]
    assert embedded.name == "Statistics Refresher"
    assert embedded.hours == 30.0  # midpoint of P2W and P4W at 10 hours a week

    micro = creds[EX + "3333-4a3c-9d61-7f0c2f1e0030"]
    assert micro.kind is CredentialKind.microcredential
    assert micro.level is Level.intermediate
    assert micro.delivery is Delivery.blended
    assert micro.cost == 0.0
    # hasPart names a course: the "2 of these 3" profile is its award rule, the competency stays a requirement.
    counted = micro.awarded_for
    assert isinstance(counted, AtLeast) and counted.at_least == 2 and len(counted.of) == 3
    assert micro.requires == SkillCondition(skill=analysis.id)
    assert micro.earned_by_parts and micro.part_ids[0] == course.id
    reasons = [s.reason for s in result.skipped]
    assert any("'Galleons' is not an ISO 4217 code" in r for r in reasons)
    assert any("CostManifest" in r for r in reasons)


def test_bare_keys_and_plain_type_id(tmp_path: Path) -> None:
    doc = {
        "@context": "https://credreg.net/ctdl/schema/context/json",
        "id": "https://example.org/c1",
        "type": "Certification",
        "name": "Cert",
        "ctid": "ce-00000000-0000-4000-8000-000000000001",
        "offeredBy": {"id": "https://example.org/o", "type": "CredentialOrganization", "name": {"en": "Org"}},
        "creditValue": 3,
        "estimatedDuration": [{"exactDuration": "PT12H"}],
    }
    path = tmp_path / "bare.jsonld"
    path.write_text(json.dumps(doc))
    (cred,) = CtdlAdapter().read(path).catalogue.credentials
    assert (cred.kind, cred.name, cred.provider, cred.credits, cred.hours) == (
        CredentialKind.certification,
        "Cert",
        "Org",
        3.0,
        12.0,
    )
    assert cred.alt_ids == ("ce-00000000-0000-4000-8000-000000000001",)


def test_competency_alignment_directly_under_requires(tmp_path: Path) -> None:
    doc = {
        "@id": "https://example.org/cert",
        "@type": "ceterms:Certification",
        "ceterms:name": "Cert",
        "ceterms:requires": [
            {"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": "https://example.org/skill/a"}
        ],
    }
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(doc))
    (cert,) = CtdlAdapter().read(path).catalogue.credentials
    assert cert.requires == SkillCondition(skill="https://example.org/skill/a")


def test_streamed_and_parsed_reads_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    names = sorted(p.name for p in FIXTURES.glob("*.json"))
    parsed = {n: read(n) for n in names}
    monkeypatch.setattr(ingest.formats.jsonld, "SMALL_JSON_BYTES", 0)
    for name in names:
        streamed = read(name)
        assert streamed.catalogue == parsed[name].catalogue, name
        assert streamed.skipped == parsed[name].skipped, name


def test_gzipped_document(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "graph.json.gz"
    path.write_bytes(gzip.compress((FIXTURES / "LearningProgram-1-graph.json").read_bytes()))
    assert len(CtdlAdapter().read(path).catalogue.credentials) == 4


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"@type": "ceterms:Course",\n "ceterms:name": }')
    with pytest.raises(CatalogueError) as err:
        CtdlAdapter().read(path)
    assert err.value.where == f"{path}:2:18"


def test_scalar_document_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "scalar.json"
    path.write_text('"ceterms:Course"')
    with pytest.raises(CatalogueError, match="not an object or array"):
        CtdlAdapter().read(path)


def test_deep_nesting_does_not_exhaust_the_stack(tmp_path: Path) -> None:
    depth = 100_000
    course = {"@id": "https://example.org/c", "@type": "ceterms:Course", "ceterms:name": "C", "ceterms:offeredBy": "O"}
    path = tmp_path / "deep.json"
    path.write_text('{"@graph": [' + "[" * depth + "]" * depth + "," + json.dumps(course) + "]}")
    result = CtdlAdapter().read(path)
    assert [c.id for c in result.catalogue.credentials] == ["https://example.org/c"]
    assert result.skipped[0].where.endswith("#/@graph/0")


def test_deep_alternative_conditions_are_cut_off(tmp_path: Path) -> None:
    profile: dict[str, object] = {"targetCredential": "https://example.org/x"}
    for _ in range(200):
        profile = {"targetCredential": "https://example.org/x", "alternativeCondition": [profile]}
    doc = {"@id": "https://example.org/c", "@type": "ceterms:Course", "name": "C", "requires": [profile]}
    path = tmp_path / "alts.json"
    path.write_text(json.dumps(doc))
    result = CtdlAdapter().read(path)
    assert result.catalogue.credentials == ()
    assert "nested more than 32 deep" in result.skipped[0].reason


def test_entry_without_id_is_skipped_with_pointer(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "Course-1b.json", tmp_path / "c.json")
    doc = json.loads((tmp_path / "c.json").read_text())
    del doc["@id"], doc["ceterms:ctid"]
    (tmp_path / "c.json").write_text(json.dumps({"@graph": [doc]}))
    result = CtdlAdapter().read(tmp_path / "c.json")
    assert result.catalogue.credentials == ()
    assert result.skipped[0].where.endswith("#/@graph/0")
    assert "field '@id'" in result.skipped[0].reason


def test_iso_hours_clock_and_calendar() -> None:
    assert iso_hours("PT90M", calendar=False) == 1.5
    assert iso_hours("P1W", calendar=True) == 10.0
    assert iso_hours("P1DT2H", calendar=False) == 26.0
    with pytest.raises(ValueError):
        iso_hours("nine months", calendar=True)
