"""Badges a learner holds: read from wallet exports and verified offline, check by check."""

from ingest.badges.result import Achievement, Alignment, BadgeResult, BadgeStatus, Check, Mapping, Outcome
from ingest.badges.sources import Support, build_verifier, sort_support, split_status, support_kind
from ingest.badges.verify import Verifier

__all__ = [
    "Achievement",
    "Alignment",
    "BadgeResult",
    "BadgeStatus",
    "Check",
    "Mapping",
    "Outcome",
    "Support",
    "Verifier",
    "build_verifier",
    "sort_support",
    "split_status",
    "support_kind",
]
