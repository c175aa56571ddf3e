"""Revocation and suspension from status lists given as files: BitstringStatusList and 1EdTech revocation lists."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.badges import multibase
from ingest.badges.result import BadgeStatus, Check, Outcome

BITSTRING_ENTRIES = {"BitstringStatusListEntry", "StatusList2021Entry"}
LIST_CREDENTIALS = {"BitstringStatusListCredential", "StatusList2021Credential"}
REVOCATION_LISTS = {"1EdTechRevocationList", "RevocationList"}

VerifyList = Callable[[dict[str, Any], str], tuple[BadgeStatus, str]]
"""Verifies a status list credential: (its status, a reason when it is not verified)."""


@dataclass
class StatusLists:
    """The status list files the learner gave: matched by the list's own id, or by an explicit URL."""

    files: Sequence[Path] = ()
    by_url: Mapping[str, Path] = field(default_factory=dict)
    read: Callable[[Path], Any] = field(default=lambda p: json.loads(p.read_text(encoding="utf-8")))
    _ids: dict[str, tuple[Path, Any]] | None = None

    def find(self, url: str) -> tuple[str, Any] | None:
        """(file name, parsed list) for a list URL, or None when no given file is that list."""
        if url in self.by_url:
            path = self.by_url[url]
            try:
                return str(path), self.read(path)
            except (OSError, ValueError):
                return str(path), None
        if self._ids is None:
            self._ids = {}
            for path in self.files:
                try:
                    data = self.read(path)
                except (OSError, ValueError):
                    continue
                if isinstance(data, dict) and isinstance(data.get("id"), str):
                    self._ids.setdefault(data["id"], (path, data))
        found = self._ids.get(url)
        return (str(found[0]), found[1]) if found else None


def entries(credential: dict[str, Any]) -> list[dict[str, Any]]:
    status = credential.get("credentialStatus")
    items = status if isinstance(status, list) else [status] if status is not None else []
    return [s for s in items if isinstance(s, dict)]


def check_status(
    credential: dict[str, Any], lists: StatusLists, verify_list: VerifyList, *, revocation_list: str = ""
) -> Check:
    """Revoked (failed), not revoked (passed) or unverifiable (list not given, list not verified, unknown type)."""
    items = entries(credential)
    if revocation_list:
        items.append({"type": "RevocationList", "id": revocation_list})
    if not items:
        return Check(check="status", outcome=Outcome.skipped, message="the credential has no status entry")
    passed: list[str] = []
    for item in items:
        check = _one(credential, item, lists, verify_list)
        if check.outcome is not Outcome.passed:
            return check
        passed.append(check.message)
    return Check(check="status", outcome=Outcome.passed, message="; ".join(passed))


def _one(credential: dict[str, Any], item: dict[str, Any], lists: StatusLists, verify_list: VerifyList) -> Check:
    kind = str(item.get("type", ""))
    if kind in BITSTRING_ENTRIES:
        return _bitstring(item, lists, verify_list)
    if kind in REVOCATION_LISTS:
        return _revocation_list(credential, item, lists)
    return Check(check="status", outcome=Outcome.unverifiable, message=f"status type {kind!r} is not supported")


def _missing(url: str) -> Check:
    return Check(
        check="status",
        outcome=Outcome.unverifiable,
        message=f"status list {url} was not given (it is never fetched): give the list as a status file, "
        "matched by its id, or paired with this URL",
    )


def _bitstring(item: dict[str, Any], lists: StatusLists, verify_list: VerifyList) -> Check:
    url = str(item.get("statusListCredential", ""))
    purpose = str(item.get("statusPurpose", "revocation"))
    try:
        index = int(item.get("statusListIndex", ""))
    except (TypeError, ValueError):
        return Check(check="status", outcome=Outcome.failed, message="statusListIndex is not a number")
    found = lists.find(url)
    if found is None:
        return _missing(url)
    name, status_list = found
    if not isinstance(status_list, dict):
        return Check(check="status", outcome=Outcome.unverifiable, message=f"{name} is not a status list credential")
    verdict, reason = verify_list(status_list, name)
    note = f" ({reason})" if reason else ""
    if verdict is not BadgeStatus.verified:
        return Check(
            check="status",
            outcome=Outcome.unverifiable,
            message=f"the status list {name} is {verdict.value}, so it cannot vouch for this badge: {reason}",
        )
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("encodedList"), str):
        return Check(
            check="status", outcome=Outcome.unverifiable, message=f"{name} has no credentialSubject.encodedList"
        )
    if subject.get("statusPurpose", purpose) != purpose:
        return Check(
            check="status",
            outcome=Outcome.unverifiable,
            message=f"{name} is a {subject.get('statusPurpose')} list, the badge asks for {purpose}",
        )
    try:
        bits = _bitstring_bytes(subject["encodedList"])
    except ValueError as exc:
        return Check(check="status", outcome=Outcome.unverifiable, message=f"{name}: encodedList unreadable: {exc}")
    if index < 0 or index >= len(bits) * 8:
        return Check(check="status", outcome=Outcome.unverifiable, message=f"index {index} is outside {name}")
    if bits[index // 8] >> (7 - index % 8) & 1:
        return Check(check="status", outcome=Outcome.failed, message=f"{purpose}: set at index {index} of {name}{note}")
    return Check(check="status", outcome=Outcome.passed, message=f"not in {purpose} (index {index} of {name}){note}")


def _bitstring_bytes(encoded: str) -> bytes:
    """GZIP-compressed bitstring, multibase base64url ('u...') or bare base64url (StatusList2021)."""
    raw = multibase.b64url_decode(encoded[1:]) if encoded.startswith("u") else b""
    for candidate in (raw, multibase.b64url_decode(encoded)):
        try:
            return gzip.decompress(candidate)
        except (OSError, EOFError, zlib.error):
            continue
    raise ValueError("not GZIP-compressed base64url")


def _revocation_list(credential: dict[str, Any], item: dict[str, Any], lists: StatusLists) -> Check:
    url = str(item.get("id", ""))
    found = lists.find(url)
    if found is None:
        return _missing(url)
    name, data = found
    if not isinstance(data, dict):
        return Check(check="status", outcome=Outcome.unverifiable, message=f"{name} is not a revocation list")
    revoked = [*(data.get("revokedCredentials") or []), *(data.get("revokedAssertions") or [])]
    wanted = str(credential.get("id", ""))
    for entry in revoked:
        rid = entry.get("id") if isinstance(entry, dict) else entry
        if rid == wanted and wanted:
            reason = entry.get("revocationReason", "") if isinstance(entry, dict) else ""
            return Check(
                check="status", outcome=Outcome.failed, message=f"revoked in {name}" + (f": {reason}" if reason else "")
            )
    return Check(check="status", outcome=Outcome.passed, message=f"not revoked in {name}")
