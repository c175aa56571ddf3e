"""Finding entries by what a learner types: embedders, label scorers, and their hybrid ranking (no store needed)."""

from ingest.search.catalogue import SEARCH_KINDS, CatalogueSearch, KindIndex, SearchKind, write_npz
from ingest.search.embedders import (
    BUNDLED_STATIC_NAME,
    Embedder,
    HashingEmbedder,
    StaticEmbedder,
    Vectors,
    embedder_from_name,
    make_embedder,
    normalise,
)
from ingest.search.hybrid import (
    GRAM_WEIGHT,
    LEXICAL_WEIGHT,
    HybridRanker,
    Labelled,
    LexicalScores,
    embed_parts,
    exact_first,
    fetch_size,
)
from ingest.search.lexical import LabelBM25, LabelGrams, LabelScorers, normalise_label, ranked

__all__ = [
    "BUNDLED_STATIC_NAME",
    "GRAM_WEIGHT",
    "LEXICAL_WEIGHT",
    "SEARCH_KINDS",
    "CatalogueSearch",
    "Embedder",
    "HashingEmbedder",
    "HybridRanker",
    "KindIndex",
    "LabelBM25",
    "LabelGrams",
    "LabelScorers",
    "Labelled",
    "LexicalScores",
    "SearchKind",
    "StaticEmbedder",
    "Vectors",
    "embed_parts",
    "embedder_from_name",
    "exact_first",
    "fetch_size",
    "make_embedder",
    "normalise",
    "normalise_label",
    "ranked",
    "write_npz",
]
