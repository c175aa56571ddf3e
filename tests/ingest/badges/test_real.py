"""Held-badge verification on real credentials: the DCC's signed OB 3.0 fixtures, 1EdTech examples, Blockcerts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.badges.canon import canonical_nquads, load_document
from ingest.badges.contexts import ContextError
from ingest.badges.result import BadgeResult, BadgeStatus, Outcome
from ingest.badges.sources import build_verifier

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "badges"
LIST_URL = (
    "https://digitalcredentials.github.io/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/e5WK8CbZ1GjycuPombrj"
)


def inspect(*names: str, **files: object) -> list[BadgeResult]:
    return build_verifier(**files).inspect([FIXTURES / n for n in names])  # type: ignore[arg-type]


def outcomes(result: BadgeResult) -> dict[str, Outcome]:
    return {c.check: c.outcome for c in result.checks}


@pytest.mark.parametrize(
    "name", ["vc/ed25519-didkey-valid.json", "vc/eddsa-didkey-valid.json", "vc/both-didkey-valid.json"]
)
def test_signed_did_key_credentials_verify(name: str) -> None:
    (result,) = inspect(name)
    assert result.status is BadgeStatus.verified, result.checks
    assert [c.check for c in result.checks] == ["structure", "proof", "valid_from", "valid_until", "status"]
    assert result.issuer.startswith("did:key:z6Mk") and result.trusted == "unknown"


def test_did_web_needs_its_did_document_and_is_never_fetched() -> None:
    names = ("vc/ed25519-didweb-legacy-valid.json", "vc/eddsa-didweb-oidf-valid.json")
    without = inspect(*names)
    assert [r.status for r in without] == [BadgeStatus.unverifiable] * 2
    assert all("never fetched" in r.checks[1].message for r in without)
    given = inspect(*names, dids=[FIXTURES / "dids" / "legacy.json", FIXTURES / "dids" / "oidf.json"])
    assert [r.status for r in given] == [BadgeStatus.verified] * 2


def test_expired_credential_is_expired() -> None:
    (result,) = inspect("vc/ed25519-didkey-expired.json")
    assert result.status is BadgeStatus.expired
    assert outcomes(result)["proof"] is Outcome.passed and outcomes(result)["valid_until"] is Outcome.failed


def test_revoked_and_expired_is_revoked_through_the_real_status_list() -> None:
    status = [f"{LIST_URL}={FIXTURES / 'status' / 'e5WK8CbZ1GjycuPombrj.json'}"]
    revoked, good = inspect("vc/eddsa-didkey-revoked-expired.json", "vc/ed25519-didkey-validstatus.json", status=status)
    assert revoked.status is BadgeStatus.revoked
    assert "set at index 6" in revoked.checks[-1].message
    assert good.status is BadgeStatus.verified
    assert "not in revocation (index 7" in good.checks[-1].message


def test_status_list_not_given_leaves_the_badge_unverifiable() -> None:
    (result,) = inspect("vc/ed25519-didkey-validstatus.json")
    assert result.status is BadgeStatus.unverifiable
    assert "never fetched" in result.checks[-1].message


@pytest.mark.parametrize(
    ("variant", "reason"),
    [
        ("tampered", "signature does not match"),
        ("expired", "expired"),
        ("notYetValid", "not valid until"),
        ("missingBitStringType", "missing type BitstringStatusListCredential"),
    ],
)
def test_a_broken_status_list_leaves_the_badge_unverifiable(variant: str, reason: str) -> None:
    status = [f"{LIST_URL}={FIXTURES / 'status' / f'{variant}.json'}"]
    (result,) = inspect("vc/ed25519-didkey-validstatus.json", status=status)
    assert result.status is BadgeStatus.unverifiable
    assert outcomes(result)["status"] is Outcome.unverifiable
    assert reason in result.checks[-1].message


def test_the_empty_upstream_fixture_is_unreadable_and_others_still_processed() -> None:
    empty, valid = inspect("vc/ed25519-didkey-empty.json", "vc/ed25519-didkey-valid.json")
    assert empty.status is BadgeStatus.unreadable and "empty" in empty.checks[0].message
    assert valid.status is BadgeStatus.verified


def test_a_context_that_is_not_bundled_is_never_fetched() -> None:
    (result,) = inspect("vc/eddsa-unbundled-context.json")
    assert result.status is BadgeStatus.unverifiable
    assert "https://w3id.org/dcc/v1 is not bundled" in result.checks[1].message
    with pytest.raises(ContextError):
        canonical_nquads({"@context": "https://example.org/elsewhere", "name": "x"})
    with pytest.raises(Exception, match="never fetched"):
        load_document("https://example.org/elsewhere")


def test_ob2_hosted_assertion_is_unverifiable_offline_and_a_badgeclass_is_not_a_held_badge() -> None:
    hosted, badgeclass = inspect("ob/assertion_hosted.json", "ob/badgeclass.json")
    assert hosted.format == "ob2" and hosted.status in (BadgeStatus.unverifiable, BadgeStatus.expired)
    assert "hosted verification" in hosted.checks[1].message
    assert badgeclass.status is BadgeStatus.unreadable and "BadgeClass" in badgeclass.checks[0].message


def test_ob3_spec_example_without_proof_is_invalid_but_its_alignments_are_read() -> None:
    (result,) = inspect("ob/skill_assertion_ctdl.json")
    assert result.status is BadgeStatus.invalid and "no proof" in result.checks[1].message
    assert result.achievement.alignments and result.achievement.alignments[0].url.startswith("https://")


def test_blockcerts_tampered_is_invalid_and_intact_one_is_unverifiable_naming_its_anchor() -> None:
    tampered, intact, chained = inspect(
        "blockcerts/testnet-v3--tampered.json",
        "blockcerts/mocknet-vc-v2-name-description.json",
        "blockcerts/mocknet-vc-v2-data-integrity-proof.json",
    )
    assert tampered.status is BadgeStatus.invalid and outcomes(tampered)["proof"] is Outcome.failed
    for result in (intact, chained):
        assert result.status is BadgeStatus.unverifiable
        assert outcomes(result)["proof"] is Outcome.passed
        anchor = next(c for c in result.checks if c.check == "anchor")
        assert anchor.outcome is Outcome.unverifiable and "blink:mocknet" in anchor.message
