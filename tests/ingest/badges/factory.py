"""Badges the tests issue and sign themselves: OB 3.0 credentials, status lists, VC-JWTs, baked images, Blockcerts."""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
import warnings
import zlib
from typing import Any

import base58
import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jws
from joserfc.jwk import OKPKey

from ingest.badges import multibase
from ingest.badges.blockcerts import local_hash
from ingest.badges.canon import canonical_nquads

OB3 = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


class Issuer:
    """An Ed25519 did:key issuer with a fixed seed, so every run issues the same badges."""

    def __init__(self, seed: int = 1, name: str = "Test Academy") -> None:
        self.private = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
        self.raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key = multibase.ed25519_multibase(self.raw)
        self.did = f"did:key:{key}"
        self.method = f"{self.did}#{key}"
        self.name = name

    def credential(
        self,
        achievement_id: str,
        name: str,
        *,
        description: str = "",
        alignments: tuple[dict[str, str], ...] = (),
        valid_from: str = "2024-01-01T00:00:00Z",
        valid_until: str | None = None,
        status: dict[str, Any] | None = None,
        ident: str = "urn:uuid:00000000-0000-4000-8000-000000000001",
    ) -> dict[str, Any]:
        """An unsigned OpenBadgeCredential (VC 2.0 data model) for one achievement."""
        achievement: dict[str, Any] = {
            "id": achievement_id,
            "type": ["Achievement"],
            "name": name,
            "description": description or f"Awarded for {name}.",
            "criteria": {"narrative": "Passed the assessment."},
        }
        if alignments:
            achievement["alignment"] = [{"type": ["Alignment"], **a} for a in alignments]
        doc: dict[str, Any] = {
            "@context": list(OB3),
            "id": ident,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": self.did, "type": ["Profile"], "name": self.name},
            "validFrom": valid_from,
            "name": name,
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": achievement},
        }
        if valid_until:
            doc["validUntil"] = valid_until
        if status:
            doc["credentialStatus"] = status
        return doc

    def sign(self, document: dict[str, Any], suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
        """Add a Data Integrity proof (eddsa-rdfc-2022) or an Ed25519Signature2020 proof."""
        doc = json.loads(json.dumps(document))
        if suite == "Ed25519Signature2020":
            doc["@context"] = [*doc["@context"], ED25519_2020]
            options: dict[str, Any] = {"type": "Ed25519Signature2020"}
        else:
            options = {"type": "DataIntegrityProof", "cryptosuite": suite}
        options |= {
            "created": "2024-01-01T00:00:00Z",
            "verificationMethod": self.method,
            "proofPurpose": "assertionMethod",
        }
        data = _sha(canonical_nquads({**options, "@context": doc["@context"]})) + _sha(canonical_nquads(doc))
        doc["proof"] = {**options, "proofValue": "z" + base58.b58encode(self.private.sign(data)).decode()}
        return doc

    def status_list(self, list_id: str, revoked: set[int], size: int = 16 * 1024) -> dict[str, Any]:
        """A signed BitstringStatusListCredential with the given indexes set."""
        bits = bytearray(size // 8)
        for index in revoked:
            bits[index // 8] |= 0x80 >> (index % 8)
        encoded = "u" + multibase.b64url_encode(gzip.compress(bytes(bits)))
        return self.sign(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": list_id,
                "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                "issuer": self.did,
                "validFrom": "2024-01-01T00:00:00Z",
                "credentialSubject": {
                    "id": f"{list_id}#list",
                    "type": "BitstringStatusList",
                    "statusPurpose": "revocation",
                    "encodedList": encoded,
                },
            }
        )

    def jwt(self, credential: dict[str, Any], *, header: str = "kid", alg: str = "EdDSA") -> str:
        """A VC-JWT whose key is named by a did:key kid ('kid'), embedded ('jwk'), or not at all ('none')."""
        key = OKPKey.import_key(
            {"kty": "OKP", "crv": "Ed25519", "x": multibase.b64url_encode(self.raw)}
            | {"d": multibase.b64url_encode(self.private.private_bytes_raw())}
        )
        protected: dict[str, Any] = {"alg": alg, "typ": "JWT"}
        if header == "kid":
            protected["kid"] = self.method
        elif header == "jwk":
            protected["jwk"] = key.as_dict(private=False)
        payload = {"iss": self.did, "jti": credential["id"], "vc": credential}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joserfc flags 'EdDSA' as superseded by 'Ed25519' (RFC 9864)
            return jws.serialize_compact(protected, json.dumps(payload), key, algorithms=[alg])


def unsigned_jwt(credential: dict[str, Any]) -> str:
    """A JWT with alg 'none': no signature at all."""
    head = multibase.b64url_encode(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    body = multibase.b64url_encode(json.dumps({"vc": credential}).encode())
    return f"{head}.{body}."


def png(payload: str | None, keyword: bytes = b"openbadges") -> bytes:
    """A 1x1 grey PNG, baked with an iTXt chunk holding ``payload`` (none when None)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    chunks = [chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))]
    if payload is not None:
        chunks.append(chunk(b"iTXt", keyword + b"\x00\x00\x00\x00\x00" + payload.encode()))
    chunks += [chunk(b"IDAT", zlib.compress(b"\x00\x80")), chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def svg(payload: str, *, as_attribute: bool = False) -> bytes:
    """An SVG baked with an <openbadges:assertion> (payload as text, or as its verify attribute)."""
    inner = (
        f'<openbadges:assertion verify="{payload}"/>'
        if as_attribute
        else f"<openbadges:assertion><![CDATA[{payload}]]></openbadges:assertion>"
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" width="1" height="1">'
        f"{inner}<rect width='1' height='1'/></svg>"
    ).encode()


BLOCKCERTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/blockcerts/v3.1",
]


def blockcert(txid: str, name: str = "Certificate in Data Stewardship") -> tuple[dict[str, Any], dict[str, Any]]:
    """A Blockcerts certificate in a two-leaf Merkle tree anchored on bitcoin testnet, and its transaction record."""
    doc: dict[str, Any] = {
        "@context": list(BLOCKCERTS),
        "id": "urn:uuid:bbbbbbbb-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "BlockcertsCredential"],
        "issuer": "https://example.edu/issuer.json",
        "validFrom": "2024-01-01T00:00:00Z",
        "name": name,
        "description": "Awarded by the test university.",
        "credentialSubject": {"id": "did:example:learner", "name": "A Learner"},
    }
    leaf = local_hash(doc, 0)
    sibling = hashlib.sha256(b"another certificate").hexdigest()
    root = hashlib.sha256(bytes.fromhex(leaf) + bytes.fromhex(sibling)).hexdigest()
    value = cbor2.dumps(
        [
            [0, cbor2.dumps(leaf)],
            [1, cbor2.dumps(root)],
            [2, [[[0, 0], [1, 3], [2, cbor2.dumps(txid)]]]],
            [3, [[1, cbor2.dumps(sibling)]]],
        ]
    )
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "merkle-proof-2019",
        "proofPurpose": "assertionMethod",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": "https://example.edu/issuer.json#key-1",
        "proofValue": "z" + base58.b58encode(value).decode(),
    }
    record = {"txid": txid, "vout": [{"scriptpubkey": "6a20" + root, "scriptpubkey_type": "op_return"}]}
    return doc, record


def _sha(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()
