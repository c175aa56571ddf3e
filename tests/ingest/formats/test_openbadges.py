"""Open Badges 2.0 and 3.0: the 1EdTech examples map onto badge credentials and their skills."""

from __future__ import annotations

import json
from pathlib import Path

from graph.model import CredentialKind
from ingest.formats import AdapterResult, OpenBadgesAdapter, label_skill_id

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "openbadges"


def read(name: str) -> AdapterResult:
    return OpenBadgesAdapter().read(FIXTURES / name)


def test_ob2_badgeclass_alignments_become_skills() -> None:
    result = read("v2_badgeclass.json")
    (badge,) = result.catalogue.credentials
    assert badge.id == "https://example.org/robotics-badge.json"
    assert badge.kind is CredentialKind.badge
    assert badge.name == "Awesome Robotics Badge"
    assert badge.provider == "https://example.org/organization.json"  # issuer by IRI, not in this file
    assert badge.url == "https://example.org/robotics-badge.html"
    assert badge.areas == ("robots", "awesome")
    assert badge.taught_skill_ids == (
        "http://www.corestandards.org/ELA-Literacy/RST/11-12/3",
        "https://learning.mozilla.org/en-US/web-literacy/skills#problem-solving",
    )
    skills = {s.id: s for s in result.catalogue.skills}
    problem_solving = skills["https://learning.mozilla.org/en-US/web-literacy/skills#problem-solving"]
    assert problem_solving.label == "Problem-Solving"
    assert problem_solving.description.startswith("Using research, analysis, rapid prototyping")
    assert skills["http://www.corestandards.org/ELA-Literacy/RST/11-12/3"].label == "CCSS.ELA-Literacy.RST.11-12.3"


def test_ob2_assertion_with_embedded_badgeclass_and_issuer() -> None:
    (badge,) = read("v2_assertion_embedded_badgeclass_issuer.json").catalogue.credentials
    assert badge.id == "https://example.org/robotics-badge.json"
    assert badge.provider == "An Example Badge Issuer"
    assert badge.description == "For doing awesome things with robots that people think is pretty great."


def test_ob2_hosted_assertion_is_skipped_because_nothing_is_fetched() -> None:
    result = read("v2_assertion_hosted.json")
    assert result.catalogue.credentials == ()
    (skipped,) = result.skipped
    assert "https://example.org/robotics-badge.json" in skipped.reason and "never fetched" in skipped.reason


def test_ob2_non_badge_documents_are_reported() -> None:
    for name, kind in [
        ("v2_cryptographic_key.json", "CryptographicKey"),
        ("v2_revocation_list.json", "RevocationList"),
    ]:
        result = read(name)
        assert result.catalogue.credentials == ()
        assert kind in result.skipped[0].reason
    assert "without name" in read("v2_criteria_with_alignment.json").skipped[0].reason


def test_ob3_basic_credential_uses_issuer_and_criteria() -> None:
    (badge,) = read("v3_basic_openbadgecredential.json").catalogue.credentials
    assert badge.id == "https://example.com/achievements/21st-century-skills/teamwork"
    assert badge.name == "Teamwork"
    assert badge.provider == "Example Corp"
    assert badge.description == (
        "This badge recognizes the development of the capacity to collaborate within a group environment.\n\n"
        "Criteria: Team members are nominated for this badge by their peers and recognized upon review by "
        "Example Corp management."
    )


def test_ob3_full_achievement_credits_results_creator_and_type() -> None:
    result = read("v3_full_openbadgecredential.json")
    (degree,) = result.catalogue.credentials
    assert degree.id == "https://1edtech.edu/achievements/degree"
    assert degree.kind is CredentialKind.degree  # achievementType "Degree"
    assert degree.provider == "1EdTech University"  # the Achievement's creator
    assert degree.credits == 36.0
    assert "Results: Final Project Grade; Project Status" in degree.description
    assert degree.areas == ("research", "computer science")
    assert degree.taught_skill_ids == (
        "https://1edtech.edu/catalog/degree",
        "https://credentialengineregistry.org/resources/ce-98cb027b-95ef-4494-908d-6f7790ec6b6b",
    )


def test_ob3_ctdl_and_case_alignments_keep_their_codes_as_alt_ids() -> None:
    ctdl = read("v3_skill_assertion_ctdl.json").catalogue
    (skill,) = ctdl.skills
    assert skill.id == "https://credentialfinder.org/competency/ce-6369c51f-4d86-4592-a761-8b32ae70a045"
    assert skill.label == "Solve and graph linear equations and inequalities"
    assert skill.alt_ids == ("ce-6369c51f-4d86-4592-a761-8b32ae70a045",)
    assert ctdl.credentials[0].provider == "Example Industry Group"
    (case,) = read("v3_achievement_alignment_case.json").catalogue.skills
    assert case.alt_ids == ("74f5bb7d-d7cc-11e8-824f-0242ac160002",)


def test_ob3_alignment_to_a_credential_is_not_a_skill() -> None:
    result = read("v3_achievement_alignment_credential_engine.json")
    (badge,) = result.catalogue.credentials
    assert badge.teaches == ()
    assert result.skipped[0].where.endswith("#/credentialSubject/achievement/alignment/0")
    assert "ceterms:Credential" in result.skipped[0].reason


def test_ob3_endorsement_is_not_an_entry() -> None:
    result = read("v3_endorsement_credential.json")
    assert result.catalogue.credentials == ()
    assert "EndorsementCredential" in result.skipped[0].reason


def test_issuer_profile_in_the_same_file_names_the_provider(tmp_path: Path) -> None:
    issuer = json.loads((FIXTURES / "v2_issuer_profile.json").read_text())
    badge = json.loads((FIXTURES / "v2_badgeclass.json").read_text())
    badge["alignment"].append({"targetName": "Soldering"})
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps([badge, issuer]))
    result = OpenBadgesAdapter().read(path)
    (cred,) = result.catalogue.credentials
    assert cred.provider == "An Example Badge Issuer"
    assert label_skill_id("Soldering") in cred.taught_skill_ids


def test_standalone_achievement(tmp_path: Path) -> None:
    doc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "https://example.org/achievements/sql",
        "type": ["Achievement"],
        "name": "SQL Basics",
        "creator": {"id": "https://example.org/issuer", "type": ["Profile"], "name": "Example Academy"},
        "achievementType": "MicroCredential",
        "creditsAvailable": 2,
        "inLanguage": "de",
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": "use databases",
                "targetUrl": "http://data.europa.eu/esco/skill/4463a721-69f3-413d-8321-43e3af13a4f1",
                "targetType": "ceasn:Competency",
            }
        ],
    }
    path = tmp_path / "achievement.json"
    path.write_text(json.dumps(doc))
    (cred,) = OpenBadgesAdapter().read(path).catalogue.credentials
    assert (cred.kind, cred.provider, cred.credits, cred.language) == (
        CredentialKind.microcredential,
        "Example Academy",
        2.0,
        "de",
    )
    assert cred.taught_skill_ids == ("http://data.europa.eu/esco/skill/4463a721-69f3-413d-8321-43e3af13a4f1",)
