"""Badges mapped to the catalogue and counted in plans: only what is verified counts, and the plan says what."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.badges import Achievement, Alignment, BadgeStatus
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService
from tests.ingest.badges.factory import Issuer

ISSUER = Issuer()
PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
ANALYST = LearnerProfile(targets=Targets(occupation="data analyst"))


def write(folder: Path, name: str, content: dict[str, Any] | str) -> Path:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_mapping_by_id_alignment_name_and_meaning(service: CredpathService) -> None:
    matcher = service.badge_matcher
    by_id = matcher.map(Achievement(id="meridian-sql-basics", name="Anything"))
    assert [(m.id, m.via, m.confidence, m.proposal) for m in by_id] == [("meridian-sql-basics", "id", 1.0, False)]
    aligned = matcher.map(Achievement(id="urn:x", name="Py", alignments=(Alignment(url=PYTHON, name="Python"),)))
    assert ("skill", PYTHON, "alignment", False) in [(m.kind, m.id, m.via, m.proposal) for m in aligned]
    named = matcher.map(Achievement(id="urn:y", name="python for beginners"))
    assert [(m.id, m.via, m.confidence) for m in named] == [("harbourline-python-beginners", "name", 0.9)]
    meant = matcher.map(Achievement(id="urn:z", name="Cleaning messy data", description="Data cleansing with Python."))
    assert meant and all(m.via == "semantic" for m in meant)
    assert all(m.proposal for m in meant if m.kind == "credential"), "a credential is never counted on a guess"
    unrelated = matcher.map(Achievement(id="urn:w", name="Underwater basket weaving"))
    assert all(m.proposal for m in unrelated)


def test_a_verified_badge_is_skipped_in_the_plan_and_a_tampered_one_is_not(
    service: CredpathService, tmp_path: Path
) -> None:
    baseline = service.plan(ANALYST)
    assert "meridian-sql-basics" in baseline.credential_ids
    signed = ISSUER.sign(ISSUER.credential("meridian-sql-basics", "SQL Basics"))
    tampered = json.loads(json.dumps(signed))
    tampered["validFrom"] = "2023-01-01T00:00:00Z"
    badges = service.inspect_badges([write(tmp_path, "sql.json", signed)])
    pathway = service.plan_with_badges(ANALYST, badges)
    assert "meridian-sql-basics" not in pathway.credential_ids
    (held,) = pathway.badges
    assert held.counted and held.status == "verified" and held.covered
    assert "meridian-sql-basics" in pathway.request.have and pathway.verification.valid

    forged = service.inspect_badges([write(tmp_path, "forged.json", tampered)])
    ignored = service.plan_with_badges(ANALYST, forged)
    assert "meridian-sql-basics" in ignored.credential_ids
    assert not ignored.badges[0].counted and ignored.badges[0].reason == "invalid: never counts"


def test_unverifiable_counts_only_when_accepted_and_expired_never(service: CredpathService, tmp_path: Path) -> None:
    keyless = write(
        tmp_path, "k.jwt", ISSUER.jwt(ISSUER.credential("meridian-sql-basics", "SQL Basics"), header="none")
    )
    old = ISSUER.credential("meridian-sql-basics", "SQL Basics", valid_until="2024-06-01T00:00:00Z")
    expired = write(tmp_path, "old.json", ISSUER.sign(old))
    badges = service.inspect_badges([keyless, expired])
    assert [b.status for b in badges] == [BadgeStatus.unverifiable, BadgeStatus.expired]
    strict = service.plan_with_badges(ANALYST, badges)
    assert "meridian-sql-basics" in strict.credential_ids
    assert [b.counted for b in strict.badges] == [False, False]
    lenient = service.plan_with_badges(ANALYST, badges, accept_unverified=True)
    assert "meridian-sql-basics" not in lenient.credential_ids
    assert [b.counted for b in lenient.badges] == [True, False]
    assert lenient.badges[1].reason == "expired: never counts"


@pytest.mark.parametrize("status", ["revoked", "invalid", "unreadable"])
def test_never_counted_statuses(status: str) -> None:
    from ingest.badges import BadgeResult, Mapping
    from recommender.badges import held_ids

    badge = BadgeResult(
        source="x", status=BadgeStatus(status), maps_to=(Mapping(id="a", kind="credential", confidence=1, via="id"),)
    )
    assert held_ids([badge], accept_unverified=True) == []


def test_markdown_says_which_badge_counted_and_why_others_did_not(service: CredpathService, tmp_path: Path) -> None:
    signed = ISSUER.sign(ISSUER.credential("meridian-sql-basics", "SQL Basics"))
    old = ISSUER.sign(ISSUER.credential("urn:old", "Old Badge", valid_until="2024-06-01T00:00:00Z"))
    badges = service.inspect_badges([write(tmp_path, "a.json", signed), write(tmp_path, "b.json", old)])
    text = service.markdown(service.plan_with_badges(ANALYST, badges))
    assert "## Badges you hold" in text
    assert "- **SQL Basics** (verified, issuer trusted: unknown): counted, covered " in text
    assert "- **Old Badge** (expired, issuer trusted: unknown): not counted (expired: never counts)" in text


def test_alignments_by_ctdl_ctid_case_uri_and_onet_element() -> None:
    from graph.model import Catalogue, Skill
    from recommender.badges import BadgeMatcher

    catalogue = Catalogue(
        skills=(
            Skill(
                id="https://credreg.net/comp/1", label="Reading", alt_ids=("ce-cf4dee18-7cea-443a-b920-158a0762c6bf",)
            ),
            Skill(id="onet:element/2.A.1.a", label="Reading Comprehension"),
            Skill(id="https://case.example.org/uri/74f5bb7d", label="Writing"),
        )
    )
    matcher = BadgeMatcher(catalogue, lambda: pytest.fail("no semantic matching needed"))  # type: ignore[arg-type,return-value]
    alignments = (
        Alignment(code="ce-cf4dee18-7cea-443a-b920-158a0762c6bf", type="ceasn:Competency"),
        Alignment(code="2.A.1.a", framework="O*NET"),
        Alignment(url="http://case.example.org/uri/74f5bb7d/"),
    )
    found = matcher.map(Achievement(id="urn:none", alignments=alignments))
    assert sorted(m.id for m in found) == sorted(s.id for s in catalogue.skills)
    assert all(m.via == "alignment" and not m.proposal for m in found)


def test_badge_text_in_markdown_is_escaped(service: CredpathService, tmp_path: Path) -> None:
    hostile = "[click](javascript:alert(1)) <b>*x*</b>"
    signed = ISSUER.sign(ISSUER.credential("urn:nothing", hostile, valid_until="2024-06-01T00:00:00Z"))
    badges = service.inspect_badges([write(tmp_path, "h.json", signed)])
    text = service.markdown(service.plan_with_badges(ANALYST, badges))
    line = next(x for x in text.splitlines() if "not counted" in x)
    assert "\\[click\\](javascript" in line and "<b>" not in line and "&lt;b&gt;\\*x\\*" in line


def test_the_verifier_checks_what_a_counted_badge_claims(service: CredpathService, tmp_path: Path) -> None:
    signed = ISSUER.sign(ISSUER.credential("meridian-sql-basics", "SQL Basics"))
    pathway = service.plan_with_badges(ANALYST, service.inspect_badges([write(tmp_path, "sql.json", signed)]))
    assert pathway.badges[0].counted and pathway.verification.valid
    assert service.verify(pathway).valid
    badge = pathway.badges[0]
    forged = {
        "revoked yet counted": badge.model_copy(update={"status": "revoked"}),
        "covers what it does not prove": badge.model_copy(
            update={"covered": (*badge.covered, "harbourline-python-beginners")}
        ),
    }
    for what, record in forged.items():
        verdict = service.verify(pathway.model_copy(update={"badges": (record,)}))
        assert not verdict.valid, what
        assert {f.check for f in verdict.findings} == {"badge_claims"}, what
    unheld = pathway.model_copy(update={"request": pathway.request.model_copy(update={"have": ()}), "badges": (badge,)})
    assert "badge_claims" in {f.check for f in service.verify(unheld).findings}
