"""Embedded Data Integrity proofs: eddsa-rdfc-2022 and Ed25519Signature2020, checked over canonical N-Quads."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ingest.badges import multibase
from ingest.badges.canon import canonical_nquads
from ingest.badges.contexts import ContextError
from ingest.badges.did import JWK, KeyResolver, Unresolvable, did_of
from ingest.badges.result import Check, Outcome

EDDSA_SUITES = {"eddsa-rdfc-2022"}
MERKLE_SUITES = {"merkle-proof-2019"}


def proofs_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's proofs as a list (a single proof object or a proof set)."""
    proof = document.get("proof")
    items = proof if isinstance(proof, list) else [proof] if proof is not None else []
    return [p for p in items if isinstance(p, dict)]


def is_merkle(proof: dict[str, Any]) -> bool:
    """A Blockcerts MerkleProof2019 proof (old style, or as a Data Integrity cryptosuite)."""
    return proof.get("type") == "MerkleProof2019" or str(proof.get("cryptosuite")) in MERKLE_SUITES


def is_eddsa(proof: dict[str, Any]) -> bool:
    return proof.get("type") == "Ed25519Signature2020" or (
        proof.get("type") == "DataIntegrityProof" and str(proof.get("cryptosuite")) in EDDSA_SUITES
    )


def check_signatures(document: dict[str, Any], resolver: KeyResolver, issuer: str) -> Check:
    """Verify every Ed25519 proof on the document; one that does not match makes the check fail."""
    proofs = [p for p in proofs_of(document) if not is_merkle(p)]
    if not proofs:
        return Check(check="proof", outcome=Outcome.failed, message="the credential carries no proof")
    verified: list[str] = []
    unverifiable: list[str] = []
    for proof in proofs:
        label = str(proof.get("cryptosuite") or proof.get("type") or "untyped proof")
        if not is_eddsa(proof):
            unverifiable.append(f"{label}: proof type not supported offline")
            continue
        try:
            _verify_one(document, proof, resolver, issuer)
        except Unresolvable as exc:
            unverifiable.append(f"{label}: {exc}")
        except ContextError as exc:
            unverifiable.append(f"{label}: JSON-LD context {exc} is not bundled and is never fetched")
        except (ValueError, InvalidSignature) as exc:
            reason = str(exc) or "the signature does not match the credential (altered after signing?)"
            return Check(check="proof", outcome=Outcome.failed, message=f"{label}: {reason}")
        else:
            verified.append(label)
    if unverifiable and not verified:
        return Check(check="proof", outcome=Outcome.unverifiable, message="; ".join(unverifiable))
    note = f" ({'; '.join(unverifiable)})" if unverifiable else ""
    return Check(check="proof", outcome=Outcome.passed, message=f"{', '.join(verified)} signature verified{note}")


def _verify_one(document: dict[str, Any], proof: dict[str, Any], resolver: KeyResolver, issuer: str) -> None:
    method = proof.get("verificationMethod")
    value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str):
        raise ValueError("the proof lacks verificationMethod or proofValue")
    if proof.get("proofPurpose", "assertionMethod") != "assertionMethod":
        raise ValueError(f"proofPurpose is {proof.get('proofPurpose')!r}, not 'assertionMethod'")
    if issuer and did_of(method) != issuer:
        raise ValueError(f"signed with {method}, a key that is not the issuer's ({issuer})")
    key = _ed25519(resolver.resolve(method), method)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = document.get("@context")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    data = _sha256(canonical_nquads(options)) + _sha256(canonical_nquads(unsecured))
    key.verify(multibase.decode(value), data)


def _ed25519(jwk: JWK, method: str) -> Ed25519PublicKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
        raise Unresolvable(f"{method} is not an Ed25519 key")
    return Ed25519PublicKey.from_public_bytes(multibase.b64url_decode(jwk["x"]))


def _sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()
