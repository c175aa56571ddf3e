"""Credential Engine CTDL / CTDL-ASN JSON-LD: the adapter and the value profiles it reads."""

from ingest.formats.ctdl.reader import CtdlAdapter
from ingest.formats.ctdl.values import iso_hours

__all__ = ["CtdlAdapter", "iso_hours"]
