"""RDF canonicalisation (RDFC-1.0 / URDNA2015) over bundled, pinned JSON-LD contexts; nothing is ever fetched."""

from __future__ import annotations

import hashlib
from typing import Any

from pyld import jsonld

from ingest.badges.contexts import ContextError, context, unknown_contexts
from ingest.badges.errors import BadgeDataError


def load_document(url: str, options: Any = None) -> dict[str, Any]:
    """The pyld document loader: serves the bundled contexts and refuses every other URL."""
    try:
        document = context(url)
    except ContextError:
        raise jsonld.JsonLdError(
            f"context {url} is not bundled and is never fetched",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        ) from None
    return {"contextUrl": None, "documentUrl": url, "document": document}


def canonical_nquads(document: dict[str, Any]) -> str:
    """The document's canonical N-Quads (URDNA2015, which RDFC-1.0 matches), with bundled contexts only.

    Raises ContextError for a context that is not bundled and ValueError for JSON-LD that cannot be expanded.
    """
    missing = unknown_contexts(document)
    if missing:
        raise ContextError(", ".join(missing))
    try:
        result: str = jsonld.normalize(
            document,
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load_document},
        )
    except jsonld.JsonLdError as exc:
        raise BadgeDataError(f"JSON-LD cannot be canonicalised: {_root_cause(exc)}") from None
    return result


def canonical_hash(document: dict[str, Any]) -> bytes:
    """SHA-256 of the canonical N-Quads."""
    return hashlib.sha256(canonical_nquads(document).encode("utf-8")).digest()


def _root_cause(exc: BaseException) -> str:
    while isinstance(getattr(exc, "cause", None), BaseException):
        exc = exc.cause  # type: ignore[attr-defined]
    return str(exc).splitlines()[0]
