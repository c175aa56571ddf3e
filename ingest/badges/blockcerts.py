"""Blockcerts v3 MerkleProof2019: the Merkle path from the certificate's canonical hash to its anchored root."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from ingest.badges import multibase
from ingest.badges.canon import canonical_nquads
from ingest.badges.contexts import ContextError
from ingest.badges.proofs import is_merkle, proofs_of
from ingest.badges.result import Check, Outcome

FALLBACK_VOCAB = "http://fallback.org/"
"""Blockcerts verifiers map unknown terms here so that no field escapes the hash; any such field is an error."""

CHAINS = {0: "btc", 1: "eth", -1: "mocknet"}
NETWORKS = {"btc": {1: "mainnet", 3: "testnet"}, "eth": {1: "mainnet", 3: "ropsten", 4: "rinkeby", 5: "goerli"}}


@dataclass(frozen=True)
class MerkleProof:
    """A decoded MerkleProof2019 proofValue."""

    target_hash: str
    merkle_root: str
    path: tuple[tuple[str, str], ...]
    anchors: tuple[str, ...]
    txids: tuple[str, ...]


def decode_proof_value(value: str) -> MerkleProof:
    """Decode the multibase, CBOR-encoded proofValue (keys 0 targetHash, 1 merkleRoot, 2 anchors, 3 path)."""
    try:
        fields = dict(cbor2.loads(multibase.decode(value)))
        target = _text(fields[0])
        root = _text(fields[1])
        path = tuple(("left" if side == 0 else "right", _text(h)) for side, h in fields.get(3, []))
        anchors, txids = [], []
        for anchor in fields.get(2, []):
            parts = dict(anchor)
            chain = CHAINS.get(parts.get(0, ""), str(parts.get(0)))
            if chain == "mocknet":
                anchors.append("blink:mocknet (a test chain: not issued on any blockchain)")
                continue
            network = NETWORKS.get(chain, {}).get(parts.get(1, ""), str(parts.get(1)))
            txid = _text(parts[2])
            anchors.append(f"blink:{chain}:{network}:{txid}")
            txids.append(txid)
    except (ValueError, KeyError, TypeError, cbor2.CBORDecodeError) as exc:
        raise ValueError(f"the MerkleProof2019 proofValue cannot be decoded: {exc}") from None
    return MerkleProof(target, root, path, tuple(anchors), tuple(txids))


def _text(value: Any) -> str:
    decoded = cbor2.loads(value) if isinstance(value, bytes) else value
    if not isinstance(decoded, str):
        raise TypeError(f"expected text, found {type(decoded).__name__}")
    return decoded


def local_hash(certificate: dict[str, Any], proof_index: int) -> str:
    """The certificate's canonical hash as its issuer computed it: without the proof, unknown terms kept."""
    document = {k: v for k, v in certificate.items() if k != "proof"}
    proofs = certificate.get("proof")
    if isinstance(proofs, list) and proof_index:
        document["proof"] = proofs[0] if proof_index == 1 else proofs[:proof_index]
    context = document.get("@context")
    contexts = list(context) if isinstance(context, list) else [context]
    if not any(isinstance(c, dict) and "@vocab" in c for c in contexts):
        contexts.append({"@vocab": FALLBACK_VOCAB})
    document["@context"] = contexts
    nquads = canonical_nquads(document)
    unmapped = sorted(
        {line.split(FALLBACK_VOCAB, 1)[1].split(">", 1)[0] for line in nquads.splitlines() if FALLBACK_VOCAB in line}
    )
    if unmapped:
        raise ValueError(f"fields not defined by the certificate's contexts: {', '.join(unmapped)}")
    return hashlib.sha256(nquads.encode("utf-8")).hexdigest()


def merkle_root(target_hash: str, path: tuple[tuple[str, str], ...]) -> str:
    """Fold the Merkle path from the leaf up: sha256(left || right) at each level.

    >>> leaf, sibling = "00" * 32, "11" * 32
    >>> merkle_root(leaf, (("right", sibling),)) == hashlib.sha256(bytes(32) + b"\\x11" * 32).hexdigest()
    True
    """
    node = bytes.fromhex(target_hash)
    for side, sibling in path:
        other = bytes.fromhex(sibling)
        node = hashlib.sha256(other + node if side == "left" else node + other).digest()
    return node.hex()


def check_merkle(certificate: dict[str, Any], anchor_records: Mapping[str, Any]) -> list[Check]:
    """The proof check (canonical hash, Merkle path) then the anchor check (offline: unverifiable unless recorded)."""
    found = [(i, p) for i, p in enumerate(proofs_of(certificate)) if is_merkle(p)]
    if not found:
        return [Check(check="proof", outcome=Outcome.failed, message="no MerkleProof2019 proof")]
    index, proof = found[0]
    try:
        decoded = decode_proof_value(str(proof.get("proofValue", "")))
        computed = local_hash(certificate, index)
    except ContextError as exc:
        return [Check(check="proof", outcome=Outcome.unverifiable, message=f"context {exc} is not bundled")]
    except ValueError as exc:
        return [Check(check="proof", outcome=Outcome.failed, message=str(exc))]
    if computed != decoded.target_hash:
        return [
            Check(
                check="proof",
                outcome=Outcome.failed,
                message=f"the certificate's canonical hash {computed[:16]}... is not the proof's targetHash "
                f"{decoded.target_hash[:16]}...: it was altered after issuing (or canonicalised with other "
                "versions of its JSON-LD contexts)",
            )
        ]
    if merkle_root(decoded.target_hash, decoded.path) != decoded.merkle_root:
        return [Check(check="proof", outcome=Outcome.failed, message="the Merkle path does not lead to the merkleRoot")]
    proof_check = Check(
        check="proof",
        outcome=Outcome.passed,
        message=f"MerkleProof2019: canonical hash and a {len(decoded.path)}-step path lead to root "
        f"{decoded.merkle_root[:16]}...",
    )
    return [proof_check, _anchor(decoded, anchor_records)]


def _anchor(decoded: MerkleProof, records: Mapping[str, Any]) -> Check:
    named = ", ".join(decoded.anchors) or "no anchor"
    for txid in decoded.txids:
        record = records.get(txid)
        if record is None:
            continue
        if decoded.merkle_root.lower() in _strings(record):
            return Check(
                check="anchor",
                outcome=Outcome.passed,
                message=f"the transaction record for {txid} carries the Merkle root (whether the sending address "
                "is the issuer's is a matter of trust: the issuer profile is never fetched)",
            )
        return Check(
            check="anchor",
            outcome=Outcome.failed,
            message=f"the transaction record for {txid} does not carry the Merkle root {decoded.merkle_root}",
        )
    return Check(
        check="anchor",
        outcome=Outcome.unverifiable,
        message=f"anchored in {named}; a blockchain cannot be consulted offline: give the anchoring "
        "transaction's record as an anchor file",
    )


def anchor_txids(record: Any) -> set[str]:
    """The transaction ids an anchor record names (fields txid, hash or id)."""
    if not isinstance(record, dict):
        return set()
    return {str(record[k]).lower() for k in ("txid", "hash", "id") if isinstance(record.get(k), str)}


def _strings(node: Any) -> str:
    if isinstance(node, dict):
        return " ".join(_strings(v) for v in node.values())
    if isinstance(node, list):
        return " ".join(_strings(v) for v in node)
    return str(node).lower() if isinstance(node, str) else ""
