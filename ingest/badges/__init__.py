"""Badges a learner holds: read from wallet exports and verified offline, check by check."""

from ingest.badges.result import Achievement, Alignment, BadgeResult, BadgeStatus, Check, Mapping, Outcome
from ingest.badges.sources import build_verifier, split_status
from ingest.badges.verify import Verifier

__all__ = [
    "Achievement",
    "Alignment",
    "BadgeResult",
    "BadgeStatus",
    "Check",
    "Mapping",
    "Outcome",
    "Verifier",
    "build_verifier",
    "split_status",
]
