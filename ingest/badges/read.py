"""Reading badge files: JSON, baked PNG (iTXt 'openbadges'), baked SVG, VC-JWT text, and CLR bundles."""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ingest.badges.jwt import looks_like_jwt
from ingest.badges.proofs import is_merkle, proofs_of

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORDS = (b"openbadges", b"openbadgecredential")
"""iTXt keywords: OB 2.0 bakes under 'openbadges', OB 3.0 under 'openbadgecredential'."""
SVG_ELEMENTS = ("{http://openbadges.org}assertion", "{https://purl.imsglobal.org/ob/v3p0}credential")
CREDENTIAL_TYPES = {"VerifiableCredential", "OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"}
CLR_TYPES = {"ClrCredential", "CLRCredential"}
SHAPES = (
    "an Open Badges 2.0 Assertion, an Open Badges 3.0 / Verifiable Credential, a CLR 2.0 bundle "
    "or a Blockcerts v3 certificate"
)


class Unreadable(Exception):
    """A badge file (or a credential inside one) that cannot be read; the message says what and how to fix."""


@dataclass(frozen=True)
class Document:
    """One credential found in a file, before verification."""

    source: str
    format: str
    data: dict[str, Any] | None = None
    token: str = ""
    hosted_url: str = ""


def read_badge_file(path: Path, max_bytes: int) -> list[Document]:
    """Every credential in one file (several for a CLR); raises Unreadable with the reason."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Unreadable(
                f"{size / 2**20:.1f} MiB is over the {max_bytes / 2**20:g} MiB limit for a badge file "
                "(the limit max_badge_mb: raise CREDPATH_MAX_BADGE_MB if it really is a badge)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    if not raw.strip():
        raise Unreadable("the file is empty")
    if raw.startswith(PNG_SIGNATURE):
        return parse_payload(png_payload(raw, max_bytes), source)
    head = raw[:512].lstrip().lower()
    if head.startswith(b"<"):
        return svg_documents(raw, source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(f"not text, PNG or SVG: an unknown file type; expected {SHAPES}") from None
    return parse_payload(text, source)


def parse_payload(text: str, source: str) -> list[Document]:
    """A badge payload: JSON, a compact JWS/JWT, or the URL of a hosted assertion."""
    text = text.strip()
    if text.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise Unreadable(f"broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise Unreadable("JSON nested too deeply to be a credential") from None
        if not isinstance(data, dict):
            raise Unreadable(f"a JSON {type(data).__name__}, not a credential object; expected {SHAPES}")
        return classify(data, source)
    if looks_like_jwt(text):
        return [Document(source, "jwt", token=text)]
    if text.startswith(("http://", "https://")) and " " not in text:
        return [Document(source, "ob2", hosted_url=text)]
    raise Unreadable(f"unknown content: not JSON, not a JWT, not a URL; expected {SHAPES}")


def types_of(node: dict[str, Any]) -> set[str]:
    value = node.get("type", node.get("@type"))
    items = value if isinstance(value, list) else [value]
    return {str(t).rsplit(":", 1)[-1].rsplit("/", 1)[-1] for t in items if isinstance(t, str)}


def classify(data: dict[str, Any], source: str) -> list[Document]:
    """Which kind of credential a JSON object is; a CLR yields each credential inside it."""
    types = types_of(data)
    if types & CLR_TYPES:
        return _clr(data, source)
    if any(is_merkle(p) for p in proofs_of(data)):
        return [Document(source, "blockcerts", data=data)]
    if types & CREDENTIAL_TYPES or "credentialSubject" in data:
        return [Document(source, "ob3-jsonld", data=data)]
    if "Assertion" in types or ("badge" in data and "recipient" in data):
        return [Document(source, "ob2", data=data)]
    shown = ", ".join(sorted(types)) or "no type"
    raise Unreadable(f"unknown JSON shape ({shown}); expected {SHAPES}")


def _clr(data: dict[str, Any], source: str) -> list[Document]:
    subject = data.get("credentialSubject")
    inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if not isinstance(inner, list) or not inner:
        raise Unreadable("a CLR without credentialSubject.verifiableCredential: nothing to read")
    found: list[Document] = []
    for i, item in enumerate(inner):
        where = f"{source}#/credentialSubject/verifiableCredential/{i}"
        if isinstance(item, str) and looks_like_jwt(item):
            found.append(Document(where, "jwt", token=item))
        elif isinstance(item, dict):
            found.extend(classify(item, where))
        else:
            raise Unreadable(f"{where}: neither a credential object nor a JWT")
    return found


def png_payload(raw: bytes, max_bytes: int) -> str:
    """The 'openbadges' iTXt (or tEXt) chunk of a baked PNG, every chunk CRC-checked on the way."""
    offset = len(PNG_SIGNATURE)
    while offset < len(raw):
        if offset + 8 > len(raw):
            raise Unreadable(f"corrupt PNG: truncated chunk header at byte {offset}")
        length, kind = struct.unpack(">I4s", raw[offset : offset + 8])
        end = offset + 8 + length + 4
        if end > len(raw):
            raise Unreadable(f"corrupt PNG: chunk {kind!r} at byte {offset} runs past the end of the file")
        body = raw[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", raw[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise Unreadable(f"corrupt PNG: chunk {kind.decode('latin-1')!r} at byte {offset} fails its CRC")
        keyword, _, rest = body.partition(b"\x00")
        if kind in (b"iTXt", b"tEXt") and keyword in PNG_KEYWORDS:
            return _text_chunk(kind, rest, max_bytes)
        if kind == b"IEND":
            break
        offset = end
    raise Unreadable("a PNG without an 'openbadges' chunk: not a baked badge (export the badge from your wallet)")


def _text_chunk(kind: bytes, rest: bytes, max_bytes: int) -> str:
    if kind == b"tEXt":
        return rest.decode("latin-1")
    if len(rest) < 2:
        raise Unreadable("corrupt PNG: the 'openbadges' iTXt chunk is truncated")
    compressed, text = rest[0], rest[2:].split(b"\x00", 2)
    if len(text) < 3:
        raise Unreadable("corrupt PNG: the 'openbadges' iTXt chunk lacks its language and keyword fields")
    body = text[2]
    if compressed:
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body, max_bytes)
        except zlib.error as exc:
            raise Unreadable(f"corrupt PNG: the 'openbadges' chunk does not inflate: {exc}") from None
        if inflater.unconsumed_tail:
            raise Unreadable("the 'openbadges' chunk inflates past the badge size limit")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("corrupt PNG: the 'openbadges' chunk is not UTF-8 text") from None


def svg_documents(raw: bytes, source: str) -> list[Document]:
    """The baked <openbadges:assertion> (OB 2.0) or <openbadges:credential> (OB 3.0) of an SVG.

    Its text (JSON or a JWS) or its 'verify' attribute (a JWS or the URL of a hosted assertion).
    """
    if b"<!ENTITY" in raw or b"<!DOCTYPE" in raw:
        raise Unreadable("the SVG declares a DOCTYPE or entities, which are refused (they can expand without bound)")
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as exc:
        raise Unreadable(f"broken SVG/XML: {exc}") from None
    element = next((e for tag in SVG_ELEMENTS for e in root.iter(tag)), None)
    if element is None:
        raise Unreadable(
            "an SVG without an <openbadges:assertion> (or OB 3.0 <openbadges:credential>) element: not a baked badge"
        )
    text = (element.text or "").strip()
    if text:
        return parse_payload(text, source)
    verify = (element.get("verify") or "").strip()
    if verify:
        return parse_payload(verify, source)
    raise Unreadable("the SVG's <openbadges:assertion> is empty")
