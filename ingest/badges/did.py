"""Offline key resolution: did:key from the identifier itself, did:web only from DID documents given as files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ingest.badges import multibase

JWK = dict[str, Any]


class Unresolvable(Exception):
    """A verification method whose key cannot be found offline; the message says why and what would help."""


def ed25519_jwk(raw: bytes) -> JWK:
    """An Ed25519 public key as an OKP JWK."""
    return {"kty": "OKP", "crv": "Ed25519", "x": multibase.b64url_encode(raw)}


def did_of(reference: str) -> str:
    """The DID (or URL) part of a verification method reference, without its fragment."""
    return reference.split("#", 1)[0]


@dataclass
class KeyResolver:
    """Finds public keys offline: did:key, the given DID documents (by id), and the trust file's keys (by id)."""

    documents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    trusted_keys: Mapping[str, JWK] = field(default_factory=dict)

    def resolve(self, reference: str) -> JWK:
        """The public key (as a JWK) of a verification method id such as ``did:key:z6Mk...#z6Mk...``."""
        if reference in self.trusted_keys:
            return dict(self.trusted_keys[reference])
        did = did_of(reference)
        if did.startswith("did:key:"):
            return self._did_key(did)
        if did in self.documents:
            return self._from_document(self.documents[did], reference)
        if did.startswith("did:web:"):
            raise Unresolvable(
                f"{did} is a did:web identifier: its DID document is never fetched; give the document as a DID file"
            )
        if did in self.trusted_keys:
            return dict(self.trusted_keys[did])
        raise Unresolvable(f"key {reference} cannot be resolved offline; add it to the trust file's keys")

    @staticmethod
    def _did_key(did: str) -> JWK:
        identifier = did.removeprefix("did:key:")
        try:
            return ed25519_jwk(multibase.ed25519_key(identifier))
        except ValueError as exc:
            raise Unresolvable(f"{did}: {exc}; only Ed25519 did:key identifiers are supported") from None

    @staticmethod
    def _from_document(document: Mapping[str, Any], reference: str) -> JWK:
        did = str(document.get("id", ""))
        for key in ("verificationMethod", "assertionMethod", "authentication"):
            for method in document.get(key) or ():
                if not isinstance(method, dict):
                    continue
                method_id = str(method.get("id", ""))
                if method_id.startswith("#"):
                    method_id = did + method_id
                if method_id != reference and not (reference == did and key == "assertionMethod"):
                    continue
                if isinstance(method.get("publicKeyJwk"), dict):
                    return dict(method["publicKeyJwk"])
                if isinstance(method.get("publicKeyMultibase"), str):
                    try:
                        return ed25519_jwk(multibase.ed25519_key(method["publicKeyMultibase"]))
                    except ValueError as exc:
                        raise Unresolvable(f"{method_id}: {exc}") from None
                raise Unresolvable(f"{method_id} has neither publicKeyJwk nor publicKeyMultibase")
        raise Unresolvable(f"the DID document of {did} has no verification method {reference}")
