"""The few multibase and multicodec encodings badge keys and proofs use: base58btc, base64url, Ed25519 keys."""

from __future__ import annotations

import base64

import base58

from ingest.badges.errors import BadgeDataError

ED25519_PUB = b"\xed\x01"
"""Multicodec prefix of an Ed25519 public key."""


def decode(value: str) -> bytes:
    """Decode a multibase string: 'z' base58btc or 'u' base64url (no padding).

    >>> decode("z2g")
    b'a'
    >>> decode("uYQ")
    b'a'
    """
    if not value:
        raise BadgeDataError("empty multibase value")
    prefix, body = value[0], value[1:]
    if prefix == "z":
        return base58.b58decode(body)
    if prefix == "u":
        return b64url_decode(body)
    raise BadgeDataError(f"multibase prefix {prefix!r} is not supported (only 'z' base58btc and 'u' base64url)")


def b64url_decode(body: str) -> bytes:
    """base64url without padding, as JOSE and multibase 'u' write it."""
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def ed25519_key(multibase_key: str) -> bytes:
    """The raw 32-byte Ed25519 public key from a multibase multicodec key ('z6Mk...')."""
    raw = decode(multibase_key)
    if raw[:2] != ED25519_PUB or len(raw) != 34:
        raise BadgeDataError("not an Ed25519 public key (multicodec 0xed01, 32 bytes)")
    return raw[2:]


def ed25519_multibase(raw: bytes) -> str:
    """The 'z6Mk...' multibase form of a raw Ed25519 public key.

    >>> ed25519_multibase(bytes(32))[:4]
    'z6Mk'
    """
    return "z" + base58.b58encode(ED25519_PUB + raw).decode("ascii")
