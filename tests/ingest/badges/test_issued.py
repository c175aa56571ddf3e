"""Held-badge verification on badges the tests issue and sign: every verdict, every shape, every bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from graph.errors import ConfigError
from ingest.badges.result import BadgeResult, BadgeStatus, Outcome
from ingest.badges.sources import build_verifier
from tests.ingest.badges.factory import Issuer, blockcert, png, svg, unsigned_jwt

ISSUER = Issuer()
BADGE = "https://badges.example.org/achievements/sql-basics"
LIST = "https://badges.example.org/status/1"


def entry(index: int) -> dict[str, Any]:
    return {
        "id": f"{LIST}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": LIST,
    }


def write(folder: Path, name: str, content: str | bytes | dict[str, Any]) -> Path:
    path = folder / name
    if isinstance(content, dict):
        content = json.dumps(content)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def inspect(*paths: Path, **files: Any) -> list[BadgeResult]:
    return build_verifier(**files).inspect(paths)


def checks(result: BadgeResult) -> dict[str, Outcome]:
    return {c.check: c.outcome for c in result.checks}


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "Ed25519Signature2020"])
def test_valid_and_tampered(tmp_path: Path, suite: str) -> None:
    signed = ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics"), suite)
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["achievement"]["name"] = "Advanced SQL"
    valid, bad = inspect(write(tmp_path, "ok.json", signed), write(tmp_path, "bad.json", tampered))
    assert valid.status is BadgeStatus.verified and valid.name == "SQL Basics" and valid.issuer == ISSUER.did
    assert bad.status is BadgeStatus.invalid and checks(bad)["proof"] is Outcome.failed
    assert "does not match" in bad.checks[1].message


def test_expired_and_not_yet_valid(tmp_path: Path) -> None:
    expired = ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics", valid_until="2024-06-01T00:00:00Z"))
    future = ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics", valid_from="2999-01-01T00:00:00Z"))
    old, early = inspect(write(tmp_path, "old.json", expired), write(tmp_path, "early.json", future))
    assert old.status is BadgeStatus.expired and checks(old)["proof"] is Outcome.passed
    assert early.status is BadgeStatus.invalid and checks(early)["valid_from"] is Outcome.failed


def test_revoked_through_a_status_list_the_test_signed(tmp_path: Path) -> None:
    status_list = write(tmp_path, "list.json", ISSUER.status_list(LIST, revoked={3}))
    revoked = write(tmp_path, "r.json", ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics", status=entry(3))))
    kept = write(tmp_path, "k.json", ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics", status=entry(4))))
    both = ISSUER.credential(BADGE, "SQL Basics", status=entry(3), valid_until="2024-06-01T00:00:00Z")
    old = write(tmp_path, "o.json", ISSUER.sign(both))
    results = inspect(revoked, kept, old, status=[str(status_list)])
    assert [r.status for r in results] == [BadgeStatus.revoked, BadgeStatus.verified, BadgeStatus.revoked]


def test_a_status_list_signed_by_someone_else_but_tampered_does_not_vouch(tmp_path: Path) -> None:
    forged = ISSUER.status_list(LIST, revoked=set())
    forged["credentialSubject"]["encodedList"] = Issuer(seed=2).status_list(LIST, {3})["credentialSubject"][
        "encodedList"
    ]
    (result,) = inspect(
        write(tmp_path, "r.json", ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics", status=entry(3)))),
        status=[f"{LIST}={write(tmp_path, 'forged.json', forged)}"],
    )
    assert result.status is BadgeStatus.unverifiable and "invalid" in result.checks[-1].message


def test_vc_jwt_with_did_key_kid_and_with_jwk_header(tmp_path: Path) -> None:
    credential = ISSUER.credential(BADGE, "SQL Basics")
    kid = write(tmp_path, "kid.jwt", ISSUER.jwt(credential, header="kid"))
    jwk = write(tmp_path, "jwk.jwt", ISSUER.jwt(credential, header="jwk", alg="Ed25519"))
    results = inspect(kid, jwk)
    assert [r.status for r in results] == [BadgeStatus.verified] * 2
    assert [r.format for r in results] == ["ob3-jwt"] * 2
    assert "jwk" in results[1].checks[1].message


def test_jwt_tampered_alg_none_and_unresolvable_key(tmp_path: Path) -> None:
    credential = ISSUER.credential(BADGE, "SQL Basics")
    token = ISSUER.jwt(credential)
    head, _, sig = token.split(".")
    forged_body = ISSUER.jwt(ISSUER.credential(BADGE, "Advanced SQL")).split(".")[1]
    tampered = write(tmp_path, "t.jwt", f"{head}.{forged_body}.{sig}")
    none = write(tmp_path, "n.jwt", unsigned_jwt(credential))
    keyless = write(tmp_path, "k.jwt", ISSUER.jwt(credential, header="none"))
    bad, unsigned, unknown = inspect(tampered, none, keyless)
    assert bad.status is BadgeStatus.invalid and "does not match" in bad.checks[1].message
    assert unsigned.status is BadgeStatus.invalid and "alg 'none'" in unsigned.checks[1].message
    assert unknown.status is BadgeStatus.unverifiable and "names no key" in unknown.checks[1].message


def test_a_trust_file_key_resolves_a_kid_and_sets_trusted(tmp_path: Path) -> None:
    other = Issuer(seed=3, name="Other College")
    trust = write(
        tmp_path,
        "trust.yaml",
        f"issuers: ['{ISSUER.did}']\nkeys:\n  - id: {other.method}\n    publicKeyMultibase: {other.did[8:]}\n",
    )
    mine = write(tmp_path, "m.json", ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics")))
    theirs = write(tmp_path, "t.jwt", other.jwt(other.credential(BADGE, "SQL Basics"), header="kid"))
    results = inspect(mine, theirs, trust=trust)
    assert [r.trusted for r in results] == ["yes", "no"]
    assert [r.status for r in results] == [BadgeStatus.verified] * 2
    assert [r.trusted for r in inspect(mine)] == ["unknown"]


def test_baked_png_and_svg(tmp_path: Path) -> None:
    signed = json.dumps(ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics")))
    token = ISSUER.jwt(ISSUER.credential(BADGE, "SQL Basics"))
    files = [
        write(tmp_path, "a.png", png(signed)),
        write(tmp_path, "b.png", png(token, keyword=b"openbadgecredential")),
        write(tmp_path, "c.svg", svg(signed)),
        write(tmp_path, "d.svg", svg(token, as_attribute=True)),
    ]
    assert [r.status for r in inspect(*files)] == [BadgeStatus.verified] * 4


def test_clr_bundle_labels_each_credential_on_its_own(tmp_path: Path) -> None:
    good = ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics"))
    bad = json.loads(json.dumps(good))
    bad["credentialSubject"]["achievement"]["name"] = "Forged"
    clr = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": ISSUER.did,
        "credentialSubject": {"verifiableCredential": [good, bad, ISSUER.jwt(ISSUER.credential(BADGE, "SQL"))]},
    }
    results = inspect(write(tmp_path, "clr.json", clr))
    assert [r.status for r in results] == [BadgeStatus.verified, BadgeStatus.invalid, BadgeStatus.verified]
    assert results[1].source.endswith("clr.json#/credentialSubject/verifiableCredential/1")


def test_blockcerts_offline_then_with_the_anchor_record(tmp_path: Path) -> None:
    txid = "ab" * 32
    certificate, record = blockcert(txid)
    cert = write(tmp_path, "cert.json", certificate)
    (offline,) = inspect(cert)
    assert offline.status is BadgeStatus.unverifiable
    anchor = next(c for c in offline.checks if c.check == "anchor")
    assert f"blink:btc:testnet:{txid}" in anchor.message
    (anchored,) = inspect(cert, anchors=[write(tmp_path, "tx.json", record)])
    assert anchored.status is BadgeStatus.verified
    wrong = record | {"vout": [{"scriptpubkey": "6a20" + "00" * 32}]}
    (mismatch,) = inspect(cert, anchors=[write(tmp_path, "tx2.json", wrong)])
    assert mismatch.status is BadgeStatus.invalid
    certificate["name"] = "Certificate in Something Else"
    (tampered,) = inspect(write(tmp_path, "t.json", certificate))
    assert tampered.status is BadgeStatus.invalid and "targetHash" in tampered.checks[1].message


def test_bad_input_each_gets_a_message_and_the_rest_are_processed(tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics")))
    corrupt = bytearray(png(json.dumps({"a": 1})))
    corrupt[40] ^= 0xFF
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(50_000_000)
    files = [
        write(tmp_path, "corrupt.png", bytes(corrupt)),
        write(tmp_path, "plain.png", png(None)),
        write(tmp_path, "shape.json", {"hello": "world"}),
        write(tmp_path, "broken.json", '{"type": ['),
        huge,
        tmp_path / "missing.json",
        write(tmp_path, "bomb.svg", '<!DOCTYPE x [<!ENTITY a "aaaa">]><svg>&a;</svg>'),
        good,
    ]
    results = inspect(*files)
    messages = [r.checks[0].message for r in results[:-1]]
    assert [r.status for r in results[:-1]] == [BadgeStatus.unreadable] * 7
    assert "fails its CRC" in messages[0]
    assert "without an 'openbadges' chunk" in messages[1]
    assert "unknown JSON shape" in messages[2]
    assert "line 1, column" in messages[3]
    assert "47.7 MiB is over the 10 MiB limit" in messages[4] and "CREDPATH_MAX_BADGE_MB" in messages[4]
    assert "cannot read" in messages[5]
    assert "DOCTYPE" in messages[6]
    assert results[-1].status is BadgeStatus.verified


def test_unusable_verification_files_raise_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DID document needs an 'id'"):
        build_verifier(dids=[write(tmp_path, "d.json", {"x": 1})])
    with pytest.raises(ConfigError, match="names no transaction id"):
        build_verifier(anchors=[write(tmp_path, "a.json", {"x": 1})])
    with pytest.raises(ConfigError, match="does not exist"):
        build_verifier(status=[str(tmp_path / "nope.json")])
    with pytest.raises(ConfigError, match="'issuers' and/or 'keys'"):
        build_verifier(trust=write(tmp_path, "t.yaml", "- a\n"))


def test_now_is_a_parameter_so_dates_are_checked_against_it(tmp_path: Path) -> None:
    path = write(tmp_path, "x.json", ISSUER.sign(ISSUER.credential(BADGE, "SQL", valid_until="2030-01-01T00:00:00Z")))
    later = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    assert build_verifier(now=later).inspect([path])[0].status is BadgeStatus.expired
    assert build_verifier().inspect([path])[0].status is BadgeStatus.verified


def test_ob2_signed_assertion_verifies_with_a_trusted_rsa_key_and_its_revocation_list(tmp_path: Path) -> None:
    from joserfc import jws
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048)
    creator = "https://issuer.example.org/keys/1"
    revocations = "https://issuer.example.org/revocations"

    def assertion(ident: str) -> str:
        payload = {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": ident,
            "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
            "issuedOn": "2024-01-01T00:00:00Z",
            "verification": {"type": "SignedBadge", "creator": creator},
            "badge": {
                "type": "BadgeClass",
                "id": "https://issuer.example.org/badges/sql",
                "name": "SQL Basics",
                "issuer": {"id": "https://issuer.example.org", "name": "Issuer", "revocationList": revocations},
            },
        }
        return jws.serialize_compact({"alg": "RS256"}, json.dumps(payload), key, algorithms=["RS256"])

    trust = write(
        tmp_path,
        "trust.json",
        {"issuers": ["https://issuer.example.org"], "keys": [{"id": creator, "jwk": key.as_dict(private=False)}]},
    )
    revoked_list = write(
        tmp_path,
        "rev.json",
        {"id": revocations, "type": "RevocationList", "revokedAssertions": [{"id": "urn:b", "revocationReason": "x"}]},
    )
    kept = write(tmp_path, "a.svg", svg(assertion("urn:a"), as_attribute=True))
    gone = write(tmp_path, "b.png", png(assertion("urn:b")))
    results = inspect(kept, gone, trust=trust, status=[str(revoked_list)])
    assert [(r.format, r.status, r.trusted) for r in results] == [
        ("ob2", BadgeStatus.verified, "yes"),
        ("ob2", BadgeStatus.revoked, "yes"),
    ]
    assert "revoked in" in results[1].checks[-1].message
    (untrusted,) = inspect(kept)
    assert untrusted.status is BadgeStatus.unverifiable and "trust file" in untrusted.checks[1].message


def test_ob3_1edtech_revocation_list(tmp_path: Path) -> None:
    url = "https://badges.example.org/revocations"
    status = {"id": url, "type": "1EdTechRevocationList"}
    signed = ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics", status=status, ident="urn:uuid:revoked-1"))
    listing = write(tmp_path, "list.json", {"id": url, "revokedCredentials": [{"id": "urn:uuid:revoked-1"}]})
    (result,) = inspect(write(tmp_path, "c.json", signed), status=[str(listing)])
    assert result.status is BadgeStatus.revoked


def test_deeply_nested_json_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    deep = write(tmp_path, "deep.json", '{"type": "Assertion", "badge": ' + "[" * 100_000 + "]" * 100_000 + "}")
    signed = json.dumps(ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics")))
    nested = '"credentialSubject": {"extra": ' + '{"n": ' * 900 + "{}" + "}" * 900 + ", "
    (too_deep,) = inspect(deep)
    assert too_deep.status is BadgeStatus.unreadable and "nested too deeply" in too_deep.checks[0].message
    (deep_subject,) = inspect(write(tmp_path, "n.json", signed.replace('"credentialSubject": {', nested, 1)))
    assert deep_subject.status in (BadgeStatus.unreadable, BadgeStatus.invalid)


@pytest.mark.parametrize("value", [None, 5, "", [], {}, {"a": 1}, True, "z123", ["a", {"b": 2}]])
def test_odd_values_anywhere_give_a_verdict_never_a_crash(value: Any) -> None:
    from ingest.badges.read import Document

    signed = ISSUER.sign(ISSUER.credential(BADGE, "SQL Basics", status=entry(3)))
    verifier = build_verifier()
    paths: list[list[Any]] = []

    def walk(node: Any, path: list[Any]) -> None:
        paths.append(path)
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, child in children:
            walk(child, [*path, key])

    walk(signed, [])
    for path in paths[1:]:
        doc = json.loads(json.dumps(signed))
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        result = verifier.verify(Document("x", "ob3-jsonld", data=doc))
        assert result.status in BadgeStatus, path
        if path[0] in ("name", "credentialSubject", "validFrom", "issuer") and value != signed.get(path[0]):
            assert result.status is not BadgeStatus.verified, path


def test_the_readme_demo_badges_are_what_the_factory_issues() -> None:
    demo = Path(__file__).resolve().parents[2] / "fixtures" / "badges" / "demo"
    credential = ISSUER.credential(
        "harbourline-spreadsheet-essentials",
        "Spreadsheet Essentials",
        description="Formulas, references, sorting and filtering.",
    )
    assert (demo / "spreadsheet-essentials.jwt").read_text().strip() == ISSUER.jwt(credential)
    good, bad = inspect(demo / "spreadsheet-essentials.jwt", demo / "spreadsheet-essentials-tampered.jwt")
    assert (good.status, bad.status) == (BadgeStatus.verified, BadgeStatus.invalid)
