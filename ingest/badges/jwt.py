"""VC-JWT (compact JWS) credentials: the signature checked with the jwk header, a did:key kid or a trusted key."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

from ingest.badges import multibase
from ingest.badges.did import KeyResolver, Unresolvable, did_of
from ingest.badges.result import Check, Outcome

ALGORITHMS = ["EdDSA", "Ed25519", "ES256", "ES256K", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384"]
"""Public-key algorithms only: 'none' (unsigned) and HS* (a shared secret proves nothing to others) are refused."""


class NotAJwt(ValueError):
    """The text is not a compact JWS: three base64url parts with a JSON header and payload."""


@dataclass(frozen=True)
class JwtCredential:
    """A decoded VC-JWT: its header, the credential inside, the JWT's own dates and the signature check."""

    header: dict[str, Any]
    credential: dict[str, Any]
    not_before: dt.datetime | None
    expires: dt.datetime | None
    proof: Check


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def looks_like_jwt(text: str) -> bool:
    """Three dot-separated parts, the first two base64url (a compact JWS).

    >>> looks_like_jwt("eyJhbGciOiJub25lIn0.eyJhIjoxfQ."), looks_like_jwt("{}")
    (True, False)
    """
    parts = text.split(".")
    return len(parts) == 3 and all(p and set(p) <= _B64URL for p in parts[:2])


def decode_jwt(token: str, resolver: KeyResolver) -> JwtCredential:
    """Decode a VC-JWT and check its signature; raises NotAJwt when header or payload is not JSON."""
    head, body, _ = token.split(".")
    try:
        header = json.loads(multibase.b64url_decode(head))
        payload = json.loads(multibase.b64url_decode(body))
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAJwt(f"the JWT header or payload is not base64url JSON: {exc}") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise NotAJwt("the JWT header and payload must be JSON objects")
    inner = payload.get("vc")
    credential: dict[str, Any] = inner if isinstance(inner, dict) else payload
    issuer = _issuer_id(credential) or str(payload.get("iss") or "")
    return JwtCredential(
        header=header,
        credential=credential,
        not_before=_epoch(payload.get("nbf")),
        expires=_epoch(payload.get("exp")),
        proof=_check_signature(token, header, issuer, resolver, _creator(credential)),
    )


def _check_signature(token: str, header: dict[str, Any], issuer: str, resolver: KeyResolver, creator: str) -> Check:
    alg = str(header.get("alg", ""))
    if alg.lower() == "none" or not alg:
        return Check(check="proof", outcome=Outcome.failed, message="JWT alg 'none': the credential is not signed")
    if alg not in ALGORITHMS:
        return Check(
            check="proof", outcome=Outcome.failed, message=f"JWT alg {alg!r} is not a public-key signature algorithm"
        )
    kid = header.get("kid") or creator or None
    try:
        if isinstance(header.get("jwk"), dict):
            jwk, source = header["jwk"], "the key in the JWT header (jwk)"
        elif isinstance(kid, str):
            if issuer and kid.startswith("did:") and did_of(kid) != issuer:
                return Check(
                    check="proof", outcome=Outcome.failed, message=f"signed with {kid}, not a key of issuer {issuer}"
                )
            jwk, source = resolver.resolve(kid), kid
        else:
            raise Unresolvable("the JWT header names no key (no jwk, no kid); give the key in the trust file")
        key = JWKRegistry.import_key(jwk)
    except Unresolvable as exc:
        return Check(check="proof", outcome=Outcome.unverifiable, message=str(exc))
    except (JoseError, ValueError, TypeError) as exc:
        return Check(check="proof", outcome=Outcome.failed, message=f"the JWT's key is unusable: {exc}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            jws.deserialize_compact(token, key, algorithms=[alg])
    except (JoseError, ValueError) as exc:
        reason = "the signature does not match the credential" if "signature" in type(exc).__name__.lower() else exc
        return Check(check="proof", outcome=Outcome.failed, message=f"JWT {alg}: {reason}")
    return Check(check="proof", outcome=Outcome.passed, message=f"JWT {alg} signature verified with {source}")


def _creator(credential: dict[str, Any]) -> str:
    """An OB 2.0 signed assertion names its key in verification.creator (no kid in the JWS header)."""
    verification = credential.get("verification")
    creator = verification.get("creator") if isinstance(verification, dict) else None
    return creator if isinstance(creator, str) else ""


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


def _epoch(value: Any) -> dt.datetime | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    return None
