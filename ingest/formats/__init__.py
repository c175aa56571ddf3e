"""Outside formats into graph models: one adapter per format, detection by content, loading many files at once.

Adapters never import each other; what they share lives in ``base`` (the adapter contract),
``common`` (skill ids, validation), ``textio`` (gzip, sniffing, delimited rows), ``jsonld`` and
``requires`` (the requirement expression language).
"""

from ingest.formats.base import Adapter, AdapterResult, Override, Skipped
from ingest.formats.common import label_skill_id
from ingest.formats.csvformat import CsvAdapter
from ingest.formats.ctdl import CtdlAdapter
from ingest.formats.detect import ADAPTERS, detect_format, load_sources
from ingest.formats.esco import EscoAdapter, SkillRelations
from ingest.formats.native import NativeAdapter, dump_catalogue
from ingest.formats.onet import OnetAdapter
from ingest.formats.openbadges import OpenBadgesAdapter
from ingest.formats.requires import ExpressionError, parse_requires
from ingest.formats.textio import SNIFF_BYTES

__all__ = [
    "ADAPTERS",
    "SNIFF_BYTES",
    "Adapter",
    "AdapterResult",
    "CsvAdapter",
    "CtdlAdapter",
    "EscoAdapter",
    "ExpressionError",
    "NativeAdapter",
    "OnetAdapter",
    "OpenBadgesAdapter",
    "Override",
    "SkillRelations",
    "Skipped",
    "detect_format",
    "dump_catalogue",
    "label_skill_id",
    "load_sources",
    "parse_requires",
]
