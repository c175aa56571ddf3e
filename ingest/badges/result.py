"""What verifying one held badge found: its label, each check in order, and the facts the mapping needs."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class BadgeStatus(StrEnum):
    """The verdict on one badge, worst first when several checks disagree."""

    verified = "verified"
    unverifiable = "unverifiable"
    expired = "expired"
    revoked = "revoked"
    invalid = "invalid"
    unreadable = "unreadable"


class Outcome(StrEnum):
    """How one check ended."""

    passed = "passed"
    failed = "failed"
    unverifiable = "unverifiable"
    skipped = "skipped"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(_Frozen):
    """One verification step with its outcome, in the order the checks ran."""

    check: str = Field(description="structure, proof, valid_from, valid_until, status, anchor, ...")
    outcome: Outcome
    message: str


class Alignment(_Frozen):
    """An achievement's alignment to a framework item (ESCO, O*NET, CTDL, CASE)."""

    url: str = ""
    name: str = ""
    code: str = ""
    framework: str = ""
    type: str = ""


class Achievement(_Frozen):
    """What the badge says it is for: the part the catalogue mapping reads."""

    id: str = ""
    alt_ids: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    name: str = ""
    description: str = ""
    alignments: tuple[Alignment, ...] = ()


class Mapping(_Frozen):
    """A catalogue entry a badge proves, and how sure the match is."""

    id: str
    kind: Literal["credential", "skill"]
    confidence: float = Field(ge=0, le=1)
    via: Literal["id", "alt_id", "url", "alignment", "name", "semantic"]
    proposal: bool = Field(default=False, description="Low confidence: counted only once the learner accepts it.")


class BadgeResult(_Frozen):
    """One badge as `credpath badges inspect` reports it."""

    source: str = Field(description="The file it came from (with a JSON pointer for a credential inside a CLR).")
    format: str = Field(default="", description="ob2, ob3-jsonld, ob3-jwt, blockcerts, clr or empty when unreadable.")
    status: BadgeStatus
    checks: tuple[Check, ...] = ()
    trusted: Literal["yes", "no", "unknown"] = "unknown"
    name: str = ""
    issuer: str = ""
    issuer_name: str = ""
    achievement: Achievement = Achievement()
    maps_to: tuple[Mapping, ...] = ()
