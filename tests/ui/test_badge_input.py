"""The learner page's badge box, through its handlers: verdicts, what counts as held, plans, and bad files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from recommender.service import CredpathService
from tests.ingest.badges.factory import Issuer
from ui import badge_input, learner
from ui.badge_input import Uploads

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "badges"
STATUS_BADGE = str(FIXTURES / "vc" / "ed25519-didkey-validstatus.json")
DIDWEB_BADGE = str(FIXTURES / "vc" / "eddsa-didweb-oidf-valid.json")
DID_DOCUMENT = str(FIXTURES / "dids" / "oidf.json")
Lookup = Callable[[str, str], str]
EXPIRED = str(FIXTURES / "vc" / "ed25519-didkey-expired.json")


@pytest.fixture
def sql_badges(tmp_path: Path) -> tuple[str, str]:
    """A badge for the catalogue's "SQL Basics" signed by the tests' issuer, and a tampered copy of it."""
    issuer = Issuer()
    good = issuer.jwt(issuer.credential("meridian-sql-basics", "SQL Basics"))
    head, _, sig = good.split(".")
    forged = issuer.jwt(issuer.credential("meridian-sql-basics", "SQL Basics", valid_from="2020-01-01T00:00:00Z"))
    paths = tmp_path / "upload" / "sql-basics.jwt", tmp_path / "upload2" / "sql-basics-tampered.jwt"
    for path, text in zip(paths, (good, f"{head}.{forged.split('.')[1]}.{sig}"), strict=True):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    return str(paths[0]), str(paths[1])


def form(service: CredpathService, occupation: str, **badges: object) -> learner.Outcome:
    values: dict[str, object] = dict.fromkeys(learner.FORM_ORDER)
    values |= {"occupation": occupation, "include_optional_skills": False, "objective": "hours", "alternatives": 0}
    return learner.plan_form(service, **values, **badges)  # type: ignore[arg-type]


def test_each_badge_gets_its_verdict_and_only_what_counts_is_held(
    service: CredpathService, sql_badges: tuple[str, str]
) -> None:
    good, tampered = sql_badges
    results = badge_input.inspect(service, Uploads.of([good, tampered, EXPIRED], None, None, False))
    assert [(r.source, r.status.value) for r in results] == [
        ("sql-basics.jwt", "verified"),
        ("sql-basics-tampered.jwt", "invalid"),
        ("ed25519-didkey-expired.json", "expired"),
    ]
    table = badge_input.report(service, results, accept_unverified=False)
    rows = [line for line in table.splitlines() if line.startswith("| ") and "Verdict" not in line]
    assert "| verified |" in rows[0] and "| yes |" in rows[0] and "SQL Basics (credential)" in rows[0]
    assert "| invalid: " in rows[1] and "signature does not match" in rows[1]
    assert "| no: invalid: never counts |" in rows[1]
    assert "| expired: " in rows[2] and "no: expired" in rows[2]
    assert table.endswith("1 of 3 badge(s) count as held; guesses (low-confidence matches) never do.")


def test_uploaded_status_lists_and_did_documents_are_used(service: CredpathService, tmp_path: Path) -> None:
    issuer, url = Issuer(), "https://badges.example.org/revocations"
    badges = []
    for ident in ("kept", "revoked"):
        status = {"id": url, "type": "1EdTechRevocationList"}
        signed = issuer.sign(issuer.credential("meridian-sql-basics", "SQL", status=status, ident=f"urn:uuid:{ident}"))
        badges.append(tmp_path / f"{ident}.json")
        badges[-1].write_text(json.dumps(signed), encoding="utf-8")
    listing = tmp_path / "revocations.json"
    listing.write_text(json.dumps({"id": url, "revokedCredentials": [{"id": "urn:uuid:revoked"}]}), encoding="utf-8")
    uploads = [*map(str, badges), DIDWEB_BADGE]
    alone = badge_input.inspect(service, Uploads.of(uploads, None, None, False))
    assert [r.status.value for r in alone] == ["unverifiable"] * 3
    given = badge_input.inspect(service, Uploads.of(uploads, None, [DID_DOCUMENT, str(listing)], False))
    assert [r.status.value for r in given] == ["verified", "revoked", "verified"]


def test_accepting_unverified_badges_changes_what_counts(service: CredpathService) -> None:
    results = badge_input.inspect(service, Uploads.of([STATUS_BADGE], None, None, True))
    refused = badge_input.report(service, results, accept_unverified=False)
    accepted = badge_input.report(service, results, accept_unverified=True)
    assert "it counts only if unverified badges are accepted" in refused
    assert "it counts only if unverified badges are accepted" not in accepted


def test_a_plan_skips_what_a_verified_badge_proves_and_says_so(
    service: CredpathService, sql_badges: tuple[str, str], lookup: Lookup
) -> None:
    analyst = lookup("occupation", "data analyst")
    good, tampered = sql_badges
    plain = form(service, analyst)
    held = form(service, analyst, badges=[good])
    ignored = form(service, analyst, badges=[tampered])
    assert plain.path and held.path and ignored.path
    assert "| SQL Basics |" in plain.text and "| SQL Basics |" not in held.text
    assert "## Badges you hold" in held.text
    assert "**SQL Basics** (verified, issuer trusted: unknown): counted" in held.text
    assert "| SQL Basics |" in ignored.text and "not counted (invalid: never counts)" in ignored.text
    assert "sql-basics.jwt" in Path(held.path).read_text(encoding="utf-8")


def test_a_file_that_is_no_verification_file_is_named_with_the_fix(
    service: CredpathService, sql_badges: tuple[str, str], lookup: Lookup
) -> None:
    good, _ = sql_badges
    shown = badge_input.report_handler(service, [good], None, [good], False)
    assert 'role="alert"' in shown and "sql-basics.jwt: the verification file is not JSON" in shown
    assert str(Path(good).parent) not in shown, "the server's temp folder is not the learner's business"
    assert "How to fix it:" in shown and "DID documents" in shown
    outcome = form(service, lookup("occupation", "data analyst"), badges=[good], badge_support=[good])
    assert outcome.path is None and "sql-basics.jwt" in outcome.text and "How to fix it:" in outcome.text


def test_json_that_is_none_of_the_three_is_refused(service: CredpathService, tmp_path: Path) -> None:
    other = tmp_path / "notes.json"
    other.write_text('{"name": "my notes"}', encoding="utf-8")
    shown = badge_input.report_handler(service, [EXPIRED], None, [str(other)], False)
    assert "notes.json: this file is not a status list, a DID document or an anchor record" in shown


def test_too_many_and_too_large_files_are_refused_readably(service: CredpathService, tmp_path: Path) -> None:
    many = badge_input.report_handler(service, [EXPIRED] * (badge_input.MAX_BADGES + 1), None, None, False)
    assert f"up to {badge_input.MAX_BADGES}" in many and "How to fix it:" in many
    big = tmp_path / "trust.json"
    big.write_bytes(b" " * int(service.settings.max_badge_mb * 2**20 + 1))
    shown = badge_input.report_handler(service, [EXPIRED], str(big), None, False)
    assert "trust.json is 10.0 MB" in shown and "“Your badges”" in shown


def test_a_badge_text_is_data_in_the_report(service: CredpathService, tmp_path: Path) -> None:
    issuer = Issuer()
    path = tmp_path / "markup.jwt"
    path.write_text(issuer.jwt(issuer.credential("x", "<img src=x onerror=alert(1)> | **bold**")), encoding="utf-8")
    table = badge_input.report_handler(service, [str(path)], None, None, False)
    row = next(line for line in table.splitlines() if "img" in line)
    assert "<img" not in row and "\\| \\*\\*bold\\*\\*" in row


def test_no_badges_is_a_hint_not_an_error(service: CredpathService) -> None:
    assert badge_input.report_handler(service, None, None, None, False).startswith("No badges given.")
