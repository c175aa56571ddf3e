"""The trust file: issuers the learner (or their institution) trusts, and public keys given out of band."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

from graph.errors import ConfigError
from ingest.badges import multibase
from ingest.badges.did import JWK, ed25519_jwk

TRUST_FIX = (
    "write the trust file as JSON or YAML: {issuers: [issuer id or URL, ...], keys: [{id: key id, "
    "jwk: {...} | publicKeyMultibase: 'z6Mk...' | publicKeyPem: '-----BEGIN PUBLIC KEY-----...'}]}"
)


@dataclass(frozen=True)
class TrustList:
    """Who is trusted; ``given`` is False when no trust file was given (every issuer is then 'unknown')."""

    issuers: frozenset[str] = frozenset()
    keys: dict[str, JWK] = field(default_factory=dict)
    given: bool = False

    def trusted(self, issuer: str) -> Literal["yes", "no", "unknown"]:
        """'yes', 'no' or 'unknown' for an issuer id."""
        if not self.given:
            return "unknown"
        return "yes" if issuer and issuer.rstrip("/") in {i.rstrip("/") for i in self.issuers} else "no"


def load_trust(path: Path) -> TrustList:
    """Read a trust file; raises ConfigError with where and how to fix."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the trust file: {exc}", where=where, fix=TRUST_FIX) from None
    if not isinstance(data, dict) or set(data) - {"issuers", "keys"}:
        raise ConfigError("the trust file must be an object with 'issuers' and/or 'keys'", where=where, fix=TRUST_FIX)
    issuers = data.get("issuers") or []
    if not isinstance(issuers, list) or not all(isinstance(i, str) for i in issuers):
        raise ConfigError("'issuers' must be a list of ids", where=f"{where}#/issuers", fix=TRUST_FIX)
    keys: dict[str, JWK] = {}
    for i, entry in enumerate(data.get("keys") or []):
        pointer = f"{where}#/keys/{i}"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ConfigError("each key needs an 'id'", where=pointer, fix=TRUST_FIX)
        keys[entry["id"]] = _key(entry, pointer)
    return TrustList(frozenset(issuers), keys, given=True)


def _key(entry: dict[str, Any], pointer: str) -> JWK:
    try:
        if isinstance(entry.get("jwk"), dict):
            return JWKRegistry.import_key(entry["jwk"]).as_dict(private=False)
        if isinstance(entry.get("publicKeyMultibase"), str):
            return ed25519_jwk(multibase.ed25519_key(entry["publicKeyMultibase"]))
        if isinstance(entry.get("publicKeyPem"), str):
            return JWKRegistry.import_key(entry["publicKeyPem"]).as_dict(private=False)
    except (JoseError, ValueError, TypeError) as exc:
        raise ConfigError(f"unusable key: {exc}", where=pointer, fix=TRUST_FIX) from None
    raise ConfigError("a key needs 'jwk', 'publicKeyMultibase' or 'publicKeyPem'", where=pointer, fix=TRUST_FIX)
