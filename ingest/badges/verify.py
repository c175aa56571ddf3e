"""Verifying held badges offline, in the Open Badges 3.0 order: structure, proof, validity dates, status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.badges.blockcerts import check_merkle
from ingest.badges.did import KeyResolver
from ingest.badges.facts import achievement_of, display_name, issuer_of, text
from ingest.badges.jwt import NotAJwt, decode_jwt
from ingest.badges.proofs import check_signatures
from ingest.badges.read import Document, Unreadable, read_badge_file, types_of
from ingest.badges.result import BadgeResult, BadgeStatus, Check, Outcome
from ingest.badges.status import LIST_CREDENTIALS, StatusLists, check_status
from ingest.badges.trust import TrustList

_QUIET = {Outcome.passed, Outcome.skipped}
FATAL = {"structure", "proof", "valid_from", "anchor", "issuer"}
"""A failure in any of these makes the badge invalid; a failed status check means revoked, valid_until expired."""


@dataclass
class Verifier:
    """Everything verification may consult, all given as files: keys, DID documents, status lists, anchors, trust."""

    resolver: KeyResolver = field(default_factory=KeyResolver)
    trust: TrustList = field(default_factory=TrustList)
    status_lists: StatusLists = field(default_factory=StatusLists)
    anchors: dict[str, Any] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    max_bytes: int = 10 * 2**20

    def inspect(self, paths: Iterable[Path]) -> list[BadgeResult]:
        """One result per credential in each file; a file that cannot be read yields one 'unreadable' result."""
        results: list[BadgeResult] = []
        for path in paths:
            try:
                documents = read_badge_file(path, self.max_bytes)
            except Unreadable as exc:
                results.append(unreadable(str(path), str(exc)))
                continue
            for document in documents:
                try:
                    results.append(self.verify(document))
                except RecursionError:
                    results.append(unreadable(document.source, "the credential is nested too deeply to check"))
        return results

    def verify(self, document: Document, *, depth: int = 0) -> BadgeResult:
        """Label one credential, reporting each check in order."""
        if document.format == "jwt":
            return self._jwt(document, depth)
        if document.hosted_url:
            return BadgeResult(
                source=document.source,
                format="ob2",
                status=BadgeStatus.unverifiable,
                checks=(_hosted(document.hosted_url),),
            )
        data = document.data or {}
        checks = [structure(data, document.format, depth)]
        if checks[0].outcome is Outcome.passed:
            issuer = issuer_of(data)[0]
            if document.format == "blockcerts":
                checks.extend(check_merkle(data, self.anchors))
            elif document.format == "ob2":
                checks.append(_ob2_proof(data))
            else:
                checks.append(check_signatures(data, self.resolver, issuer))
            checks.extend(self._dates(data, None, None))
            checks.append(self._status(data, depth))
        return self._result(document, data, checks)

    def _jwt(self, document: Document, depth: int) -> BadgeResult:
        try:
            decoded = decode_jwt(document.token, self.resolver)
        except NotAJwt as exc:
            return unreadable(document.source, str(exc))
        data = decoded.credential
        kind = "ob2" if "Assertion" in types_of(data) else "ob3-jwt"
        checks = [structure(data, kind, depth)]
        if checks[0].outcome is Outcome.passed:
            checks.append(decoded.proof)
            checks.extend(self._dates(data, decoded.not_before, decoded.expires))
            checks.append(self._status(data, depth))
        return self._result(Document(document.source, kind, data=data), data, checks)

    def _dates(self, data: dict[str, Any], not_before: dt.datetime | None, expires: dt.datetime | None) -> list[Check]:
        checks: list[Check] = []
        start_text = text(data.get("validFrom") or data.get("issuanceDate") or data.get("issuedOn"))
        end_text = text(data.get("validUntil") or data.get("expirationDate") or data.get("expires"))
        try:
            start = max((d for d in (_when(start_text), not_before) if d), default=None)
            end = min((d for d in (_when(end_text), expires) if d), default=None)
        except ValueError as exc:
            return [Check(check="valid_from", outcome=Outcome.failed, message=str(exc))]
        if start is None:
            checks.append(Check(check="valid_from", outcome=Outcome.skipped, message="no validFrom or issuance date"))
        elif start > self.now:
            checks.append(
                Check(check="valid_from", outcome=Outcome.failed, message=f"not valid until {start.isoformat()}")
            )
        else:
            checks.append(Check(check="valid_from", outcome=Outcome.passed, message=f"valid from {start.isoformat()}"))
        if end is None:
            checks.append(Check(check="valid_until", outcome=Outcome.passed, message="no expiry date"))
        elif end < self.now:
            checks.append(Check(check="valid_until", outcome=Outcome.failed, message=f"expired {end.isoformat()}"))
        else:
            checks.append(Check(check="valid_until", outcome=Outcome.passed, message=f"valid until {end.isoformat()}"))
        return checks

    def _status(self, data: dict[str, Any], depth: int) -> Check:
        if depth > 0:
            return Check(check="status", outcome=Outcome.skipped, message="a status list's own status is not followed")
        issuer = issuer_of(data)[0]

        def verify_list(status_list: dict[str, Any], name: str) -> tuple[BadgeStatus, str]:
            result = self.verify(Document(name, "ob3-jsonld", data=status_list), depth=depth + 1)
            list_issuer = issuer_of(status_list)[0]
            if result.status is BadgeStatus.verified:
                other = list_issuer != issuer
                return result.status, f"the list is issued by {list_issuer}, not the badge's issuer" if other else ""
            reasons = [f"{c.check}: {c.message}" for c in result.checks if c.outcome not in _QUIET]
            return result.status, "; ".join(reasons)

        revocation_list = ""
        badge = data.get("badge")
        if isinstance(badge, dict) and isinstance(badge.get("issuer"), dict):
            revocation_list = text(badge["issuer"].get("revocationList"))
        return check_status(data, self.status_lists, verify_list, revocation_list=revocation_list)

    def _result(self, document: Document, data: dict[str, Any], checks: Sequence[Check]) -> BadgeResult:
        issuer, issuer_name = issuer_of(data)
        achievement = achievement_of(data)
        return BadgeResult(
            source=document.source,
            format=document.format,
            status=verdict(checks),
            checks=tuple(checks),
            trusted=self.trust.trusted(issuer),
            name=display_name(data, achievement),
            issuer=issuer,
            issuer_name=issuer_name,
            achievement=achievement,
        )


def verdict(checks: Sequence[Check]) -> BadgeStatus:
    """invalid > revoked > expired > unverifiable > verified: one both revoked and expired is revoked.

    >>> verdict([Check(check="structure", outcome=Outcome.passed, message="")])
    <BadgeStatus.verified: 'verified'>
    """
    failed = {c.check for c in checks if c.outcome is Outcome.failed}
    if failed & FATAL:
        return BadgeStatus.invalid
    if "status" in failed:
        return BadgeStatus.revoked
    if "valid_until" in failed:
        return BadgeStatus.expired
    if any(c.outcome is Outcome.unverifiable for c in checks):
        return BadgeStatus.unverifiable
    return BadgeStatus.verified


def unreadable(source: str, message: str) -> BadgeResult:
    return BadgeResult(
        source=source,
        status=BadgeStatus.unreadable,
        checks=(Check(check="read", outcome=Outcome.failed, message=message),),
    )


def structure(data: dict[str, Any], kind: str, depth: int) -> Check:
    """The shape the format requires before anything else is checked."""
    missing: list[str] = []
    if kind == "ob2":
        missing = [f for f in ("badge", "recipient", "verification", "issuedOn") if f not in data]
        what = "Open Badges 2.0 Assertion"
    else:
        types = types_of(data)
        if "VerifiableCredential" not in types:
            missing.append("type VerifiableCredential")
        missing += [f for f in ("@context", "issuer", "credentialSubject") if f not in data]
        if types & {"OpenBadgeCredential", "AchievementCredential"} and achievement_of(data).id == "" and depth == 0:
            missing.append("credentialSubject.achievement.id")
        if depth and not types & LIST_CREDENTIALS:
            missing.append("type BitstringStatusListCredential")
        what = "status list credential" if depth else "Blockcerts certificate" if kind == "blockcerts" else "credential"
    if missing:
        return Check(
            check="structure", outcome=Outcome.failed, message=f"not a well-formed {what}: missing {', '.join(missing)}"
        )
    return Check(check="structure", outcome=Outcome.passed, message=f"a well-formed {what}")


def _ob2_proof(data: dict[str, Any]) -> Check:
    verification = data.get("verification")
    kind = text(verification.get("type")) if isinstance(verification, dict) else ""
    if kind.lower() in {"hosted", "hostedbadge"}:
        return _hosted(text(data.get("id")))
    return Check(
        check="proof",
        outcome=Outcome.unverifiable,
        message=f"verification type {kind or 'none'!r}: a signed assertion must be given as its JWS, not as JSON",
    )


def _hosted(url: str) -> Check:
    return Check(
        check="proof",
        outcome=Outcome.unverifiable,
        message=f"hosted verification: the assertion at {url or 'its id URL'} would have to be fetched, "
        "which credpath never does offline",
    )


def _when(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"date {value!r} is not ISO 8601") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
