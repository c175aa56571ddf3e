"""The files verification may consult, given by the learner: trust list, status lists, DID documents, anchors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import ConfigError
from ingest.badges.blockcerts import anchor_txids
from ingest.badges.did import KeyResolver
from ingest.badges.status import StatusLists
from ingest.badges.trust import TrustList, load_trust
from ingest.badges.verify import Verifier

URL_PREFIXES = ("http://", "https://", "urn:", "did:")


def split_status(argument: str) -> tuple[str | None, Path]:
    """A status argument: ``FILE`` (matched by the list's own id) or ``URL=FILE`` (the list for that URL).

    >>> split_status("https://example.org/list/1=lists/1.json")
    ('https://example.org/list/1', PosixPath('lists/1.json'))
    >>> split_status("lists/1.json")
    (None, PosixPath('lists/1.json'))
    """
    if argument.startswith(URL_PREFIXES) and "=" in argument:
        url, _, file = argument.rpartition("=")
        return url, Path(file)
    return None, Path(argument)


def _json(path: Path, what: str, fix: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the {what}: {exc.strerror or exc}", where=str(path), fix=fix) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"the {what} is not JSON: {exc}", where=str(path), fix=fix) from None


STATUS_TYPES = ("BitstringStatusListCredential", "StatusList2021Credential", "RevocationList")
DID_KEYS = ("verificationMethod", "assertionMethod", "authentication")


@dataclass(frozen=True)
class Support:
    """Verification files sorted by what they are: status lists, DID documents and anchor records."""

    status: tuple[str, ...] = ()
    dids: tuple[Path, ...] = ()
    anchors: tuple[Path, ...] = ()


def support_kind(document: Any) -> str | None:
    """What a verification file is, read from its JSON: "did", "status", "anchor", or None when none of them.

    >>> support_kind({"id": "did:web:example.org", "verificationMethod": []})
    'did'
    >>> support_kind({"type": ["VerifiableCredential", "BitstringStatusListCredential"]})
    'status'
    >>> support_kind({"txid": "ab12"}), support_kind({"name": "a badge"})
    ('anchor', None)
    """
    if not isinstance(document, dict):
        return None
    ident = document.get("id")
    if isinstance(ident, str) and ident.startswith("did:") and any(k in document for k in DID_KEYS):
        return "did"
    kinds = document.get("type")
    names = [kinds] if isinstance(kinds, str) else [k for k in kinds or () if isinstance(k, str)]
    subject = document.get("credentialSubject")
    listed = isinstance(subject, dict) and isinstance(subject.get("encodedList"), str)
    if listed or any(k in STATUS_TYPES for k in names) or {"revokedAssertions", "revokedCredentials"} & document.keys():
        return "status"
    if any(isinstance(document.get(k), str) for k in ("txid", "hash")):
        return "anchor"
    return None


def sort_support(paths: Sequence[Path]) -> Support:
    """Verification files given without saying which is which, sorted by their content.

    Raises ConfigError naming the first file that is not JSON or is none of a status list, a DID document
    and an anchor record.
    """
    sorted_: dict[str, list[Path]] = {"status": [], "did": [], "anchor": []}
    for path in paths:
        fix = "give status lists, issuers' DID documents (did.json) or anchoring transactions (JSON with a txid)"
        kind = support_kind(_json(path, "verification file", fix))
        if kind is None:
            raise ConfigError(
                "this file is not a status list, a DID document or an anchor record", where=str(path), fix=fix
            )
        sorted_[kind].append(path)
    return Support(
        status=tuple(str(p) for p in sorted_["status"]), dids=tuple(sorted_["did"]), anchors=tuple(sorted_["anchor"])
    )


def build_verifier(
    *,
    trust: Path | None = None,
    status: Sequence[str] = (),
    dids: Sequence[Path] = (),
    anchors: Sequence[Path] = (),
    max_bytes: int = 10 * 2**20,
    now: dt.datetime | None = None,
) -> Verifier:
    """A Verifier over the given files; a file that cannot be used raises ConfigError naming it and the fix."""
    documents: dict[str, Any] = {}
    for path in dids:
        document = _json(path, "DID document", "give the issuer's did.json")
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise ConfigError("a DID document needs an 'id'", where=str(path), fix="give the issuer's did.json")
        documents[document["id"]] = document
    records: dict[str, Any] = {}
    for path in anchors:
        record = _json(path, "anchor record", "give the anchoring transaction as JSON (with its txid)")
        txids = anchor_txids(record)
        if not txids:
            raise ConfigError(
                "the anchor record names no transaction id (field txid, hash or id)",
                where=str(path),
                fix="give the anchoring transaction as JSON, as a block explorer shows it",
            )
        records |= dict.fromkeys(txids, record)
    files: list[Path] = []
    by_url: dict[str, Path] = {}
    for argument in status:
        url, path = split_status(argument)
        if not path.is_file():
            raise ConfigError("the status list file does not exist", where=str(path), fix="check the path")
        if url is None:
            files.append(path)
        else:
            by_url[url] = path
    trust_list = load_trust(trust) if trust is not None else TrustList()
    return Verifier(
        resolver=KeyResolver(documents=documents, trusted_keys=trust_list.keys),
        trust=trust_list,
        status_lists=StatusLists(files=files, by_url=by_url),
        anchors=records,
        now=now or dt.datetime.now(dt.UTC),
        max_bytes=max_bytes,
    )
